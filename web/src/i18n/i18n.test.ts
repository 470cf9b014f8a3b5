import { describe, expect, it } from "vitest";
import { dictionaries, formatters, translate, LOCALES } from "./index";
import { zhCN } from "./zh-CN";
import { enUS } from "./en-US";
import { INDUSTRIES, REGIONS } from "../lib/codes";
import { SCREENS } from "../nav";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("dictionaries", () => {
  it("have exactly the same keys in every locale", () => {
    const zh = Object.keys(zhCN).sort();
    for (const locale of LOCALES) {
      const keys = Object.keys(dictionaries[locale]).sort();
      expect(keys.filter((k) => !zh.includes(k)), `keys only in ${locale}`).toEqual([]);
      expect(zh.filter((k) => !keys.includes(k)), `keys missing from ${locale}`).toEqual([]);
    }
  });

  it("translate every key to a non-empty text with the same placeholders", () => {
    for (const [key, zh] of Object.entries(zhCN)) {
      const en = (enUS as Record<string, string>)[key] ?? "";
      expect(zh.trim(), `zh-CN ${key}`).not.toBe("");
      expect(en.trim(), `en-US ${key}`).not.toBe("");
      expect(placeholders(en), `placeholders of ${key}`).toEqual(placeholders(zh));
    }
  });

  it("name every industry, region and screen the UI shows", () => {
    const keys = new Set(Object.keys(zhCN));
    const wanted = [
      ...INDUSTRIES.map((c) => `industry.${c}`),
      ...REGIONS.map((c) => `region.${c}`),
      ...SCREENS.map((s) => s.label),
    ];
    expect(wanted.filter((k) => !keys.has(k))).toEqual([]);
  });

  it("fill placeholders", () => {
    expect(translate("en-US", "common.total", { n: "1,234" })).toBe("1,234 in total");
    expect(translate("zh-CN", "common.total", { n: "1,234" })).toBe("共 1,234 条");
  });
});

describe("formatters", () => {
  it("format numbers and dates for the locale", () => {
    expect(formatters("en-US").number(1234567.891, 2)).toBe("1,234,567.89");
    expect(formatters("zh-CN").number(1234567)).toBe("1,234,567");
    const when = "2026-03-05T08:00:00Z";
    expect(formatters("zh-CN").date(when)).toMatch(/2026年3月5日/);
    expect(formatters("en-US").date(when)).toMatch(/Mar 5, 2026/);
    expect(formatters("en-US").date(null)).toBe("—");
  });
});
