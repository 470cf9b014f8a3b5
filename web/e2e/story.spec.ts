/**
 * The first story across roles, in the browser against the real platform on a chain:
 * an enterprise registers (the server's credit-code error shows at the field) → it cannot
 * sign in before approval → the admin approves → the regulator certifies → the enterprise
 * signs in and sees its certified organisation. Run once per language; every main screen
 * is checked with axe-core and saved as a screenshot.
 */
import { expect, test } from "./fixtures";
import { ADMIN, chooseLanguage, FIELD_ERROR, REGULATOR, signIn, signOut } from "./steps/common";
import { ENTERPRISE } from "./steps/mrv";

const PASSWORD = "e2e-password-42";

test("register → approve → certify → the enterprise sees its organisation", async ({ page, ui }) => {
  const stamp = `${Date.now() % 100_000_000}`.padStart(8, "0");
  const name = `${ui.lang === "zh-CN" ? "江苏测试水泥" : "Jiangsu Test Cement"} ${stamp}`;
  const username = `e2e.${ui.lang === "zh-CN" ? "zh" : "en"}.${stamp}`;
  // 18 characters: digits and capitals except I, O, S, V, Z (GB 32100-2015)
  const creditCode = `913200${ui.lang === "zh-CN" ? "01" : "02"}MA${stamp}`;

  // the public landing page with the chain status
  await page.goto("/");
  await chooseLanguage(page, ui);
  await expect(page.getByRole("heading", { name: ui.t("landing.title") })).toBeVisible();
  await expect(page.getByTestId("chain-status")).toContainText(ui.t("chain.synced"));
  await ui.screen("landing");

  await page.getByTestId("nav-/chain").click();
  await expect(page.getByRole("heading", { name: ui.t("chain.pageTitle") })).toBeVisible();
  await expect(page.getByText(ui.t("contract.allowances"))).toBeVisible();
  await ui.screen("chain");

  // register; the server refuses a credit code with a letter O and says so at the field
  await page.goto("/register");
  await page.getByLabel(ui.t("field.organisation")).fill(name);
  await page.getByLabel(ui.t("field.creditCode")).fill("91320000MA1OOOOOOO");
  await page.getByLabel(ui.t("field.username")).fill(username);
  await page.getByLabel(ui.t("field.email")).fill(`${username}@example.com`);
  await page.getByLabel(ui.t("field.password"), { exact: true }).fill(PASSWORD);
  await page.getByLabel(ui.t("field.confirmPassword")).fill(PASSWORD);
  await page.getByRole("button", { name: ui.t("register.submit") }).click();
  const creditField = page.locator(".ant-form-item").filter({ has: page.getByLabel(ui.t("field.creditCode")) });
  await expect(creditField.locator(FIELD_ERROR)).toHaveText(
    ui.t("validation.credit_code.value_error"),
  );
  await ui.screen("register-error");
  await page.getByLabel(ui.t("field.creditCode")).fill(creditCode);
  await page.getByRole("button", { name: ui.t("register.submit") }).click();
  await expect(page.getByText(ui.t("register.doneTitle"))).toBeVisible();

  // not before an admin approves
  await signIn(page, ui, { username, password: PASSWORD });
  await expect(page.getByRole("alert")).toContainText(ui.t("error.awaiting-approval"));
  await ui.screen("login-awaiting-approval");

  // the admin approves
  await signIn(page, ui, ADMIN);
  await expect(page.getByRole("heading", { name: ui.t("workspace.welcome", { name: "admin" }) })).toBeVisible();
  await ui.screen("workspace-admin");
  await page.getByTestId("nav-/app/registrations").click();
  const pending = page.getByRole("row").filter({ hasText: name });
  await expect(pending).toBeVisible();
  await ui.screen("registrations");
  await pending.getByRole("button", { name: ui.t("registrations.approve") }).click();
  const approveDialog = page.getByRole("dialog");
  await expect(approveDialog).toContainText(ui.t("registrations.approveWarning"));
  await approveDialog.getByLabel(ui.t("field.note")).fill("e2e");
  await ui.screen("registrations-approve");
  await approveDialog.getByRole("button", { name: ui.t("registrations.approve") }).click();
  await expect(approveDialog).toBeHidden();
  await expect(page.getByRole("row").filter({ hasText: name })).toHaveCount(0);

  await page.getByTestId("nav-/app/audit").click();
  await expect(page.getByRole("row").filter({ hasText: "organisation.approve" }).first()).toBeVisible();
  await page.getByRole("button", { name: ui.t("audit.verify") }).click();
  await expect(page.getByText(ui.t("audit.intact"))).toBeVisible();
  await ui.screen("audit");
  await signOut(page, ui);

  // the regulator certifies
  await signIn(page, ui, REGULATOR);
  await page.getByTestId("nav-/app/organisations").click();
  await expect(page.getByRole("heading", { name: ui.t("organisations.title") })).toBeVisible();
  await ui.screen("organisations");
  await page.getByRole("searchbox", { name: ui.t("organisations.search") }).fill(stamp);
  await page.getByRole("searchbox", { name: ui.t("organisations.search") }).press("Enter");
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText(ui.t("org.uncertified"));
  await row.getByRole("button", { name: ui.t("certify.action") }).click();
  const certify = page.getByRole("dialog");
  await expect(certify.getByLabel(ui.t("field.creditCode"))).toHaveValue(creditCode);
  await certify.getByLabel(ui.t("field.industry")).fill(ui.t("industry.cement"));
  await certify.getByLabel(ui.t("field.industry")).press("Enter");
  await certify.getByLabel(ui.t("field.region")).fill(ui.t("region.CN-JS"));
  await certify.getByLabel(ui.t("field.region")).press("Enter");
  await ui.screen("certify");
  await certify.getByRole("button", { name: ui.t("certify.submit") }).click();
  await expect(certify).toBeHidden();
  await expect(row).toContainText(ui.t("org.certified"));
  await expect(row).toContainText(ui.t("industry.cement"));
  await signOut(page, ui);

  // the enterprise signs in and sees its organisation, certified, with a chain account
  await signIn(page, ui, { username, password: PASSWORD });
  await expect(page.getByRole("heading", { name: ui.t("workspace.welcome", { name: username }) })).toBeVisible();
  await expect(page.getByText(ui.t("workspace.awaitingCertification"))).toHaveCount(0);
  await ui.screen("workspace-enterprise");
  await page.getByTestId("nav-/app/organisation").click();
  const details = page.getByTestId("org-details");
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(details).toContainText(ui.t("org.certified"));
  await expect(details).toContainText(ui.t("industry.cement"));
  await expect(details).toContainText(ui.t("region.CN-JS"));
  await expect(details).toContainText(creditCode);
  await expect(details.getByText(/^0x[0-9a-f]{40}$/)).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: username })).toContainText(ui.t("org.orgAdmin"));
  await ui.screen("my-organisation");

  // a second user for the organisation
  await page.getByRole("button", { name: ui.t("org.addUser") }).click();
  const add = page.getByRole("dialog");
  await add.getByLabel(ui.t("field.username")).fill(`${username}.2`);
  await add.getByLabel(ui.t("field.initialPassword")).fill(PASSWORD);
  await add.getByRole("button", { name: ui.t("org.addUser") }).click();
  await expect(add).toBeHidden();
  await expect(page.getByRole("row").filter({ hasText: `${username}.2` })).toBeVisible();

  await page.getByTestId("nav-/app/trading").click();
  await expect(page.getByRole("heading", { name: ui.t("market.tradingTitle") })).toBeVisible();
  await page.getByTestId("user-menu").click();
  await page.getByRole("menuitem", { name: ui.t("nav.password") }).click();
  await expect(page.getByRole("heading", { name: ui.t("password.title") })).toBeVisible();
  await ui.screen("change-password");
});

test("at tablet width the sidebar folds and the tables scroll inside the page", async ({ page, ui }) => {
  await page.setViewportSize({ width: 820, height: 1180 });
  await page.goto("/");
  await chooseLanguage(page, ui);
  await signIn(page, ui, REGULATOR);
  await expect(page.getByRole("heading", { name: ui.t("workspace.welcome", { name: REGULATOR.username }) })).toBeVisible();
  const sider = page.locator(".ant-layout-sider");
  await expect(sider).toHaveClass(/ant-layout-sider-collapsed/);
  // folded, the sidebar shows icons: the menu item itself takes the click
  await page.getByRole("menuitem").filter({ has: page.getByTestId("nav-/app/organisations") }).click();
  await expect(page.getByRole("heading", { name: ui.t("organisations.title") })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: "Wanjiang Cement" })).toBeVisible();
  // nothing wider than the window: the page itself never scrolls sideways
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await ui.screen("organisations-tablet");
});

test("the guidance centre shows a methodology's guide, its sources and its default factors", async ({ page, ui, request }) => {
  await page.goto("/");
  await chooseLanguage(page, ui);
  await signIn(page, ui, ENTERPRISE);
  await page.getByTestId("nav-/app/guides").click();
  await expect(page.getByRole("heading", { name: ui.t("guides.title") })).toBeVisible();
  await page.getByTestId("guide-choose").click();
  await page.keyboard.type("cn-2013-cement@1");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/m=cn-2013-cement%401|m=cn-2013-cement@1/);
  // the page in the reader's language, with its tables
  const guidePage = page.getByTestId("guide-page");
  await expect(guidePage.locator("table").first()).toBeVisible();
  await expect(guidePage).toContainText(ui.lang === "zh-CN" ? "熟料" : "clinker");
  await ui.screen("guides");

  // the default NCV of bituminous coal, as the API states it, with its source
  const guide = (await (await request.get("/api/v1/mrv/methodologies/cn-2013-cement@1/guide")).json()) as {
    sources: { source: string; label_zh: string; label_en: string; defaults: { parameter: string; material: string | null; value: string; unit: string; label_zh: string; label_en: string }[] }[];
  };
  const fuel = guide.sources.find((s) => s.source === "fuel_combustion");
  const ncv = fuel?.defaults.find((d) => d.parameter === "ncv" && d.material === "bituminous_coal");
  expect(ncv).toBeDefined();
  await page.getByRole("tab", { name: ui.t("guides.sources", { n: guide.sources.length }) }).click();
  await page.getByTestId("guide-sources").getByText(ui.lang === "zh-CN" ? fuel!.label_zh : fuel!.label_en, { exact: true }).click();
  await page.getByLabel(ui.t("guides.searchDefaults")).fill("bituminous_coal.ncv");
  const rows = page.getByTestId("guide-defaults").locator("tbody tr.ant-table-row");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(`${ncv!.value} ${ncv!.unit}`);
  await expect(rows.first()).toContainText(ui.lang === "zh-CN" ? ncv!.label_zh : ncv!.label_en);
  await page.getByTestId("guide-defaults").scrollIntoViewIfNeeded();
  await ui.screen("guides-defaults");
  await signOut(page, ui);
});
