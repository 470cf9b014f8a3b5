/**
 * Every problem code and validation type the platform publishes in its OpenAPI document
 * (components.schemas.ProblemCode / ValidationType, generated from the back end's
 * problem_codes.py by `make web-client`) has a text in both languages, and the texts use
 * only values the problem carries.
 */
import { describe, expect, it } from "vitest";
import spec from "../api/openapi.json";
import { toApiError } from "../api/errors";
import { fieldMessages } from "../api/errors";
import { formatters, isMessageKey, translate, LOCALES, type Locale, type Vars } from "../i18n";
import { zhCN } from "../i18n/zh-CN";
import { fieldText, problemText, problemVars, revertKey } from "./problems";

interface CodeSchema {
  enum: string[];
  "x-params": Record<string, string[]>;
}
const schemas = spec.components.schemas as unknown as Record<string, CodeSchema>;
const codes = schemas.ProblemCode!;
const validation = schemas.ValidationType!;
const reasons = (schemas as unknown as Record<string, { enum: string[] }>).ChainRevertReason!.enum;

const UNIT = /(_cents_per_t|_cents|_bytes|_bps|_t)$/;
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
const keys = Object.keys(zhCN);

const i18n = (locale: Locale) => ({
  tx: (key: string, fallback: string, vars?: Vars) => (isMessageKey(key) ? translate(locale, key, vars) : fallback),
  fmt: formatters(locale),
});

describe("the platform's problem codes", () => {
  it("are published (a sanity check of the document the checks below read)", () => {
    expect(codes.enum.length).toBeGreaterThan(80);
    expect(codes.enum).toContain("insufficient-balance");
    expect(codes["x-params"]["bad-lot"]).toEqual(["quantity_t", "lot_t"]);
    expect(validation.enum).toContain("greater_than");
  });

  it("each have a text in every language, without placeholders", () => {
    const missing = codes.enum.filter((c) => !isMessageKey(`error.${c}`));
    expect(missing, "add error.<code> to zh-CN.ts and en-US.ts").toEqual([]);
    for (const locale of LOCALES) {
      for (const c of codes.enum) {
        const text = translate(locale, `error.${c}` as keyof typeof zhCN);
        expect(placeholders(text), `${locale} error.${c}`).toEqual([]);
      }
    }
  });

  it("have detailed texts that name only the values the code carries", () => {
    const details = keys.filter((k) => k.startsWith("error.") && k.endsWith(".detail"));
    expect(details.length).toBeGreaterThan(25);
    for (const key of details) {
      const code = key.slice("error.".length, -".detail".length);
      expect(codes.enum, `${key}: no such problem code`).toContain(code);
      const carried = new Set((codes["x-params"][code] ?? []).map((p) => p.replace(UNIT, "")));
      for (const locale of LOCALES) {
        const named = placeholders(translate(locale, key as keyof typeof zhCN));
        expect(named.length, `${locale} ${key} names no value`).toBeGreaterThan(0);
        expect(named.filter((n) => !carried.has(n)), `${locale} ${key}`).toEqual([]);
      }
    }
  });

  it("translate every validation type, with only the values it carries", () => {
    const missing = validation.enum.filter((t) => !isMessageKey(`validation.${t}`));
    expect(missing, "add validation.<type> to zh-CN.ts and en-US.ts").toEqual([]);
    for (const t of validation.enum) {
      const carried = new Set((validation["x-params"][t] ?? []).map((p) => p.replace(UNIT, "")));
      for (const locale of LOCALES) {
        const named = placeholders(translate(locale, `validation.${t}` as keyof typeof zhCN));
        expect(named.filter((n) => !carried.has(n)), `${locale} validation.${t}`).toEqual([]);
      }
    }
  });
});

describe("the contracts' revert reasons", () => {
  it("are published (read from the contracts' sources by the platform)", () => {
    expect(reasons.length).toBeGreaterThan(90);
    expect(reasons).toContain("settlement: order intent expired");
    expect(revertKey("coin: use the market's functions")).toBe("revert.coin.use-the-market-s-functions");
    expect(revertKey("compliance: cap above 100%")).toBe("revert.compliance.cap-above-100");
  });

  it("each have a text in every language, under a key of its own", () => {
    const wanted = reasons.map(revertKey);
    expect(new Set(wanted).size, "two reasons share a key").toBe(reasons.length);
    expect(wanted.filter((k) => !isMessageKey(k)), "add revert.<contract>.<reason> to zh-CN.ts and en-US.ts").toEqual([]);
    const stale = keys.filter((k) => k.startsWith("revert.") && !wanted.includes(k));
    expect(stale, "texts of reasons no contract gives").toEqual([]);
    for (const locale of LOCALES) {
      for (const k of wanted) expect(placeholders(translate(locale, k as keyof typeof zhCN)), `${locale} ${k}`).toEqual([]);
    }
  });

  it("are shown in the user's language; an unknown reason as the chain said it", () => {
    const known = toApiError(409, {
      code: "chain-rejected",
      detail: "the chain refused the change: allowances: insufficient balance",
      params: { reason: "allowances: insufficient balance" },
    });
    expect(problemText(known, i18n("zh-CN"))).toBe("区块链拒绝了此操作（合约原因：该年份的配额余额不足）");
    expect(problemText(known, i18n("en-US"))).toBe("The chain refused this change (contract reason: not enough allowances of this vintage)");
    const unknown = toApiError(409, {
      code: "chain-rejected",
      detail: "the chain refused the change: market: gone fishing",
      params: { reason: "market: gone fishing" },
    });
    expect(problemText(unknown, i18n("zh-CN"))).toBe("区块链拒绝了此操作（合约原因：market: gone fishing）");
    expect(problemText(unknown, i18n("en-US"))).toBe("The chain refused this change (contract reason: market: gone fishing)");
    // without a reason: the code's plain text
    const bare = toApiError(409, { code: "chain-rejected", detail: "the chain refused the change: the transaction reverted without a reason" });
    expect(problemText(bare, i18n("zh-CN"))).toBe("区块链拒绝了此操作");
  });
});

describe("problem texts", () => {
  const badLot = toApiError(422, {
    code: "bad-lot",
    detail: "quantity 1500 t is not a multiple of the lot of 1000 t",
    field: "body:quantity",
    params: { quantity_t: 1500, lot_t: 1000 },
  });

  it("put the problem's values into the user's sentence, with units, in the locale's digits", () => {
    expect(problemText(badLot, i18n("zh-CN"))).toBe("数量 1,500 吨不是交易单位 1,000 吨的整数倍");
    expect(problemText(badLot, i18n("en-US"))).toBe("1,500 t is not a multiple of the lot of 1,000 t");
    const limit = toApiError(422, {
      code: "price-limit",
      detail: "price 9000 is outside today's limits 7200..8800",
      params: { price_cents_per_t: 9000, low_cents_per_t: 7200, high_cents_per_t: 8805 },
    });
    expect(problemText(limit, i18n("zh-CN"))).toBe("价格 90.00 碳币/吨 超出今日涨跌停范围 72.00 碳币/吨–88.05 碳币/吨");
    const cap = toApiError(409, {
      code: "offset-cap-exceeded",
      detail: "…",
      params: { year: 2024, cap_t: 50, share_bps: 500, left_t: 0, want_t: 1 },
    });
    // a year is shown as it is, not as 2,024; basis points as a percentage
    expect(problemText(cap, i18n("en-US"))).toBe(
      "The offset cap for 2024 is 50 t (5% of the obligation); 0 t more may be surrendered, you asked for 1 t",
    );
    const coin = toApiError(409, { code: "insufficient-balance", detail: "…", params: { have_cents: 123456, want_cents: 200000 } });
    expect(problemText(coin, i18n("zh-CN"))).toBe("余额不足：现有 1,234.56 碳币，申请 2,000.00 碳币");
  });

  it("fall back to the code's plain text when the problem lacks a value the detailed text needs", () => {
    // e.g. the chain refused a surrender: the code is known, the numbers are not
    const bare = toApiError(409, { code: "insufficient-balance", detail: "you do not hold enough allowances (chain: …)" });
    expect(problemText(bare, i18n("zh-CN"))).toBe("余额不足");
    const half = toApiError(422, { code: "price-limit", detail: "…", params: { price_cents_per_t: 9000 } });
    expect(problemText(half, i18n("en-US"))).toBe(translate("en-US", "error.price-limit"));
    expect(problemVars({ limit_bytes: 10 * 1024 * 1024, reason: "x" }, i18n("en-US"))).toEqual({ limit: "10.0 MB", reason: "x" });
  });

  it("show the values at the field: a validation type's limits, a rule's own type", () => {
    const err = toApiError(422, {
      code: "invalid-input",
      detail: "body:quantity: Input should be greater than 0",
      errors: [
        { field: "body:quantity", message: "Input should be greater than 0", type: "greater_than", params: { gt: 0 } },
        { field: "body:name", message: "String should have at most 4 characters", type: "string_too_long", params: { max_length: 4 } },
        { field: "body:when", message: "Input should have timezone info", type: "timezone_aware" },
      ],
    });
    const [quantity, name, when] = fieldMessages(err);
    expect(fieldText(quantity!, i18n("zh-CN"))).toBe("须大于 0");
    expect(fieldText(name!, i18n("en-US"))).toBe(translate("en-US", "validation.string_too_long"));
    expect(fieldText(when!, i18n("zh-CN"))).toBe("请注明时区");

    const block = toApiError(422, {
      code: "below-minimum",
      detail: "100 t is below the minimum block of 500 t",
      field: "body:quantity",
      params: { quantity_t: 100, minimum_t: 500 },
      errors: [
        { field: "body:quantity", message: "100 t is below the minimum block of 500 t", type: "below-minimum", params: { quantity_t: 100, minimum_t: 500 } },
        { field: "body:price", message: "must be on the 5-cent tick", type: "bad-tick", params: { tick_cents_per_t: 5 } },
      ],
    });
    const [q, p] = fieldMessages(block);
    expect(fieldText(q!, i18n("zh-CN"))).toBe("数量 100 吨低于大宗交易最低数量 500 吨，请在订单簿交易");
    expect(fieldText(p!, i18n("en-US"))).toBe("The price must be a multiple of the tick of 0.05 coin/t");
    // a problem at one field, values from the problem itself
    const taken = toApiError(409, { code: "year-taken", detail: "…", field: "body:year", params: { year: 2025 } });
    expect(fieldText(fieldMessages(taken)[0]!, i18n("zh-CN"))).toMatch(/^本企业已有 2025 年度的报告/);
  });

  it("show the platform's own rules at the field, with their values", () => {
    const self = toApiError(422, {
      code: "invalid-input",
      detail: "a transfer needs another organisation as receiver",
      field: "body:to_org_id",
      errors: [{ field: "body:to_org_id", message: "a transfer needs another organisation as receiver", type: "self_transfer" }],
    });
    expect(fieldText(fieldMessages(self)[0]!, i18n("zh-CN"))).toBe("不能划转给本单位，请选择其他机构");
    const mismatch = toApiError(422, {
      code: "invalid-input",
      detail: "the request is for 2024 but the batch allocates vintage 2025",
      field: "body:items.0.request.year",
      errors: [{ field: "body:items.0.request.year", message: "…", type: "year_mismatch", params: { year: 2024, vintage: 2025 } }],
    });
    expect(fieldText(fieldMessages(mismatch)[0]!, i18n("zh-CN"))).toBe("分配请求为 2024 年度，与本批次的配额年份 2025 不一致");
    expect(fieldText(fieldMessages(mismatch)[0]!, i18n("en-US"))).toBe("The request is for 2024, but the batch allocates vintage 2025");
    // a field's own text where it reads better; a value with its unit
    const long = toApiError(422, {
      code: "invalid-input",
      detail: "…",
      errors: [
        { field: "body:document.methodology", message: "…", type: "utf8_too_long", params: { size: 40, max_length: 32 } },
        { field: "body:beneficiary", message: "name the beneficiary of the retirement", type: "missing" },
        { field: "body:items.0.request", message: "…", type: "nothing_to_allocate", params: { figure_t: 0 } },
      ],
    });
    const [methodology, beneficiary, nothing] = fieldMessages(long);
    expect(fieldText(methodology!, i18n("en-US"))).toBe("The methodology reference is 40 bytes long; the chain stores at most 32");
    expect(fieldText(beneficiary!, i18n("zh-CN"))).toBe("请填写注销的受益方");
    expect(fieldText(nothing!, i18n("zh-CN"))).toBe("核算得出的分配量为 0 吨，没有可分配的配额");
  });

  it("say a rule broken at a query parameter in the alert itself", () => {
    const reversed = toApiError(422, {
      code: "invalid-input",
      detail: "first (9) is after last (3)",
      field: "query:first",
      errors: [{ field: "query:first", message: "first (9) is after last (3)", type: "range_reversed", params: { first: 9, last: 3 } }],
    });
    expect(problemText(reversed, i18n("zh-CN"))).toBe("起始序列号 9 大于结束序列号 3");
    expect(problemText(reversed, i18n("en-US"))).toBe("The first serial number, 9, is after the last, 3");
    const notEnterprise = toApiError(422, {
      code: "invalid-input",
      detail: "organisation 7 is not an enterprise",
      field: "query:org_id",
      errors: [{ field: "query:org_id", message: "organisation 7 is not an enterprise", type: "not_an_enterprise", params: { org: 7 } }],
    });
    expect(problemText(notEnterprise, i18n("zh-CN"))).toBe("机构 #7 不是控排企业");
    // at a body field the form marks it; the alert says to look there
    const atBody = toApiError(422, {
      code: "invalid-input",
      detail: "…",
      errors: [{ field: "body:to_org_id", message: "…", type: "self_transfer" }],
    });
    expect(problemText(atBody, i18n("zh-CN"))).toBe(translate("zh-CN", "error.invalid-input"));
  });

  it("keep only string and number params from the server", () => {
    const err = toApiError(409, { code: "bad-lot", detail: "x", params: { lot_t: 10, nested: { a: 1 }, flag: true, name: "a" } });
    expect(err.params).toEqual({ lot_t: 10, name: "a" });
    expect(toApiError(409, { code: "bad-lot", detail: "x", params: [1, 2] }).params).toEqual({});
  });
});
