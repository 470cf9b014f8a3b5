/**
 * Registry, compliance and explorer in the browser against the real platform on a chain:
 * the regulator computes an allocation with the benchmark calculator and allocates it in a
 * batch (preview, confirmation) → the enterprise sees its balance and transfers part of it
 * → its compliance status is shown as it is (the demo has no confirmed report, so nothing is
 * owed) → the explorer traces the allocation with block numbers and transaction hashes.
 * Public statistics and the public explorer need no sign-in.
 */
import { MAP_ATTRIBUTION } from "./backend";
import { expect, test } from "./fixtures";
import { chooseLanguage, DEMO_PASSWORD, REGULATOR, signIn, signOut } from "./steps/common";
import { allocateBatch, balanceOf, organisationId, previewBenchmark, transferAllowances } from "./steps/registry";

const CEMENT = { username: "cement", password: DEMO_PASSWORD, name: "Wanjiang Cement" };
const VINTAGE = 2020;

test("allocate → balance → transfer → compliance → trace in the explorer", async ({ page, ui, request }) => {
  test.setTimeout(300_000);
  const steelId = await organisationId(request, "steel", DEMO_PASSWORD);
  await page.goto("/");
  await chooseLanguage(page, ui);

  // the regulator: calculator → preview → batch → confirmation
  await signIn(page, ui, REGULATOR);
  await previewBenchmark(page, ui, "皖江水泥 Wanjiang Cement");
  await ui.screen("registry-allocation");
  const txHash = await allocateBatch(page, ui, CEMENT.name);
  await expect(page.getByRole("row").filter({ hasText: txHash.slice(0, 10) }).first()).toBeVisible();
  await page.getByTestId("nav-/app/compliance-overview").click();
  await expect(page.getByRole("heading", { name: ui.t("registry.overview.title") })).toBeVisible();
  await ui.screen("registry-compliance-overview");
  // the e2e back end serves the synthetic squares as its map: the choropleth, not the tiles
  const provinces = page.getByTestId("province-map");
  await provinces.scrollIntoViewIfNeeded();
  await expect(provinces.getByRole("img", { name: ui.t("registry.overview.mapLabel", { metric: ui.t("registry.overview.metric.deficitShare") }) })).toBeVisible();
  await expect(provinces.locator("svg path").first()).toBeVisible();
  await expect(page.getByTestId("map-attribution")).toHaveText(MAP_ATTRIBUTION);
  await expect(page.getByTestId("province-grid")).toHaveCount(0);
  await ui.screen("registry-compliance-provinces");
  await signOut(page, ui);

  // the enterprise: dashboard, balance, transfer
  await signIn(page, ui, CEMENT);
  await expect(page.getByTestId("enterprise-dashboard")).toContainText(String(VINTAGE));
  await ui.screen("registry-dashboard");
  const before = await balanceOf(page, ui, VINTAGE);
  expect(before).toBeGreaterThanOrEqual(315620);
  await ui.screen("registry-assets");
  await transferAllowances(page, ui, steelId, VINTAGE, 1000, before);
  await expect.poll(() => balanceOf(page, ui, VINTAGE)).toBe(before - 1000);
  await page.getByRole("tab", { name: ui.t("registry.assets.history") }).click();
  await expect(page.getByTestId("tx-hash").first()).toBeVisible();

  // compliance: the demo has no confirmed report, and the screen says so
  await page.getByTestId("nav-/app/compliance").click();
  await expect(page.getByRole("heading", { name: ui.t("registry.compliance.title") })).toBeVisible();
  await expect(page.getByTestId("standing")).toHaveText(ui.t("registry.standing.none"));
  await expect(page.getByTestId("no-obligation")).toBeVisible();
  await expect(page.getByTestId("surrender-allowances")).toBeDisabled();
  await ui.screen("registry-compliance");

  // the explorer: the allocation's history with blocks and transaction hashes, verified
  await page.goto(`/explorer?trace=allowances&vintage=${VINTAGE}&verify=true`);
  const history = page.getByTestId("history");
  const allocated = history.getByRole("row").filter({ hasText: ui.t("registry.eventName.Allocated") }).first();
  await expect(allocated).toBeVisible();
  await expect(allocated.getByTestId("block-link")).toHaveText(/^#[\d,]+$/);
  await expect(page.getByTestId("verification")).toContainText(ui.t("registry.explorer.allVerified"));
  await expect(history.getByRole("row").filter({ hasText: txHash.slice(0, 10) }).first()).toBeVisible();
  await ui.screen("registry-explorer-trace");
  await page.goto(`/explorer/tx/${txHash}`);
  await expect(page.getByTestId("history")).toContainText(ui.t("registry.eventName.Allocated"));
  await ui.screen("registry-explorer-tx");
  await page.getByTestId("block-link").first().click();
  await expect(page.getByRole("heading", { name: /#/ })).toBeVisible();
  await expect(page.getByTestId("blocks")).toContainText(txHash.slice(0, 10));
  await ui.screen("registry-explorer-block");
  await signOut(page, ui);
});

test("public statistics and explorer need no sign-in", async ({ page, ui }) => {
  await page.goto("/");
  await chooseLanguage(page, ui);
  await page.getByTestId("nav-/statistics").click();
  await expect(page.getByRole("heading", { name: ui.t("registry.statistics.title") })).toBeVisible();
  await ui.screen("registry-statistics");
  await page.getByTestId("nav-/explorer").click();
  await expect(page.getByRole("heading", { name: ui.t("registry.explorer.title") })).toBeVisible();
  await expect(page.getByTestId("blocks").getByTestId("block-link").first()).toBeVisible();
  await ui.screen("registry-explorer");
  await page.getByRole("searchbox", { name: ui.t("registry.explorer.search") }).fill("not a hash");
  await page.getByRole("searchbox", { name: ui.t("registry.explorer.search") }).press("Enter");
  await expect(page.getByText(ui.t("registry.explorer.searchInvalid"))).toBeVisible();
});

test("at tablet width the registry screens fit the window", async ({ page, ui }) => {
  await page.setViewportSize({ width: 820, height: 1180 });
  await page.goto("/");
  await chooseLanguage(page, ui);
  for (const path of ["/statistics", "/explorer"]) {
    await page.goto(path);
    await expect(page.locator("h3").first()).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  }
  await signIn(page, ui, REGULATOR);
  await expect(page.getByRole("heading", { name: ui.t("workspace.welcome", { name: REGULATOR.username }) })).toBeVisible();
  for (const path of ["/app/allocation", "/app/compliance-overview"]) {
    await page.goto(path);
    await expect(page.locator("h3").first()).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  }
  await ui.screen("registry-allocation-tablet");
});
