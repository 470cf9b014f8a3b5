/**
 * Problem documents (RFC 9457, `application/problem+json`) from the platform, as typed
 * errors. The platform names the field at fault as `body:a.b`, `query:x`, `path:x` or
 * `header:X`; forms show the message next to that field.
 */

/** The values a problem's English detail states, by name; a name's suffix gives its unit. */
export type ProblemParams = Record<string, string | number>;

export interface FieldProblem {
  field: string;
  /** in English */
  message: string;
  type?: string | null;
  params?: ProblemParams;
  /** the message in Chinese, when the server has it (the accounting engine's problems) */
  message_zh?: string;
  /** what to do, in English and in Chinese (the accounting engine's problems) */
  hint?: string;
  hint_zh?: string;
}

export interface ProblemDocument {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  field?: string;
  instance?: string;
  params?: ProblemParams;
  errors?: FieldProblem[];
}

export class ApiError extends Error {
  readonly status: number;
  /** the platform's machine-readable code, e.g. `username-taken`; `network` when unreachable */
  readonly code: string;
  readonly detail: string;
  readonly field: string | undefined;
  readonly errors: FieldProblem[];
  readonly params: ProblemParams;

  constructor(status: number, problem: ProblemDocument) {
    const detail = problem.detail ?? problem.title ?? `HTTP ${status}`;
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.code = problem.code ?? (status === 0 ? "network" : `http-${status}`);
    this.detail = detail;
    this.field = problem.field;
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
    this.params = problem.params ?? {};
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

/** The string and number values of a `params` object (anything else is dropped). */
function paramsOf(v: unknown): ProblemParams | undefined {
  if (!isRecord(v) || Array.isArray(v)) return undefined;
  const out: ProblemParams = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === "string" || (typeof x === "number" && Number.isFinite(x))) out[k] = x;
  }
  return out;
}

/** The texts in both languages an `errors[]` entry may carry besides its English message. */
function textsOf(e: Record<string, unknown>): Pick<FieldProblem, "message_zh" | "hint" | "hint_zh"> {
  const out: Pick<FieldProblem, "message_zh" | "hint" | "hint_zh"> = {};
  for (const key of ["message_zh", "hint", "hint_zh"] as const) {
    const v = e[key];
    if (typeof v === "string" && v) out[key] = v;
  }
  return out;
}

/** An ApiError from whatever an error response carried (a problem document, or not). */
export function toApiError(status: number, body: unknown): ApiError {
  if (isRecord(body)) {
    const doc: ProblemDocument = {};
    for (const key of ["type", "title", "detail", "code", "field", "instance"] as const) {
      const v = body[key];
      if (typeof v === "string") doc[key] = v;
    }
    doc.params = paramsOf(body.params);
    if (Array.isArray(body.errors)) {
      doc.errors = body.errors.filter(isRecord).map((e) => ({
        field: typeof e.field === "string" ? e.field : "",
        message: typeof e.message === "string" ? e.message : "",
        type: typeof e.type === "string" ? e.type : null,
        params: paramsOf(e.params),
        ...textsOf(e),
      }));
    }
    return new ApiError(status, doc);
  }
  return new ApiError(status, { detail: typeof body === "string" && body ? body : undefined });
}

export type FieldPath = (string | number)[];

// a bare location (the whole body missing) points at no single field
const LOCATIONS = ["body", "query", "path", "header", "cookie"];

/**
 * The form field a problem's `field` points at: `body:credit_code` → `["credit_code"]`,
 * `body:facilities.0.name` → `["facilities", 0, "name"]`. Fields outside the body
 * (query, path, header) have no form field: `null`.
 */
export function formFieldPath(field: string | undefined | null): FieldPath | null {
  if (!field || LOCATIONS.includes(field)) return null;
  const colon = field.indexOf(":");
  const where = colon === -1 ? "body" : field.slice(0, colon);
  const rest = colon === -1 ? field : field.slice(colon + 1);
  if (where !== "body" || rest === "") return null;
  return rest.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

export interface FieldMessage {
  name: FieldPath;
  /** the field's leaf name, e.g. `credit_code` */
  leaf: string;
  code: string;
  type: string | null;
  message: string;
  params: ProblemParams;
  /** the message in Chinese, when the server sent it (the accounting engine's problems) */
  message_zh?: string;
}

/**
 * Every field-level message of an error, deduplicated per field: the validation list
 * when there is one (422 `invalid-input`), otherwise the problem's own `field`.
 */
export function fieldMessages(err: ApiError): FieldMessage[] {
  const out: FieldMessage[] = [];
  const seen = new Set<string>();
  const add = (field: string, message: string, type: string | null, params: ProblemParams, messageZh?: string) => {
    const name = formFieldPath(field);
    if (!name) return;
    const key = name.join(".");
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ name, leaf: String(name[name.length - 1]), code: err.code, type, message, params, ...(messageZh ? { message_zh: messageZh } : {}) });
  };
  for (const e of err.errors) add(e.field, e.message, e.type ?? null, e.params ?? {}, e.message_zh);
  if (err.field && out.length === 0) add(err.field, err.detail, null, err.params);
  return out;
}
