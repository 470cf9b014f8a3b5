/**
 * The market in the browser against the real platform on a chain: one enterprise sells
 * at a price, another buys there; both see the trade settled on chain with its
 * transaction; balances move; a cancelled order gives its escrow back. The public sees
 * the market data without signing in; the regulator sees the surveillance alerts.
 * Set-up (listing, allowances, coin) goes through the API; every run uses fresh prices.
 */
import { expect, test } from "./fixtures";
import { chooseLanguage, confirmInDialog, FIELD_ERROR, REGULATOR, signIn, signOut } from "./steps/common";
import {
  BUYER,
  CODE,
  LAYERING_ALERT_T,
  SELLER,
  allowanceBalance,
  auctionRow,
  cancelAll,
  choose,
  cancelOrder,
  coinBalance,
  coinLocked,
  ensureInstrument,
  fillOrder,
  freePrice,
  fund,
  idInToast,
  openAuctions,
  openTrading,
  orgOf,
  orderRow,
  placeOrder,
  priceText,
  restingOrders,
  dealRow,
  orgName,
  proposeDeal,
  showDeals,
  showMyOrders,
  showMyTrades,
  token,
} from "./steps/market";

const QUANTITY = 100;

// every order is a chain transaction: on a busy machine these stories outlast the default timeout
test.slow();

test("two enterprises trade through the order book; the trade settles on chain", async ({ page, ui, request }) => {
  const instrument = await ensureInstrument(request);
  await fund(request, { allowances: [SELLER, 1000], coinCents: [BUYER, 30_000_00] });
  const price = await freePrice(request, instrument, ui.lang === "zh-CN" ? 25 : -25);
  const [low, high] = instrument.price_limits;

  // the seller offers 100 t; the form first refuses what the engine would refuse
  await page.goto("/");
  await chooseLanguage(page, ui);
  await signIn(page, ui, SELLER);
  await openTrading(page, ui);
  await expect(page.getByTestId("allowance-balance")).not.toHaveText("0");
  const sellerAllowances = await allowanceBalance(page);
  await fillOrder(page, ui, { side: "sell", price: priceText(high + instrument.tick), quantity: 105 });
  await page.getByTestId("order-submit").click();
  const priceItem = page.locator(".ant-form-item").filter({ has: page.getByLabel(ui.t("market.priceField")) });
  const quantityItem = page.locator(".ant-form-item").filter({ has: page.getByLabel(ui.t("market.quantityField")) });
  await expect(priceItem.locator(FIELD_ERROR)).toHaveText(
    ui.t("market.rule.limits", { low: priceText(low), high: priceText(high) }),
  );
  await expect(quantityItem.locator(FIELD_ERROR)).toHaveText(ui.t("market.rule.lot", { lot: instrument.lot }));
  await page.getByTestId("order-form").scrollIntoViewIfNeeded();
  await ui.screen("market-order-errors");

  const sellId = await placeOrder(page, ui, { side: "sell", price: priceText(price), quantity: QUANTITY });
  await expect(orderRow(page, sellId)).toContainText(ui.t("market.orderState.open"));
  await expect(page.getByTestId("book-ladder")).toContainText(priceText(price));
  await expect.poll(() => page.getByTestId("allowance-escrowed").textContent()).not.toBe("0");
  await signOut(page, ui);

  // the buyer takes it
  await signIn(page, ui, BUYER);
  await openTrading(page, ui);
  await expect.poll(() => coinBalance(page)).toBeGreaterThanOrEqual((QUANTITY * price) / 100);
  const coinBefore = await coinBalance(page);
  const buyId = await placeOrder(page, ui, { side: "buy", price: priceText(price), quantity: QUANTITY });
  await expect(orderRow(page, buyId)).toContainText(ui.t("market.orderState.filled"));
  await showMyTrades(page, ui);
  const trade = page.getByTestId("my-trades").getByRole("row").filter({ hasText: priceText(price) }).first();
  await expect(trade).toContainText(ui.t("market.tradeState.settled"));
  await expect(trade.getByTestId("tx-hash")).toBeVisible();
  // the coin left for the allowances (escrowed at the trade's own price: nothing comes back)
  await expect.poll(() => coinBalance(page)).toBeCloseTo(coinBefore - (QUANTITY * price) / 100, 2);
  await expect(page.getByTestId("trade-tape")).toContainText(priceText(price));
  await expect(page.getByTestId("market-stats")).toContainText(priceText(price));
  await page.evaluate(() => window.scrollTo(0, 0));
  await ui.screen("market-trading");

  // a resting bid, cancelled: its escrow is shown locked, then comes back
  await showMyOrders(page, ui);
  const coinAfterTrade = await coinBalance(page);
  const lockedBefore = await coinLocked(page);
  const restingId = await placeOrder(page, ui, { side: "buy", price: priceText(low), quantity: 50 });
  await expect(orderRow(page, restingId)).toContainText(ui.t("market.orderState.open"));
  await expect.poll(() => coinBalance(page)).toBeCloseTo(coinAfterTrade - (50 * low) / 100, 2);
  await expect.poll(() => coinLocked(page)).toBeCloseTo(lockedBefore + (50 * low) / 100, 2);
  await cancelOrder(page, ui, restingId);
  await expect(orderRow(page, restingId).getByTestId("escrow-state")).toHaveText(ui.t("market.released"));
  await expect.poll(() => coinBalance(page)).toBeCloseTo(coinAfterTrade, 2);
  await expect.poll(() => coinLocked(page)).toBeCloseTo(lockedBefore, 2);
  await signOut(page, ui);

  // the seller sees the same trade settled, and its allowances gone
  await signIn(page, ui, SELLER);
  await openTrading(page, ui);
  await expect(orderRow(page, sellId)).toContainText(ui.t("market.orderState.filled"));
  await expect.poll(() => allowanceBalance(page)).toBe(sellerAllowances - QUANTITY);
  await showMyTrades(page, ui);
  const sold = page.getByTestId("my-trades").getByRole("row").filter({ hasText: priceText(price) }).first();
  await expect(sold).toContainText(ui.t("market.side.sell"));
  await expect(sold).toContainText(ui.t("market.tradeState.settled"));
  await expect(sold.getByTestId("tx-hash")).toBeVisible();
});

test("a negotiated trade: proposed to an enterprise found by name, accepted, settled at once, on the tape", async ({ page, ui, request }) => {
  const instrument = await ensureInstrument(request);
  await fund(request, { allowances: [SELLER, 200], coinCents: [BUYER, 20_000_00] });
  const buyerName = await orgName(request, BUYER);
  const sellerName = await orgName(request, SELLER);
  // a price inside the block band that no other run used: 70 t at previous close ± a few ticks
  const price = priceText(instrument.previous_close + (ui.lang === "zh-CN" ? 3 : -3) * instrument.tick);
  const quantity = 70;

  await page.goto("/");
  await chooseLanguage(page, ui);
  await signIn(page, ui, SELLER);
  await openTrading(page, ui);
  await proposeDeal(page, ui, { asSeller: true, counterparty: buyerName, price, quantity });
  await expect(dealRow(page, price, quantity)).toContainText(ui.t("market.deal.state.proposed"));
  await expect(dealRow(page, price, quantity)).toContainText(buyerName);
  await signOut(page, ui);

  await signIn(page, ui, BUYER);
  await openTrading(page, ui);
  await showDeals(page, ui);
  const row = dealRow(page, price, quantity);
  await expect(row).toContainText(ui.t("market.deal.proposedToYou"));
  await expect(row).toContainText(sellerName);
  await row.getByRole("button", { name: ui.t("market.deal.accept") }).click();
  await page.locator(".ant-popconfirm").getByRole("button", { name: ui.t("market.deal.accept") }).click();
  await expect(row).toContainText(ui.t("market.deal.state.settled"));
  await expect(row.getByTestId("tx-hash")).toBeVisible();
  // the public tape prints it as a negotiated trade
  const printed = page.getByTestId("trade-tape").getByRole("row").filter({ hasText: price }).filter({ hasText: ui.t("market.tradeKind.deal") });
  await expect(printed.first()).toBeVisible();
  await ui.screen("market-deals");
});

test("anyone sees the market data without signing in", async ({ page, ui, request }) => {
  const instrument = await ensureInstrument(request);
  // a few resting orders on both sides for the depth (below the layering threshold)
  await fund(request, { allowances: [SELLER, 100], coinCents: [BUYER, 5_000_00] });
  const mid = await freePrice(request, instrument);
  const resting = await restingOrders(request, instrument, mid, [10, 20, 30]);
  try {
    await page.goto("/");
    await chooseLanguage(page, ui);
    await page.getByTestId("nav-/market").click();
    await expect(page.getByRole("heading", { name: ui.t("market.dataTitle") })).toBeVisible();
    await expect(page.getByTestId("market-overview").getByRole("row").filter({ hasText: CODE })).toBeVisible();
    await expect(page.getByTestId("market-stats")).toBeVisible();
    await expect(page.getByTestId("feed-state")).toHaveText(ui.t("market.live"));
    await expect(page.getByTestId("book-ladder")).toContainText(priceText(mid + instrument.tick * 5));
    await ui.screen("market-data");
  } finally {
    await cancelAll(request, resting);
  }
});

test("the regulator sees surveillance alerts and the market overview", async ({ page, ui, request }) => {
  const instrument = await ensureInstrument(request);
  // a large order cancelled before any execution: layering
  await fund(request, { coinCents: [BUYER, 10_000_00] });
  const buyer = await token(request, BUYER);
  const placed = await request.post("/api/v1/market/orders", {
    headers: buyer,
    data: { instrument: CODE, side: "buy", type: "limit", price: instrument.price_limits[0], quantity: LAYERING_ALERT_T, tif: "day" },
  });
  expect(placed.status(), await placed.text()).toBe(201);
  const order = (await placed.json()) as { id: number };
  expect((await request.delete(`/api/v1/market/orders/${order.id}`, { headers: buyer })).status()).toBe(200);

  await page.goto("/");
  await chooseLanguage(page, ui);
  await signIn(page, ui, REGULATOR);
  await page.getByTestId("nav-/app/surveillance").click();
  await expect(page.getByRole("heading", { name: ui.t("market.surveillanceTitle") })).toBeVisible();
  const alerts = page.getByTestId("alerts");
  await page.getByRole("combobox", { name: ui.t("market.alertKind") }).click();
  await page.locator(".ant-select-item-option").filter({ hasText: ui.t("market.alert.layering") }).click();
  await expect(alerts.getByRole("row").filter({ hasText: ui.t("market.orderN", { id: order.id }) })).toBeVisible();
  await expect(page.getByTestId("market-overview").getByRole("row").filter({ hasText: CODE })).toBeVisible();
  await ui.screen("market-surveillance");
});

test("at tablet width the trading screen and the market data fit the window", async ({ page, ui, request }) => {
  // listing the instrument touches no chain; nothing here places an order
  await ensureInstrument(request);
  await page.setViewportSize({ width: 768, height: 1024 });
  const fits = async () => expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await page.goto("/");
  await chooseLanguage(page, ui);
  await page.goto("/market");
  await expect(page.getByRole("heading", { name: ui.t("market.dataTitle") })).toBeVisible();
  await expect(page.getByTestId("market-overview").getByRole("row").filter({ hasText: CODE })).toBeVisible();
  await expect(page.getByTestId("market-stats")).toBeVisible();
  await fits();
  await ui.screen("market-data-tablet");
  await signIn(page, ui, BUYER);
  await expect(page.getByRole("heading", { name: ui.t("workspace.welcome", { name: BUYER.username }) })).toBeVisible();
  await page.goto("/app/trading");
  await expect(page.getByRole("heading", { name: ui.t("market.tradingTitle") })).toBeVisible();
  await expect(page.getByTestId("order-form")).toBeVisible();
  await expect(page.getByTestId("coin-balance")).toBeVisible();
  await fits();
  await ui.screen("market-trading-tablet");
});

test("an auction: opened by a seller, bid, closed by the regulator, its result published; related organisations declared", async ({
  page,
  ui,
  request,
}) => {
  const instrument = await ensureInstrument(request);
  await fund(request, { allowances: [SELLER, 100], coinCents: [BUYER, 5_000_00] });
  // one bid for the whole offer: it clears at its own price (a different one per language)
  const quantity = 30;
  const reserve = instrument.previous_close - (ui.lang === "zh-CN" ? 20 : 30) * instrument.tick;
  const bid = reserve + 7 * instrument.tick;

  // the seller opens it: the form's checks, then the escrow's confirmation
  await page.goto("/");
  await chooseLanguage(page, ui);
  await signIn(page, ui, SELLER);
  await openAuctions(page, ui);
  const create = page.getByRole("dialog", { name: ui.t("auction.create.title") });
  // a click while the list is still loading can be lost: press until the dialog shows
  await expect(async () => {
    if (!(await create.isVisible())) await page.getByTestId("open-auction").click({ timeout: 5_000 });
    await expect(create).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  await choose(page, ui.t("market.instrument"), CODE);
  await create.getByLabel(ui.t("auction.quantityField")).fill("25");
  await create.getByLabel(ui.t("auction.reserveField")).fill(priceText(reserve));
  await create.getByTestId("create-auction-ok").click();
  const quantityItem = create.locator(".ant-form-item").filter({ has: page.getByLabel(ui.t("auction.quantityField")) });
  await expect(quantityItem.locator(FIELD_ERROR)).toHaveText(ui.t("market.rule.lot", { lot: instrument.lot }));
  await create.getByLabel(ui.t("auction.quantityField")).fill(String(quantity));
  await create.getByTestId("create-auction-ok").click();
  await expect(create.getByTestId("create-auction-summary")).toBeVisible();
  await confirmInDialog(page, ui.t("registry.confirmSend"));
  const auctionId = await idInToast(page);
  await expect(auctionRow(page, auctionId)).toContainText(ui.t("auction.state.open"));
  await signOut(page, ui);

  // a buyer bids (sealed; its coin escrowed)
  await signIn(page, ui, BUYER);
  await openAuctions(page, ui);
  await auctionRow(page, auctionId).getByRole("button", { name: ui.t("auction.bid.place") }).click();
  const bidding = page.getByRole("dialog", { name: ui.t("auction.bid.title", { id: auctionId, code: CODE }) });
  await bidding.getByLabel(ui.t("auction.bidPriceField")).fill(priceText(bid));
  await bidding.getByLabel(ui.t("auction.quantityField")).fill(String(quantity));
  await bidding.getByTestId("bid-ok").click();
  await expect(bidding.getByTestId("bid-summary")).toBeVisible();
  await confirmInDialog(page, ui.t("registry.confirmSend"));
  await expect(auctionRow(page, auctionId).getByTestId("bid-count")).toHaveText("1");
  await ui.screen("market-auctions");
  await signOut(page, ui);

  // the regulator closes it: one clearing price, the fill settled on chain
  await signIn(page, ui, REGULATOR);
  await openAuctions(page, ui);
  await auctionRow(page, auctionId).getByRole("button", { name: ui.t("auction.close") }).click();
  await page.locator(".ant-popconfirm").getByRole("button", { name: ui.t("auction.close") }).click();
  await expect(page).toHaveURL(new RegExp(`/app/auctions/${auctionId}$`));
  await expect(page.getByTestId("clearing-price")).toContainText(priceText(bid));
  const fill = page.getByTestId("auction-fills").getByRole("row").filter({ hasText: priceText(bid) });
  await expect(fill).toContainText(ui.t("market.tradeState.settled"), { timeout: 60_000 });
  await expect(fill.getByTestId("tx-hash")).toBeVisible();
  await expect(page.getByTestId("auction-bids")).toContainText(ui.t("auction.bidState.filled"));
  await ui.screen("market-auction-result");

  // two enterprises declared related on the surveillance page, then withdrawn again
  const [a, b] = [await orgOf(request, SELLER), await orgOf(request, BUYER)];
  await page.getByTestId("nav-/app/surveillance").click();
  const relations = page.getByTestId("relations");
  await choose(page, ui.t("relations.orgA"), a.name, true);
  await choose(page, ui.t("relations.orgB"), b.name, true);
  await relations.getByLabel(ui.t("relations.note")).fill("e2e");
  await page.getByTestId("declare-relation").click();
  const pair = page.getByTestId("relation-pairs").getByRole("row").filter({ hasText: a.name }).filter({ hasText: b.name });
  await expect(pair).toBeVisible();
  await relations.scrollIntoViewIfNeeded();
  await ui.screen("market-relations");
  await pair.getByRole("button", { name: ui.t("relations.withdraw") }).click();
  await page.locator(".ant-popconfirm").getByRole("button", { name: ui.t("relations.withdraw") }).click();
  await expect(pair).toHaveCount(0);

  // the instruments with their rules and thresholds
  await page.getByTestId("nav-/app/instruments").click();
  await expect(page.getByRole("heading", { name: ui.t("instruments.title") })).toBeVisible();
  const listed = page.getByTestId("instruments").getByRole("row").filter({ hasText: CODE });
  await expect(listed.getByTestId("thresholds")).toContainText(String(LAYERING_ALERT_T));
  await ui.screen("market-instruments");
});
