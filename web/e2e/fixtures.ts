import { test as base, expect, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { zhCN, type MessageKey } from "../src/i18n/zh-CN";
import { enUS } from "../src/i18n/en-US";

export type Lang = "zh-CN" | "en-US";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Committed screenshots of every main screen, one per language (linked from the README). */
export const SCREENSHOTS = process.env.E2E_SCREENSHOTS ?? path.join(repo, "docs", "screenshots");

export interface Ui {
  lang: Lang;
  /** the UI's text for a key in this test's language */
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  /** a screenshot for the docs, after an accessibility check of the screen */
  screen: (name: string) => Promise<void>;
}

export const test = base.extend<{ lang: Lang; ui: Ui }>({
  lang: ["zh-CN", { option: true }],
  baseURL: async ({}, use) => {
    const url = process.env.E2E_BASE_URL;
    if (!url) throw new Error("E2E_BASE_URL is not set: the global set-up did not run");
    await use(url);
  },
  ui: async ({ page, lang }, use) => {
    const dict = lang === "zh-CN" ? zhCN : enUS;
    const t = (key: MessageKey, vars?: Record<string, string | number>) =>
      dict[key].replace(/\{(\w+)\}/g, (w, n: string) => (vars && n in vars ? String(vars[n]) : w));
    await use({
      lang,
      t,
      screen: async (name: string) => {
        await settle(page);
        await expectNoCriticalViolations(page, name);
        await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.${lang}.png`) });
      },
    });
  },
});

/** Wait until nothing is loading (spinners, skeletons) and animations have finished. */
export async function settle(page: Page): Promise<void> {
  await expect(page.locator(".ant-spin-spinning, .ant-skeleton-active, .ant-btn-loading")).toHaveCount(0);
  await page.waitForTimeout(400);
}

let axeSource: string | undefined;

/**
 * axe-core on the page as it is, with what a default run runs (enabled rules, not the
 * experimental or deprecated ones) narrowed to the rules that can report a critical
 * violation: a rule's impact is the worst impact of its failing checks, so a rule none of
 * whose checks is critical never reports one. That gives the verdict of a full run, kept
 * to its critical violations, in a fraction of the time (colour contrast alone is most of
 * a full run). axe is injected once per page: a single-page app keeps it across routes.
 */
export async function expectNoCriticalViolations(page: Page, screen: string): Promise<void> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
  const { rules, violations } = await page.evaluate(async () => {
    type Ref = string | { id: string };
    interface Axe {
      _audit: {
        rules: { id: string; enabled: boolean; tags: string[]; impact?: string; any: Ref[]; all: Ref[]; none: Ref[] }[];
        checks: Record<string, { metadata?: { impact?: string } } | undefined>;
      };
      run: (context: Document, options: object) => Promise<{ violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] }[] }>;
    }
    const axe = (window as unknown as { axe: Axe }).axe;
    const { checks } = axe._audit;
    const critical = axe._audit.rules
      .filter((rule) => rule.enabled && !rule.tags.some((tag) => tag === "experimental" || tag === "deprecated"))
      .filter((rule) =>
        rule.impact === "critical" ||
        [...rule.any, ...rule.all, ...rule.none].some((c) => checks[typeof c === "string" ? c : c.id]?.metadata?.impact === "critical"),
      )
      .map((rule) => rule.id);
    const result = await axe.run(document, { runOnly: { type: "rule", values: critical }, resultTypes: ["violations"] });
    return {
      rules: critical,
      violations: result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) })),
    };
  });
  // a check on axe's internals, read above: these rules have always been critical
  expect(rules, "axe-core's rule metadata changed: revisit expectNoCriticalViolations").toEqual(
    expect.arrayContaining(["button-name", "label", "aria-required-attr"]),
  );
  const critical = violations.filter((v) => v.impact === "critical");
  expect(
    critical.map((v) => `${v.id}: ${v.help} (${v.targets.join(", ")})`),
    `critical accessibility violations on ${screen}`,
  ).toEqual([]);
}

export { expect };
