/**
 * Browser steps of the MRV workflow, each `(page, ui, ...)`, so a longer story can chain
 * them: an enterprise reports by form or Excel, uploads evidence and submits; a regulator
 * assigns a verifier; the verifier reviews and attests or rejects; the regulator confirms.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Locator, Page } from "@playwright/test";
import { expect, type Ui } from "../fixtures";
import { confirmInDialog } from "./common";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const python = process.env.CARBONLEDGER_PYTHON ?? path.join(repo, ".venv", "bin", "python");

export const ENTERPRISE = { username: "cement", password: "carbon-demo-2024", name: "Wanjiang Cement" };
export const VERIFIER = { username: "verifier1", password: "carbon-demo-2024", name: "China Environmental Verification" };

export interface FormReport {
  year: number;
  facilityId: string;
  fuel: "bituminous_coal" | "diesel" | "natural_gas";
  quantity: string;
  ncv?: string;
}

/** An antd Select with search: type what the option shows and take the first match, or the option of exactly that text. */
async function choose(select: Locator, text: string, exact = false) {
  await select.click();
  await select.fill(text);
  if (exact) {
    await select.page().locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${text}"]`).click();
  } else {
    await select.press("Enter");
  }
}

/** A row of a submissions table by its reporting year (cell text exactly the year). */
export function rowOfYear(page: Page, year: number): Locator {
  return page.getByRole("row").filter({ has: page.getByRole("cell", { name: String(year), exact: true }) });
}

/** Step 1 of the wizard: methodology, year, facility. Starts from the enterprise's report list. */
export async function startReport(page: Page, ui: Ui, year: number, facilityId: string) {
  await page.getByTestId("nav-/app/mrv").click();
  await expect(page.getByRole("heading", { name: ui.t("mrv.title") })).toBeVisible();
  await page.getByRole("link", { name: ui.t("mrv.new") }).click();
  await expect(page.getByRole("heading", { name: ui.t("mrv.new") })).toBeVisible();
  await choose(page.getByRole("combobox", { name: ui.t("mrv.methodology") }), "cn-2013-cement@1");
  await page.getByRole("spinbutton", { name: ui.t("mrv.year") }).fill(String(year));
  await page.getByRole("textbox", { name: ui.t("mrv.facilityId") }).fill(facilityId);
  await page.getByRole("button", { name: ui.t("mrv.next") }).first().click();
  await expect(page.getByRole("tab", { name: ui.t("mrv.byForm") })).toBeVisible();
}

/** Steps 1-3 by form: a zero quantity is refused at the field first; returns the calculated total shown. */
export async function enterReportByForm(page: Page, ui: Ui, report: FormReport, screenshots = true): Promise<string> {
  await startReport(page, ui, report.year, report.facilityId);
  const line = page.getByTestId("line-0");
  const fuel = ui.t(`mrv.fuel.${report.fuel}`);
  await choose(line.getByRole("combobox", { name: ui.t("mrv.form.fuel") }), fuel, true);
  await expect(line.locator(".ant-select-selection-item", { hasText: fuel })).toBeVisible();
  await line.getByRole("textbox", { name: ui.t("mrv.form.quantity") }).fill("0");
  await page.getByRole("button", { name: ui.t("mrv.calculate") }).click();
  await expect(line.getByText(ui.t("mrv.validation.positive"))).toBeVisible();
  if (report.ncv) {
    await line.getByText(ui.t("mrv.form.measured")).click();
    await line.getByRole("textbox", { name: /NCV$/ }).fill("abc");
    await expect(line.getByText(ui.t("mrv.validation.notNumber"))).toBeVisible();
    if (screenshots) await ui.screen("mrv-wizard-validation");
    await line.getByRole("textbox", { name: /NCV$/ }).fill(report.ncv);
  }
  await line.getByRole("textbox", { name: ui.t("mrv.form.quantity") }).fill(report.quantity);
  await page.getByRole("button", { name: ui.t("mrv.calculate") }).click();
  const total = page.getByTestId("calculation-total");
  await expect(total).toBeVisible();
  await expect(page.getByTestId("calculation")).toContainText(ui.t("mrv.origin.factor"));
  await expect(page.getByTestId("calculation")).toContainText(report.fuel);
  if (screenshots) await ui.screen("mrv-wizard-preview");
  return (await total.textContent()) ?? "";
}

/** A filled copy of the methodology's Excel template (openpyxl from the project's .venv). */
export function fillTemplate(template: string, spec: { submission: Record<string, string | number>; rows: Record<string, string | number>[] }): string {
  const out = path.join(mkdtempSync(path.join(tmpdir(), "mrv-xlsx-")), "filled.xlsx");
  const script = `
import json, sys
from openpyxl import load_workbook
src, dst, spec = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
wb = load_workbook(src)
ws = wb["Submission"]
for row in ws.iter_rows(min_row=3):
    if row[0].value in spec["submission"]:
        row[2].value = spec["submission"][row[0].value]
ws = wb["fuel_combustion"]
keys = [c.value for c in ws[2]]
for i, values in enumerate(spec["rows"]):
    for k, v in values.items():
        ws.cell(row=5 + i, column=keys.index(k) + 1, value=v)
wb.save(dst)
`;
  const run = spawnSync(python, ["-c", script, template, out, JSON.stringify(spec)], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`filling the template failed: ${run.stderr}`);
  return out;
}

/** Steps 1-3 by Excel: download the template, upload a broken copy (row errors), then a good one. */
export async function enterReportByExcel(page: Page, ui: Ui, year: number, screenshots = true) {
  await startReport(page, ui, year, "kiln-x");
  await page.getByRole("tab", { name: ui.t("mrv.byExcel") }).click();
  const downloading = page.waitForEvent("download");
  await page.getByTestId("excel-template").click();
  const template = path.join(mkdtempSync(path.join(tmpdir(), "mrv-template-")), "template.xlsx");
  await (await downloading).saveAs(template);
  const submission = { "enterprise.name": ENTERPRISE.name, "period.year": year };
  const input = page.getByTestId("excel-upload").locator("input[type=file]");

  const broken = fillTemplate(template, {
    submission,
    rows: [{ facility_id: "kiln-2", line_id: "coal", fuel: "bituminous_coal", quantity: "abc" }],
  });
  await input.setInputFiles(broken);
  const problems = page.getByTestId("workbook-problems");
  await expect(problems).toBeVisible();
  const row = problems.getByRole("row").filter({ hasText: "fuel_combustion" }).first();
  await expect(row.getByRole("cell", { name: "5", exact: true })).toBeVisible();
  await expect(row.getByRole("cell", { name: "F", exact: true })).toBeVisible();
  if (screenshots) await ui.screen("mrv-excel-errors");

  const good = fillTemplate(template, {
    submission,
    rows: [
      { facility_id: "kiln-2", line_id: "coal", fuel: "bituminous_coal", quantity: 800 },
      { facility_id: "kiln-2", line_id: "diesel", fuel: "diesel", quantity: 12.5 },
    ],
  });
  await input.setInputFiles(good);
  await expect(page.getByTestId("calculation-total")).toBeVisible();
  await expect(page.getByTestId("calculation")).toContainText("diesel");
}

/** Step 4: upload one evidence file; the table shows its SHA-256 (computed here too). */
export async function uploadEvidence(page: Page, ui: Ui, name: string, content: string, screenshot?: string) {
  await page.getByRole("button", { name: ui.t("mrv.next") }).last().click();
  const buffer = Buffer.from(content, "utf8");
  const sha = createHash("sha256").update(buffer).digest("hex");
  await page.getByTestId("evidence-upload").locator("input[type=file]").setInputFiles({ name, mimeType: "text/plain", buffer });
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText(sha.slice(0, 12));
  if (screenshot) await ui.screen(screenshot);
}

/** Step 5: submit on chain (confirmation dialog); the timeline shows the transaction. Returns the report id. */
export async function submitReport(page: Page, ui: Ui, screenshot?: string): Promise<number> {
  await page.getByRole("button", { name: ui.t("mrv.next") }).last().click();
  const id = Number(((await page.getByTestId("report-id").textContent()) ?? "").replace("#", ""));
  await page.getByRole("button", { name: ui.t("mrv.submit") }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(ui.t("common.irreversible"));
  await dialog.getByRole("button", { name: ui.t("mrv.submit") }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(ui.t("mrv.submitted"))).toBeVisible();
  await expect(page.getByTestId("tx-hash").first()).toHaveText(/^0x[0-9a-f]{64}$/);
  if (screenshot) await ui.screen(screenshot);
  return id;
}

/** The regulator assigns a verifier to the report of `year`. */
export async function assignVerifier(page: Page, ui: Ui, year: number, screenshot?: string) {
  await page.getByTestId("nav-/app/reports").click();
  await expect(page.getByRole("heading", { name: ui.t("reports.title") })).toBeVisible();
  await page.getByRole("tab", { name: ui.t("reports.tab.awaitingVerifier") }).click();
  const row = rowOfYear(page, year);
  await expect(row).toContainText(ENTERPRISE.name);
  await row.getByRole("button", { name: ui.t("reports.assign") }).click();
  const dialog = page.getByRole("dialog");
  await choose(dialog.getByRole("combobox", { name: ui.t("reports.verifier") }), VERIFIER.name);
  if (screenshot) await ui.screen(screenshot);
  await dialog.getByRole("button", { name: ui.t("reports.assign") }).click();
  await expect(dialog).toBeHidden();
  await expect(rowOfYear(page, year)).toHaveCount(0);
}

/** The verifier opens the report of `year` from the queue: recomputation, evidence download. */
export async function openReview(page: Page, ui: Ui, year: number, screenshot?: string) {
  await page.getByTestId("nav-/app/verification").click();
  await expect(page.getByRole("heading", { name: ui.t("verification.title") })).toBeVisible();
  await rowOfYear(page, year).getByRole("button", { name: ui.t("verification.review") }).click();
  await expect(page.getByTestId("recomputation")).toContainText(ui.t("verification.allMatch"));
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: ui.t("mrv.evidence.download") }).first().click();
  await downloading;
  await expect(page.getByText(ui.t("mrv.evidence.hashMatches"), { exact: true })).toBeVisible();
  if (screenshot) await ui.screen(screenshot);
}

export async function attest(page: Page, ui: Ui, statement: string, screenshot?: string) {
  await page.getByLabel(ui.t("verification.statement")).fill(statement);
  await page.getByRole("button", { name: ui.t("verification.attest") }).last().click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(ui.t("mrv.opinion.unqualified"));
  if (screenshot) await ui.screen(screenshot);
  await confirmInDialog(page, ui.t("verification.attest"));
  await expect(page.getByTestId("submission-status").first()).toHaveText(ui.t("mrv.status.verified"));
}

export async function reject(page: Page, ui: Ui, reason: string) {
  await page.getByRole("tab", { name: ui.t("verification.reject") }).click();
  await page.getByRole("combobox", { name: ui.t("verification.reasonCode") }).click();
  await page.locator(".ant-select-item-option").filter({ hasText: ui.t("mrv.reason.2") }).click();
  await page.getByLabel(ui.t("verification.reason")).fill(reason);
  await page.getByRole("button", { name: ui.t("verification.reject") }).last().click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await confirmInDialog(page, ui.t("verification.reject"));
  await expect(page.getByTestId("submission-status").first()).toHaveText(ui.t("mrv.status.rejected"));
}

/** The regulator confirms the attested report of `year`; the drawer shows its on-chain record. */
export async function confirmReport(page: Page, ui: Ui, year: number, screenshots = true) {
  await page.getByTestId("nav-/app/reports").click();
  await page.getByRole("tab", { name: ui.t("reports.tab.awaitingConfirmation") }).click();
  const row = rowOfYear(page, year);
  await expect(row).toContainText(VERIFIER.name);
  if (screenshots) await ui.screen("mrv-reports");
  await row.getByRole("button", { name: ui.t("reports.confirm") }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(ui.t("common.irreversible"));
  if (screenshots) await ui.screen("mrv-confirm");
  await dialog.getByRole("button", { name: ui.t("reports.confirm") }).click();
  const record = page.getByTestId("chain-record");
  await expect(record).toBeVisible();
  await expect(page.locator(".ant-drawer").getByTestId("submission-status").first()).toHaveText(ui.t("mrv.status.confirmed"));
  if (screenshots) await ui.screen("mrv-confirmed");
}
