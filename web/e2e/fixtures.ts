import { test as base, expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
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

export async function expectNoCriticalViolations(page: Page, screen: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const critical = result.violations.filter((v) => v.impact === "critical");
  expect(
    critical.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
    `critical accessibility violations on ${screen}`,
  ).toEqual([]);
}

export { expect };
