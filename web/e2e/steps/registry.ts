/**
 * Browser steps of the registry, compliance and explorer screens, each taking (page, ui, ...)
 * so a longer story can chain them.
 */
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, type Ui } from "../fixtures";
import { FIELD_ERROR } from "./common";

/** An organisation's id, as its own user sees it (enterprises exchange ids to transfer). */
export async function organisationId(request: APIRequestContext, username: string, password: string): Promise<number> {
  const login = await request.post("/api/v1/auth/login", { data: { username, password } });
  expect(login.ok()).toBeTruthy();
  const { access_token } = (await login.json()) as { access_token: string };
  const me = await request.get("/api/v1/auth/me", { headers: { Authorization: `Bearer ${access_token}` } });
  return ((await me.json()) as { organisation: { id: number } }).organisation.id;
}

/** The regulator computes a gas unit's allocation with the benchmark calculator (2020 plan). */
export async function previewBenchmark(page: Page, ui: Ui, enterprise: string) {
  await page.getByTestId("nav-/app/allocation").click();
  await expect(page.getByRole("heading", { name: ui.t("registry.allocation.title") })).toBeVisible();
  await page.getByLabel(ui.t("registry.allocation.enterpriseName")).fill(enterprise);
  await page.getByTestId("calculate").click();
  const preview = page.getByTestId("allocation-preview");
  // 0.392 × 800,000 MWh × 0.95 + 0.059 × 300,000 GJ
  await expect(preview).toContainText(ui.t("registry.tonnes", { n: (315620).toLocaleString(ui.lang) }));
  await expect(preview).toContainText("A = B_s × Q_s × F_l × F_r × F_f + B_h × Q_h");
  await preview.scrollIntoViewIfNeeded();
}

/** The engine's result goes into the batch for `organisation`; preview, confirm, allocate. */
export async function allocateBatch(page: Page, ui: Ui, organisation: string): Promise<string> {
  await page.getByTestId("add-to-batch").click();
  const batch = page.getByTestId("allocation-batch");
  await batch.getByTestId("batch-org-0").click();
  await page.keyboard.type(organisation);
  await page.locator(".ant-select-dropdown:visible .ant-select-item-option").filter({ hasText: organisation }).first().click();
  await page.getByTestId("review-batch").click();
  const confirm = page.getByRole("dialog");
  await expect(confirm).toContainText((315620).toLocaleString(ui.lang));
  await ui.screen("registry-allocation-confirm");
  await confirm.getByRole("button", { name: ui.t("registry.allocation.confirm") }).click();
  const done = page.getByTestId("allocation-done");
  await expect(done).toBeVisible({ timeout: 60_000 });
  const hash = await done.getByTestId("tx-hash").first().getAttribute("href");
  expect(hash).toMatch(/\/explorer\/tx\/0x[0-9a-f]{64}$/);
  return (hash ?? "").split("/").pop() ?? "";
}

/** The enterprise's balance of a vintage, as the assets screen shows it. */
export async function balanceOf(page: Page, ui: Ui, vintage: number): Promise<number> {
  await page.getByTestId("nav-/app/assets").click();
  await expect(page.getByRole("heading", { name: ui.t("registry.assets.title") })).toBeVisible();
  const row = page.getByTestId("allowance-balances").getByRole("row").filter({ hasText: String(vintage) }).first();
  await expect(row).toBeVisible();
  const cell = await row.getByRole("cell").nth(1).innerText();
  return Number(cell.replace(/[^\d]/g, ""));
}

/** Transfer allowances: an amount beyond the balance is refused at the field, then confirmed. */
export async function transferAllowances(page: Page, ui: Ui, toOrgId: number, vintage: number, amount: number, held: number) {
  await page.getByTestId("allowance-balances").getByRole("row").filter({ hasText: String(vintage) }).first().getByRole("button", { name: ui.t("registry.transfer.short") }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(ui.t("registry.transfer.to")).fill(String(toOrgId));
  await dialog.getByLabel(ui.t("registry.amountTonnes")).fill(String(held + 1));
  await dialog.getByTestId("transfer-ok").click();
  await expect(dialog.locator(FIELD_ERROR)).toHaveText(ui.t("registry.amount.exceedsBalance", { n: held.toLocaleString(ui.lang) }));
  await dialog.getByLabel(ui.t("registry.amountTonnes")).fill(String(amount));
  await dialog.getByTestId("transfer-ok").click();
  await expect(dialog.getByTestId("transfer-summary")).toContainText(String(toOrgId));
  await ui.screen("registry-transfer-confirm");
  await dialog.getByTestId("transfer-ok").click();
  await expect(dialog).toBeHidden({ timeout: 60_000 });
}
