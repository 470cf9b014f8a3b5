import { describe, expect, it } from "vitest";
import { ApiError, fieldMessages, formFieldPath, toApiError } from "./errors";
import { fieldText, problemText } from "../lib/problems";
import { formatters, isMessageKey, translate, type Vars } from "../i18n";

const i18n = (locale: "zh-CN" | "en-US") => ({
  tx: (key: string, fallback: string, vars?: Vars) => (isMessageKey(key) ? translate(locale, key, vars) : fallback),
  fmt: formatters(locale),
});

describe("problem documents", () => {
  it("map the platform's field names to form fields", () => {
    expect(formFieldPath("body:credit_code")).toEqual(["credit_code"]);
    expect(formFieldPath("body:facilities.0.lines.2.quantity")).toEqual(["facilities", 0, "lines", 2, "quantity"]);
    expect(formFieldPath("query:sort")).toBeNull();
    expect(formFieldPath("path:org_id")).toBeNull();
    expect(formFieldPath("body")).toBeNull();
    expect(formFieldPath(undefined)).toBeNull();
  });

  it("become typed errors carrying code, detail and field", () => {
    const err = toApiError(409, {
      type: "https://carbonledger.dev/problems/username-taken",
      title: "Username taken",
      status: 409,
      detail: "the username 'x' is taken",
      code: "username-taken",
      field: "body:username",
    });
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(409);
    expect(err.code).toBe("username-taken");
    expect(err.field).toBe("body:username");
    expect(fieldMessages(err)).toEqual([
      { name: ["username"], leaf: "username", code: "username-taken", type: null, message: "the username 'x' is taken", params: {} },
    ]);
    expect(problemText(err, i18n("zh-CN"))).toBe("该用户名已被占用");
  });

  it("list every invalid field of a validation error once, with its translation", () => {
    const err = toApiError(422, {
      code: "invalid-input",
      detail: "body:credit_code: Value error, a unified social credit code has 18 characters",
      field: "body:credit_code",
      errors: [
        { field: "body:credit_code", message: "Value error, a unified social credit code has 18 characters", type: "value_error" },
        { field: "body:username", message: "String should match pattern", type: "string_pattern_mismatch" },
        { field: "body:credit_code", message: "duplicate", type: "value_error" },
        { field: "query:limit", message: "too big", type: "less_than_equal" },
      ],
    });
    const messages = fieldMessages(err);
    expect(messages.map((m) => m.name)).toEqual([["credit_code"], ["username"]]);
    expect(fieldText(messages[0]!, i18n("zh-CN"))).toMatch(/^统一社会信用代码为 18 位/);
    expect(fieldText(messages[1]!, i18n("en-US"))).toBe("3–64 letters, digits or _ . -");
  });

  it("fall back to the server's words for codes the UI does not know", () => {
    const err = toApiError(409, { code: "brand-new-rule", detail: "the new rule says no", field: "body:amount" });
    expect(problemText(err, i18n("en-US"))).toBe("the new rule says no");
    expect(fieldText(fieldMessages(err)[0]!, i18n("en-US"))).toBe("the new rule says no");
  });

  it("survive bodies that are not problem documents", () => {
    const err = toApiError(502, "Bad Gateway");
    expect(err.code).toBe("http-502");
    expect(err.detail).toBe("Bad Gateway");
    expect(toApiError(500, null).detail).toBe("HTTP 500");
  });
});
