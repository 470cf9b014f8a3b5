/**
 * Steps of the market stories. Set-up goes through the API with Playwright's `request`
 * (the regulator lists CEA-2024, allocates allowances; the demo bank deposits coin);
 * trading itself happens in the browser.
 */
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, type Ui } from "../fixtures";
import { REGULATOR, type Login } from "./common";

export const VINTAGE = 2024;
export const CODE = `CEA-${VINTAGE}`;
export const BANK: Login = { username: "bank", password: "carbon-demo-2024" };
export const SELLER: Login = { username: "power", password: "carbon-demo-2024" };
export const BUYER: Login = { username: "cement", password: "carbon-demo-2024" };

/** Thresholds low enough for the stories to raise alerts. */
export const LAYERING_ALERT_T = 40;
export const POSITION_ALERT_T = 1000;

type Json = Record<string, unknown>;

async function ok(response: Awaited<ReturnType<APIRequestContext["get"]>>, what: string): Promise<Json> {
  if (!response.ok()) throw new Error(`${what}: ${response.status()} ${await response.text()}`);
  return (await response.json()) as Json;
}

export async function token(request: APIRequestContext, who: Login): Promise<Record<string, string>> {
  const body = await ok(await request.post("/api/v1/auth/login", { data: who }), `log in as ${who.username}`);
  return { Authorization: `Bearer ${String(body.access_token)}` };
}

export async function orgId(request: APIRequestContext, who: Login): Promise<number> {
  const me = await ok(await request.get("/api/v1/auth/me", { headers: await token(request, who) }), "me");
  return Number((me.organisation as Json).id);
}

export async function orgName(request: APIRequestContext, who: Login): Promise<string> {
  const me = await ok(await request.get("/api/v1/auth/me", { headers: await token(request, who) }), "me");
  return String((me.organisation as Json).name);
}

export interface Listed {
  code: string;
  tick: number;
  lot: number;
  price_limits: [number, number];
  previous_close: number;
}

/** CEA-2024 listed and open (listed once per back end; later calls find it). */
export async function ensureInstrument(request: APIRequestContext): Promise<Listed> {
  const regulator = await token(request, REGULATOR);
  let found = await request.get(`/api/v1/market/instruments/${CODE}`);
  if (found.status() === 404) {
    const created = await request.post("/api/v1/market/instruments", {
      headers: regulator,
      data: {
        vintage: VINTAGE,
        reference_price: 8000,
        tick: 1,
        lot: 10,
        layering_alert_t: LAYERING_ALERT_T,
        position_alert_t: POSITION_ALERT_T,
      },
    });
    // another story may have listed it meanwhile
    if (created.status() !== 409) await ok(created, "list the instrument");
    found = await request.get(`/api/v1/market/instruments/${CODE}`);
  }
  let instrument = await ok(found, "the instrument");
  if (!instrument.open) {
    instrument = await ok(
      await request.post(`/api/v1/market/instruments/${CODE}/session`, { headers: regulator, data: { open: true } }),
      "open the session",
    );
  }
  return instrument as unknown as Listed;
}

/** Allowances of the vintage to `holder` (by the regulator) and coin to `payer` (by the bank). */
export async function fund(
  request: APIRequestContext,
  { allowances, coinCents }: { allowances?: [Login, number]; coinCents?: [Login, number] },
): Promise<void> {
  if (allowances) {
    const [who, amount] = allowances;
    await ok(
      await request.post("/api/v1/registry/allocations", {
        headers: await token(request, REGULATOR),
        data: { vintage: VINTAGE, kind: "free", items: [{ org_id: await orgId(request, who), amount }] },
      }),
      "allocate allowances",
    );
  }
  if (coinCents) {
    const [who, amount] = coinCents;
    await ok(
      await request.post("/api/v1/registry/coin/deposits", {
        headers: await token(request, BANK),
        data: { org_id: await orgId(request, who), amount_cents: amount, reference: `E2E-${Date.now() % 1e9}` },
      }),
      "deposit coin",
    );
  }
}

/**
 * A price strictly between the best bid and the best ask, on the tick and inside the
 * limits: a sell there rests, and a buy there meets only that sell.
 */
export async function freePrice(request: APIRequestContext, instrument: Listed, offsetTicks = 0): Promise<number> {
  const depth = await ok(await request.get(`/api/v1/market/instruments/${CODE}/depth`), "depth");
  const [low, high] = instrument.price_limits;
  const bestBid = ((depth.bids as number[][])[0]?.[0] ?? low - 1);
  const bestAsk = ((depth.asks as number[][])[0]?.[0] ?? high + 1);
  const base = Math.round(instrument.previous_close / instrument.tick) * instrument.tick + offsetTicks * instrument.tick;
  for (let step = 0; step < 2000; step++) {
    for (const p of [base + step * instrument.tick, base - step * instrument.tick]) {
      if (p >= low && p <= high && p > bestBid && p < bestAsk) return p;
    }
  }
  throw new Error(`no free price between ${bestBid} and ${bestAsk}`);
}

export interface Resting {
  who: Login;
  id: number;
}

/**
 * Resting orders through the API around `mid`: the seller offers `quantities` at mid +
 * 5, 10, 15… ticks, the buyer bids them at mid − 5, 10, 15… ticks.
 */
export async function restingOrders(
  request: APIRequestContext,
  instrument: Listed,
  mid: number,
  quantities: number[],
): Promise<Resting[]> {
  const out: Resting[] = [];
  for (const [who, side, sign] of [
    [SELLER, "sell", 1],
    [BUYER, "buy", -1],
  ] as const) {
    const headers = await token(request, who);
    for (const [i, quantity] of quantities.entries()) {
      const price = mid + sign * (i + 1) * 5 * instrument.tick;
      const body = await ok(
        await request.post("/api/v1/market/orders", {
          headers,
          data: { instrument: CODE, side, type: "limit", tif: "day", price, quantity },
        }),
        `a resting ${side} order`,
      );
      out.push({ who, id: Number(body.id) });
    }
  }
  return out;
}

export async function cancelAll(request: APIRequestContext, orders: Resting[]): Promise<void> {
  for (const o of orders) {
    await request.delete(`/api/v1/market/orders/${o.id}`, { headers: await token(request, o.who) });
  }
}

/** "80.05" from 8005 cents, as typed into the form */
export const priceText = (cents: number) => (cents / 100).toFixed(2);

/** The number a locale-formatted amount shows ("10,000.00" → 10000). */
export function amountOf(text: string | null): number {
  return Number((text ?? "").replace(/[^\d.-]/g, ""));
}

export async function openTrading(page: Page, ui: Ui) {
  await page.getByTestId("nav-/app/trading").click();
  await expect(page.getByRole("heading", { name: ui.t("market.tradingTitle") })).toBeVisible();
  await expect(page.getByTestId("order-form")).toBeVisible();
  await expect(page.getByTestId("coin-balance")).toBeVisible();
}

export interface OrderInput {
  side: "buy" | "sell";
  type?: "limit" | "market";
  price?: string;
  quantity: number;
  tif?: "day" | "ioc" | "fok";
}

/** Fill the order form (without sending it). */
export async function fillOrder(page: Page, ui: Ui, order: OrderInput) {
  const form = page.getByTestId("order-form");
  // the radio groups carry the form's and their field's name as id
  const choose = (group: string, text: string) => form.locator(`#order_${group}`).getByText(text, { exact: true }).click();
  await choose("side", ui.t(`market.side.${order.side}`));
  await choose("type", ui.t(`market.type.${order.type ?? "limit"}`));
  if ((order.type ?? "limit") === "limit") await form.getByLabel(ui.t("market.priceField")).fill(order.price ?? "");
  await form.getByLabel(ui.t("market.quantityField")).fill(String(order.quantity));
  await choose("tif", ui.t(`market.tif.${order.tif ?? "day"}`));
}

/** Place an order through the form and its confirmation; returns the new order's id. */
export async function placeOrder(page: Page, ui: Ui, order: OrderInput): Promise<number> {
  await fillOrder(page, ui, order);
  await page.getByTestId("order-submit").click();
  const dialog = page.getByRole("dialog", { name: ui.t("market.confirmTitle") });
  await expect(dialog.getByTestId("order-summary")).toContainText(String(order.quantity));
  await dialog.getByRole("button", { name: ui.t("market.confirmPlace") }).click();
  await expect(dialog).toBeHidden();
  const toast = page.locator(".ant-message-notice").last();
  await expect(toast).toBeVisible();
  const id = /#(\d+)/.exec((await toast.textContent()) ?? "")?.[1];
  if (!id) throw new Error("no order id in the confirmation message");
  return Number(id);
}

export function orderRow(page: Page, id: number) {
  return page.getByTestId("my-orders").getByRole("row").filter({ has: page.getByRole("cell", { name: String(id), exact: true }) });
}

/** Cancel one of my orders, through its confirmation. */
export async function cancelOrder(page: Page, ui: Ui, id: number) {
  const row = orderRow(page, id);
  await row.getByRole("button", { name: ui.t("market.cancelOrder") }).click();
  const confirm = page.locator(".ant-popconfirm").filter({ hasText: ui.t("market.cancelTitle", { id }) });
  await expect(confirm).toBeVisible();
  await confirm.getByRole("button", { name: ui.t("market.cancelOrder") }).click();
  await expect(row).toContainText(ui.t("market.orderState.cancelled"));
}

export async function showMyTrades(page: Page, ui: Ui) {
  await page.getByRole("tab", { name: ui.t("market.myTrades") }).click();
  await expect(page.getByTestId("my-trades")).toBeVisible();
}

export async function showMyOrders(page: Page, ui: Ui) {
  await page.getByRole("tab", { name: ui.t("market.myOrders") }).click();
  await expect(page.getByTestId("my-orders")).toBeVisible();
}

export async function coinBalance(page: Page): Promise<number> {
  return amountOf(await page.getByTestId("coin-balance").textContent());
}

/** Coin that open buy orders lock, as the trading screen shows it. */
export async function coinLocked(page: Page): Promise<number> {
  return amountOf(await page.getByTestId("coin-locked").textContent());
}

export async function allowanceBalance(page: Page): Promise<number> {
  return amountOf(await page.getByTestId("allowance-balance").textContent());
}

export async function showDeals(page: Page, ui: Ui) {
  await page.getByRole("tab", { name: ui.t("market.deal.tab") }).click();
  await expect(page.getByTestId("my-deals")).toBeVisible();
}

/** Propose a negotiated trade through the dialog, finding the counterparty by its name. */
export async function proposeDeal(
  page: Page,
  ui: Ui,
  deal: { asSeller: boolean; counterparty: string; price: string; quantity: number },
) {
  await showDeals(page, ui);
  await page.getByRole("button", { name: ui.t("market.deal.propose") }).click();
  const dialog = page.getByRole("dialog", { name: ui.t("market.deal.proposeTitle", { code: CODE }) });
  await dialog.getByText(ui.t(deal.asSeller ? "market.deal.iSell" : "market.deal.iBuy"), { exact: true }).click();
  // part of the name is enough: the directory answers with the enterprises that match
  await dialog.getByLabel(ui.t("market.deal.counterparty")).fill(deal.counterparty.slice(0, 2));
  await page.locator(".ant-select-item-option").filter({ hasText: deal.counterparty }).click();
  await dialog.getByLabel(ui.t("market.priceField")).fill(deal.price);
  await dialog.getByLabel(ui.t("market.quantityField")).fill(String(deal.quantity));
  await dialog.getByRole("button", { name: ui.t("market.deal.propose") }).click();
  await expect(dialog).toBeHidden();
}

export function dealRow(page: Page, price: string, quantity: number) {
  return page
    .getByTestId("my-deals")
    .getByRole("row")
    .filter({ hasText: price })
    .filter({ hasText: String(quantity) })
    .first();
}

/** An organisation's number and name, as the organisation select shows it. */
export async function orgOf(request: APIRequestContext, who: Login): Promise<{ id: number; name: string }> {
  const me = await ok(await request.get("/api/v1/auth/me", { headers: await token(request, who) }), "me");
  const org = me.organisation as Json;
  return { id: Number(org.id), name: String(org.name) };
}

export async function openAuctions(page: Page, ui: Ui) {
  await page.getByTestId("nav-/app/auctions").click();
  await expect(page.getByRole("heading", { name: ui.t("auction.title") })).toBeVisible();
}

/** The row of an auction in the list. */
export function auctionRow(page: Page, id: number) {
  return page.getByTestId("auctions").getByRole("row").filter({ has: page.getByRole("link", { name: String(id), exact: true }) });
}

/**
 * Choose an option of a select by its label and the option's text (typed first into a
 * searchable one). On a loaded machine a click can land while a dialog is still zooming in,
 * or the dropdown can re-render under the pointer, and be lost: the select is opened and the
 * option clicked again until the select shows the choice.
 */
export async function choose(page: Page, label: string, text: string, search = false) {
  const box = page.getByRole("combobox", { name: label, exact: true });
  const select = page.locator(".ant-select").filter({ has: box });
  const option = page.locator(".ant-select-dropdown:visible .ant-select-item-option").filter({ hasText: text }).first();
  await expect(async () => {
    // a chosen value lies over the search input
    if (!(await option.isVisible())) await box.click({ force: true, timeout: 5_000 });
    if (search) await box.fill(text, { timeout: 5_000 });
    await option.click({ timeout: 5_000 });
    await expect(select.locator(".ant-select-selection-item")).toContainText(text, { timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
}

/** The number in the last confirmation message ("Auction #12 is open" → 12). */
export async function idInToast(page: Page): Promise<number> {
  const toast = page.locator(".ant-message-notice").last();
  await expect(toast).toBeVisible();
  const id = /#(\d+)/.exec((await toast.textContent()) ?? "")?.[1];
  if (!id) throw new Error("no id in the confirmation message");
  return Number(id);
}
