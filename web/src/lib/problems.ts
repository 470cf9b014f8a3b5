/** Problem documents in plain language, and on the form field at fault. */
import type { FormInstance } from "antd";
import { ApiError, fieldMessages, type FieldMessage } from "../api/errors";
import type { I18n } from "../i18n";

type Translate = Pick<I18n, "tx">;

export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(0, { code: "unexpected", detail: String(err) });
}

/** What went wrong, in the user's language when the code is known. */
export function problemText(err: ApiError, i18n: Translate): string {
  return i18n.tx(`error.${err.code}`, err.detail);
}

/** The message shown under a field: the most specific translation there is. */
export function fieldText(m: FieldMessage, i18n: Translate): string {
  if (m.type) {
    const specific = i18n.tx(`validation.${m.leaf}.${m.type}`, "");
    if (specific) return specific;
  }
  if (m.code !== "invalid-input") {
    const byCode = i18n.tx(`error.${m.code}`, "");
    if (byCode) return byCode;
  }
  if (m.type) return i18n.tx(`validation.${m.type}`, m.message);
  return m.message;
}

/**
 * Put an error's field messages on the form's fields. `rename` maps an API field name to
 * the form's where they differ. Returns the error when some of it could not be shown at a
 * field (the caller shows it above the form), else null.
 */
export function showOnForm(
  form: FormInstance,
  err: unknown,
  i18n: Translate,
  rename: Record<string, string> = {},
): ApiError | null {
  const problem = asApiError(err);
  const messages = fieldMessages(problem);
  const known = new Set(
    Object.keys(form.getFieldsValue(true) as Record<string, unknown>).concat(Object.values(rename)),
  );
  const placed = messages
    .map((m) => {
      const first = String(m.name[0]);
      const name = [rename[first] ?? first, ...m.name.slice(1)];
      return { name, errors: [fieldText(m, i18n)] };
    })
    .filter((f) => known.has(String(f.name[0])));
  if (placed.length) form.setFields(placed);
  return placed.length === 0 ? problem : null;
}
