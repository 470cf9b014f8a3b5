/**
 * Problem documents in plain language, and on the form field at fault.
 *
 * A problem's `code` picks the text `error.<code>`; when the problem carries the values
 * its English detail states (`params`), `error.<code>.detail` says them in the user's
 * language. A param's name ends in its unit (see the platform's problem_codes.py): the
 * placeholder is the name without it (`lot_t` → `{lot}`) and the value is formatted for
 * the locale with its unit ("10 吨", "80.05 碳币/吨", "5%").
 */
import type { FormInstance } from "antd";
import { ApiError, fieldMessages, formFieldPath, type FieldMessage, type ProblemParams } from "../api/errors";
import type { I18n, Locale, Vars } from "../i18n";

/** (the locale picks the server's own text where it sent one in both languages) */
type Translate = Pick<I18n, "tx" | "fmt"> & Partial<Pick<I18n, "locale">>;

/** A text the server sent in English and, where it has it, in Chinese (with a hint each). */
export interface BilingualText {
  message: string;
  message_zh?: string;
  hint?: string | null;
  hint_zh?: string | null;
}

/**
 * The server's own text in the user's language: the accounting engine's problems come
 * with their sentence (and hint) in English and Chinese, from one catalogue on the server.
 */
export function localText(e: BilingualText, locale: Locale): { message: string; hint: string | null } {
  if (locale === "zh-CN" && e.message_zh) return { message: e.message_zh, hint: e.hint_zh || null };
  return { message: e.message, hint: e.hint || null };
}

/** {@link localText} as one line: the message, its hint in brackets. */
export function localLine(e: BilingualText, locale: Locale): string {
  const { message, hint } = localText(e, locale);
  if (!hint) return message;
  return locale === "zh-CN" ? `${message}（${hint}）` : `${message} (${hint})`;
}

export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(0, { code: "unexpected", detail: String(err) });
}

/** param-name suffix → the unit's message key (longest suffix first) */
const UNITS: [suffix: string, key: string, divisor: number, digits: number][] = [
  ["_cents_per_t", "problem.unit.centsPerT", 100, 2],
  ["_cents", "problem.unit.cents", 100, 2],
  ["_bytes", "problem.unit.megabytes", 1024 * 1024, 1],
  ["_bps", "problem.unit.percent", 100, -1],
  ["_t", "problem.unit.tonnes", 1, 0],
];

/** The placeholders of a problem's params, each value formatted for the locale with its unit. */
export function problemVars(params: ProblemParams | undefined, i18n: Translate): Vars {
  const vars: Vars = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    const unit = UNITS.find(([suffix]) => name.endsWith(suffix));
    if (!unit || typeof value !== "number") {
      vars[name] = value;
      continue;
    }
    const [suffix, key, divisor, digits] = unit;
    const scaled = value / divisor;
    // -1: as many decimals as the value has, up to two (500 bp → "5", 250 bp → "2.5")
    const n = digits >= 0 ? i18n.fmt.number(scaled, digits) : i18n.fmt.number(scaled, Number.isInteger(scaled) ? 0 : Number.isInteger(scaled * 10) ? 1 : 2);
    vars[name.slice(0, -suffix.length)] = i18n.tx(key, n, { n });
  }
  return vars;
}

const PLACEHOLDER = /\{(\w+)\}/g;

/** `key`'s text with `vars` filled in, or null when the text names a value not among them. */
function complete(key: string, vars: Vars, i18n: Translate): string | null {
  const template = i18n.tx(key, "");
  if (!template) return null;
  for (const m of template.matchAll(PLACEHOLDER)) if (!(m[1]! in vars)) return null;
  return i18n.tx(key, "", vars);
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

/**
 * The message key of a contract's revert reason (the platform publishes them as
 * ChainRevertReason): `"allowances: insufficient balance"` → `revert.allowances.insufficient-balance`.
 */
export function revertKey(reason: string): string {
  const colon = reason.indexOf(":");
  if (colon === -1) return `revert.${slug(reason)}`;
  return `revert.${slug(reason.slice(0, colon))}.${slug(reason.slice(colon + 1))}`;
}

/** A contract's revert reason in the user's language; an unknown one as the chain said it. */
export function revertText(reason: string, i18n: Translate): string {
  return i18n.tx(revertKey(reason), reason);
}

/** the codes whose `reason` is a contract's revert reason */
const REVERT_CODES = new Set(["chain-rejected"]);

/** What went wrong, in the user's language when the code is known (with its values when it carries them). */
export function problemText(err: ApiError, i18n: Translate): string {
  // one rule broken at a field no form shows (a query or path parameter): its own text,
  // rather than "check the marked fields"
  const [only, ...others] = err.errors;
  if (err.code === "invalid-input" && only?.type && others.length === 0 && !formFieldPath(only.field)) {
    const rule = complete(`validation.${only.type}`, problemVars(only.params, i18n), i18n);
    if (rule) return rule;
  }
  const vars = problemVars(err.params, i18n);
  if (REVERT_CODES.has(err.code) && typeof vars.reason === "string") vars.reason = revertText(vars.reason, i18n);
  return complete(`error.${err.code}.detail`, vars, i18n) ?? i18n.tx(`error.${err.code}`, err.detail);
}

/** The message shown under a field: the most specific translation there is. */
export function fieldText(m: FieldMessage, i18n: Translate): string {
  // the server's own sentence in the user's language (the accounting engine's problems)
  if (m.message_zh && i18n.locale) return localText(m, i18n.locale).message;
  const vars = problemVars(m.params, i18n);
  if (m.type) {
    const specific = complete(`validation.${m.leaf}.${m.type}`, vars, i18n);
    if (specific) return specific;
  }
  if (m.code !== "invalid-input") {
    // a rule's own type in `errors` (e.g. a block trade's below-minimum), else the problem's code
    for (const code of m.type ? [m.type, m.code] : [m.code]) {
      const byCode = complete(`error.${code}.detail`, vars, i18n) ?? complete(`error.${code}`, vars, i18n);
      if (byCode) return byCode;
    }
  }
  if (m.type) return complete(`validation.${m.type}`, vars, i18n) ?? m.message;
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
