/**
 * The admin's node status and the finance institution's green-finance screen, against the
 * real back end: each renders its data (the chain's nodes; the bank's deposit form and
 * lists), passes axe-core and is saved as a screenshot in both languages.
 */
import { expect, test } from "./fixtures";
import { ADMIN, chooseLanguage, DEMO_PASSWORD, signIn, signOut } from "./steps/common";

test("the admin sees each chain node; the bank sees its green-finance desk", async ({ page, ui }) => {
  await page.goto("/");
  await chooseLanguage(page, ui);

  await signIn(page, ui, ADMIN);
  await page.getByTestId("nav-/app/nodes").click();
  await expect(page.getByRole("heading", { name: ui.t("rest.nodes.title") })).toBeVisible();
  await expect(page.getByTestId("node-card").first()).toBeVisible();
  await ui.screen("admin-nodes");
  await signOut(page, ui);

  await signIn(page, ui, { username: "bank", password: DEMO_PASSWORD });
  await page.getByTestId("nav-/app/finance").click();
  await expect(page.getByRole("heading", { name: ui.t("rest.finance.title") })).toBeVisible();
  await page.getByTestId("deposit-open").click();
  await expect(page.getByRole("dialog")).toContainText(ui.t("rest.finance.depositTitle"));
  await ui.screen("finance-deposit");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toBeHidden();
  await ui.screen("finance");
  await signOut(page, ui);
});
