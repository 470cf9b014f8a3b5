/**
 * File transfers the generated client does not cover: multipart uploads with progress
 * (XMLHttpRequest reports upload progress, fetch does not) and authorised downloads saved
 * as files. Both carry the session's bearer token and renew it once on a 401.
 */
import type { Api } from "../../api/client";
import { ApiError, toApiError } from "../../api/errors";

export interface Uploaded<T> {
  data: T;
}

/** The raw problem body of a failed upload, kept for screens that show more than ApiError has. */
export class UploadError extends ApiError {
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    const base = toApiError(status, body);
    super(status, { code: base.code, detail: base.detail, field: base.field, errors: base.errors, params: base.params });
    this.body = body;
  }
}

function send(
  api: Api,
  path: string,
  file: File | Blob,
  filename: string | undefined,
  onProgress?: (percent: number) => void,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `${window.location.origin}${path}`);
    const token = api.tokens.get()?.access_token;
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onload = () => {
      let body: unknown = xhr.responseText;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: keep the text
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new ApiError(0, { code: "network", detail: "upload failed" }));
    const form = new FormData();
    form.append("file", file, filename ?? (file instanceof File ? file.name : "upload"));
    xhr.send(form);
  });
}

/** POST a file as multipart field `file`; the parsed JSON answer, or an {@link UploadError}. */
export async function upload<T>(
  api: Api,
  path: string,
  file: File | Blob,
  options: { filename?: string; onProgress?: (percent: number) => void } = {},
): Promise<T> {
  let answer = await send(api, path, file, options.filename, options.onProgress);
  if (answer.status === 401 && (await api.renew())) {
    answer = await send(api, path, file, options.filename, options.onProgress);
  }
  if (answer.status < 200 || answer.status >= 300) throw new UploadError(answer.status, answer.body);
  return answer.body as T;
}

function filenameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star?.[1]) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain?.[1] ?? fallback;
}

/** GET a file with the session's token and hand it to the browser as a download. */
export async function download(api: Api, path: string, fallbackName: string): Promise<{ filename: string; sha256: string | null }> {
  const get = () => {
    const token = api.tokens.get()?.access_token;
    return fetch(`${window.location.origin}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  };
  let response: Response;
  try {
    response = await get();
    if (response.status === 401 && (await api.renew())) response = await get();
  } catch (err) {
    throw new ApiError(0, { code: "network", detail: String(err) });
  }
  if (!response.ok) {
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      // no problem document
    }
    throw toApiError(response.status, body);
  }
  const blob = await response.blob();
  const filename = filenameOf(response.headers.get("Content-Disposition"), fallbackName);
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { filename, sha256: response.headers.get("X-Content-SHA256") };
}
