/**
 * Browser steps that carry a confirmed report on to compliance: the regulator allocates a
 * usable vintage, the enterprise surrenders it, and the explorer traces the report on chain.
 * Each takes (page, ui, ...) so a longer story can chain them.
 */
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, type Ui } from "../fixtures";
import { FIELD_ERROR } from "./common";

async function token(request: APIRequestContext, who: { username: string; password: string }): Promise<string> {
  const login = await request.post("/api/v1/auth/login", { data: { username: who.username, password: who.password } });
  expect(login.ok()).toBeTruthy();
  return ((await login.json()) as { access_token: string }).access_token;
}

/** What an enterprise owes for `year` (its confirmed report's verified tonnes), as the API says. */
export async function obligationOf(request: APIRequestContext, who: { username: string; password: string }, year: number): Promise<number> {
  const res = await request.get(`/api/v1/compliance/status?year=${year}`, { headers: { Authorization: `Bearer ${await token(request, who)}` } });
  expect(res.ok()).toBeTruthy();
  return ((await res.json()) as { obligation: number }).obligation;
}

/**
 * The banking rule: the regulator lets allowances of `vintage` be surrendered for `year`.
 * The UI has no screen for it yet, so the story sets it through the API.
 */
/** The regulator lets allowances of `vintage` count for `year` on the compliance rules card. */
export async function allowVintageFor(page: Page, ui: Ui, year: number, vintage: number, screenshot?: string) {
  await page.getByTestId("nav-/app/compliance-overview").click();
  const card = page.getByTestId("rules-card");
  const yearField = card.getByLabel(ui.t("registry.rules.year"));
  await yearField.fill(String(year));
  await yearField.press("Tab");
  const row = card.getByRole("row").filter({ has: page.getByTestId(`rule-${vintage}`) });
  await expect(row).toContainText(ui.t("registry.rules.notEligible"));
  await page.getByTestId(`rule-${vintage}`).click();
  const confirm = page.locator(".ant-popconfirm");
  await expect(confirm).toContainText(ui.t("registry.rules.confirmAllow", { vintage, year }));
  await confirm.getByRole("button", { name: ui.t("common.yes") }).click();
  await expect(row).toContainText(ui.t("registry.rules.eligible"));
  await expect(row).not.toContainText(ui.t("registry.rules.notEligible"));
  if (screenshot) {
    await card.scrollIntoViewIfNeeded();
    await ui.screen(screenshot);
  }
}

/** The regulator allocates `amount` t of `vintage` to `organisation` by hand on the Allocation screen. */
export async function allocateAmount(page: Page, ui: Ui, organisation: string, vintage: number, amount: number): Promise<string> {
  await page.getByTestId("nav-/app/allocation").click();
  await expect(page.getByRole("heading", { name: ui.t("registry.allocation.title") })).toBeVisible();
  const batch = page.getByTestId("allocation-batch");
  await batch.getByRole("spinbutton", { name: ui.t("registry.vintage") }).fill(String(vintage));
  // the batch starts with one empty row
  if ((await batch.getByTestId("batch-org-0").count()) === 0) await batch.getByTestId("add-row").click();
  await batch.getByTestId("batch-org-0").click();
  await page.keyboard.type(organisation);
  await page.locator(".ant-select-dropdown:visible .ant-select-item-option").filter({ hasText: organisation }).first().click();
  await batch.getByTestId("batch-amount-0").fill(String(amount));
  await batch.getByTestId("review-batch").click();
  const confirm = page.getByRole("dialog");
  await expect(confirm).toContainText(amount.toLocaleString(ui.lang));
  await expect(confirm).toContainText(String(vintage));
  await confirm.getByRole("button", { name: ui.t("registry.allocation.confirm") }).click();
  const done = page.getByTestId("allocation-done");
  await expect(done).toBeVisible({ timeout: 60_000 });
  const hash = await done.getByTestId("tx-hash").first().getAttribute("href");
  expect(hash).toMatch(/\/explorer\/tx\/0x[0-9a-f]{64}$/);
  return (hash ?? "").split("/").pop() ?? "";
}

/** The enterprise opens Compliance for `year`, sees what it owes, surrenders `vintage` and is compliant. */
export async function surrenderToCompliance(page: Page, ui: Ui, year: number, vintage: number, owed: number, screenshot?: string) {
  await page.getByTestId("nav-/app/compliance").click();
  await expect(page.getByRole("heading", { name: ui.t("registry.compliance.title") })).toBeVisible();
  await page.getByTestId("compliance-year").click();
  await page.locator(".ant-select-dropdown:visible .ant-select-item-option").filter({ hasText: String(year) }).first().click();
  const gap = page
    .getByTestId("compliance-status")
    .locator("th")
    .filter({ hasText: new RegExp(`^${ui.t("registry.compliance.gap")}$`) })
    .locator("xpath=following-sibling::td[1]");
  await expect(gap).toHaveText(ui.t("registry.tonnes", { n: owed.toLocaleString(ui.lang) }));
  await expect(page.getByTestId("standing")).not.toHaveText(ui.t("registry.standing.compliant"));
  await page.getByTestId("surrender-allowances").click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(ui.t("registry.vintage")).click();
  await page.locator(".ant-select-dropdown:visible .ant-select-item-option").filter({ hasText: String(vintage) }).first().click();
  await dialog.getByLabel(ui.t("registry.amountTonnes")).fill(String(owed + 1));
  await dialog.getByTestId("surrender-allowances-ok").click();
  await expect(dialog.locator(FIELD_ERROR)).toBeVisible();
  await dialog.getByLabel(ui.t("registry.amountTonnes")).fill(String(owed));
  await dialog.getByTestId("surrender-allowances-ok").click();
  await expect(dialog.getByTestId("surrender-allowances-summary")).toContainText(owed.toLocaleString(ui.lang));
  await dialog.getByTestId("surrender-allowances-ok").click();
  await expect(dialog).toBeHidden({ timeout: 60_000 });
  await expect(page.getByTestId("standing")).toHaveText(ui.t("registry.standing.compliant"));
  await expect(gap).toHaveText(ui.t("registry.tonnes", { n: "0" }));
  if (screenshot) await ui.screen(screenshot);
}

/** The explorer's report trace: submitted, verified, confirmed and surrendered for, checked against the chain. */
export async function traceReport(page: Page, ui: Ui, reportId: number, screenshot?: string) {
  await page.getByTestId("nav-/explorer").click();
  await expect(page.getByRole("heading", { name: ui.t("registry.explorer.title") })).toBeVisible();
  await page.getByRole("tab", { name: ui.t("registry.explorer.traceTab"), exact: true }).click();
  await page.getByRole("tab", { name: ui.t("registry.explorer.trace.report"), exact: true }).click();
  await page.getByLabel(ui.t("registry.explorer.reportId")).fill(String(reportId));
  await page.getByLabel(ui.t("registry.explorer.verify")).click();
  await page.getByTestId("trace").click();
  const history = page.getByTestId("history");
  // the report's life, then the surrender against its year
  for (const event of ["ReportSubmitted", "ReportVerified", "ReportConfirmed", "AllowancesSurrendered"] as const) {
    const row = history.getByRole("row").filter({ hasText: ui.t(`registry.eventName.${event}`) }).first();
    await expect(row).toBeVisible();
    await expect(row.getByTestId("block-link")).toHaveText(/^#[\d,]+$/);
    await expect(row.getByTestId("tx-hash")).toHaveText(/^0x[0-9a-f]{4,}/);
  }
  await expect(page.getByTestId("verification")).toContainText(ui.t("registry.explorer.allVerified"));
  if (screenshot) await ui.screen(screenshot);
}
