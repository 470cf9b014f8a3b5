import { describe, expect, it } from "vitest";
import {
  blockBand,
  escrowOf,
  fillableQuantity,
  parsePrice,
  validateDeal,
  validateOrder,
  type InstrumentRules,
  type OrderDraft,
} from "./orderRules";

// CEA-2024 as the regulator lists it: 1-cent tick, 10 t lots, ±10 % around 80.00
const CEA: InstrumentRules = { tick: 1, lot: 10, open: true, price_limits: [7200, 8800] };
const limitBuy: OrderDraft = { side: "buy", type: "limit", price: "80.00", quantity: 100, tif: "day" };

const keys = (...args: Parameters<typeof validateOrder>) =>
  validateOrder(...args).map((i) => `${i.level}:${i.field}:${i.key}`);

describe("parsePrice", () => {
  it("reads coin with up to two decimals as exact cents", () => {
    expect(parsePrice("80")).toEqual({ ok: true, cents: 8000 });
    expect(parsePrice("80.5")).toEqual({ ok: true, cents: 8050 });
    expect(parsePrice(" 80.05 ")).toEqual({ ok: true, cents: 8005 });
    expect(parsePrice("1,234.56")).toEqual({ ok: true, cents: 123456 });
    // 0.29 * 100 is 28.999999999999996 in binary floating point: never used
    expect(parsePrice("0.29")).toEqual({ ok: true, cents: 29 });
  });

  it("refuses what is not a price", () => {
    expect(parsePrice("")).toEqual({ ok: false, reason: "missing" });
    expect(parsePrice(null)).toEqual({ ok: false, reason: "missing" });
    expect(parsePrice("80.055")).toEqual({ ok: false, reason: "decimals" });
    expect(parsePrice("-80")).toEqual({ ok: false, reason: "format" });
    expect(parsePrice("8e3")).toEqual({ ok: false, reason: "format" });
    expect(parsePrice("0.00")).toEqual({ ok: false, reason: "positive" });
  });
});

describe("validateOrder", () => {
  it("accepts a valid limit order", () => {
    expect(keys(limitBuy, CEA)).toEqual([]);
  });

  it("needs the price on the instrument's tick", () => {
    const fiveCents = { ...CEA, tick: 5 };
    expect(keys({ ...limitBuy, price: "80.05" }, fiveCents)).toEqual([]);
    expect(keys({ ...limitBuy, price: "80.03" }, fiveCents)).toEqual(["error:price:market.rule.tick"]);
    const issue = validateOrder({ ...limitBuy, price: "80.03" }, fiveCents)[0];
    expect(issue?.vars).toEqual({ tick: "0.05" });
    // more decimals than a cent is never on any tick
    expect(keys({ ...limitBuy, price: "80.001" }, CEA)).toEqual(["error:price:market.rule.priceDecimals"]);
  });

  it("needs whole lots", () => {
    expect(keys({ ...limitBuy, quantity: 105 }, CEA)).toEqual(["error:quantity:market.rule.lot"]);
    expect(keys({ ...limitBuy, quantity: 0 }, CEA)).toEqual(["error:quantity:market.rule.quantityPositive"]);
    expect(keys({ ...limitBuy, quantity: 10.5 }, CEA)).toEqual(["error:quantity:market.rule.quantityPositive"]);
    expect(keys({ ...limitBuy, quantity: null }, CEA)).toEqual(["error:quantity:market.rule.quantityMissing"]);
    expect(keys({ ...limitBuy, quantity: 7 }, { ...CEA, lot: 1 })).toEqual([]);
  });

  it("keeps limit prices inside today's limits, both ends included", () => {
    expect(keys({ ...limitBuy, price: "72.00" }, CEA)).toEqual([]);
    expect(keys({ ...limitBuy, price: "88.00" }, CEA)).toEqual([]);
    expect(keys({ ...limitBuy, price: "71.99" }, CEA)).toEqual(["error:price:market.rule.limits"]);
    expect(keys({ ...limitBuy, price: "88.01" }, CEA)).toEqual(["error:price:market.rule.limits"]);
    expect(validateOrder({ ...limitBuy, price: "90" }, CEA)[0]?.vars).toEqual({ low: "72.00", high: "88.00" });
    // no limits before the first close: any price on the tick
    expect(keys({ ...limitBuy, price: "500" }, { ...CEA, price_limits: null })).toEqual([]);
  });

  it("needs a price for a limit order but none for a market order", () => {
    expect(keys({ ...limitBuy, price: "" }, CEA)).toEqual(["error:price:market.rule.priceMissing"]);
    expect(keys({ ...limitBuy, type: "market", price: "", tif: "ioc" }, CEA)).toEqual([]);
    // a price left in the field is ignored, not checked
    expect(keys({ ...limitBuy, type: "market", price: "999.999", tif: "fok" }, CEA)).toEqual([]);
  });

  it("never lets a market order rest, and needs the protective limits for it", () => {
    expect(keys({ ...limitBuy, type: "market", price: null, tif: "day" }, CEA)).toEqual(["error:tif:market.rule.marketDay"]);
    expect(keys({ ...limitBuy, type: "market", price: null, tif: "ioc" }, { ...CEA, price_limits: null })).toEqual([
      "error:price:market.rule.noProtectivePrice",
    ]);
  });

  it("refuses every order while the session is closed", () => {
    expect(keys(limitBuy, { ...CEA, open: false })).toEqual(["error:instrument:market.rule.closed"]);
  });

  it("checks the escrow against the available coin and allowances", () => {
    // 100 t × 80.00 = 8 000.00 coin
    expect(keys(limitBuy, CEA, { coinCents: 800_000, allowances: 0 })).toEqual([]);
    expect(keys(limitBuy, CEA, { coinCents: 799_999, allowances: 0 })).toEqual(["error:quantity:market.rule.coin"]);
    expect(validateOrder(limitBuy, CEA, { coinCents: 100, allowances: 0 })[0]?.vars).toEqual({ need: "8000.00", have: "1.00" });
    // a market buy escrows at the upper limit: 100 t × 88.00
    const marketBuy: OrderDraft = { ...limitBuy, type: "market", price: null, tif: "ioc" };
    expect(keys(marketBuy, CEA, { coinCents: 880_000, allowances: 0 })).toEqual([]);
    expect(keys(marketBuy, CEA, { coinCents: 800_000, allowances: 0 })).toEqual(["error:quantity:market.rule.coin"]);
    // a sell escrows allowances, whatever the price
    const sell: OrderDraft = { ...limitBuy, side: "sell" };
    expect(keys(sell, CEA, { coinCents: 0, allowances: 100 })).toEqual([]);
    expect(keys(sell, CEA, { coinCents: 0, allowances: 90 })).toEqual(["error:quantity:market.rule.allowances"]);
    // unknown balances: no opinion
    expect(keys(sell, CEA, { coinCents: null, allowances: null })).toEqual([]);
  });

  it("warns when the visible book cannot fill a FOK order or gives an IOC nothing", () => {
    const book = { bids: [[7900, 50, 1]], asks: [[8000, 30, 1], [8010, 40, 2], [8100, 500, 3]] };
    const fok: OrderDraft = { ...limitBuy, tif: "fok", quantity: 70, price: "80.10" };
    expect(keys(fok, CEA, null, book)).toEqual([]);
    expect(keys({ ...fok, quantity: 80 }, CEA, null, book)).toEqual(["warning:tif:market.rule.fokShort"]);
    expect(validateOrder({ ...fok, quantity: 80 }, CEA, null, book)[0]?.vars).toEqual({ available: 70, quantity: 80 });
    // a market FOK may take every level
    expect(keys({ ...fok, type: "market", price: null, quantity: 570 }, CEA, null, book)).toEqual([]);
    // an IOC buy below the best ask would trade nothing
    expect(keys({ ...limitBuy, tif: "ioc", price: "79.99" }, CEA, null, book)).toEqual(["warning:tif:market.rule.iocNothing"]);
    expect(keys({ ...limitBuy, tif: "ioc", price: "80.00" }, CEA, null, book)).toEqual([]);
    // a day order may rest: no warning
    expect(keys({ ...limitBuy, price: "79.99" }, CEA, null, book)).toEqual([]);
    // sells look at the bids
    expect(keys({ ...limitBuy, side: "sell", tif: "fok", price: "79.00", quantity: 50 }, CEA, null, book)).toEqual([]);
    expect(keys({ ...limitBuy, side: "sell", tif: "fok", price: "79.01", quantity: 50 }, CEA, null, book)).toEqual([
      "warning:tif:market.rule.fokShort",
    ]);
  });
});

describe("escrowOf and fillableQuantity", () => {
  it("computes what an order locks", () => {
    expect(escrowOf(limitBuy, CEA)).toEqual({ coinCents: 800_000, allowances: 0, protective: false });
    expect(escrowOf({ ...limitBuy, type: "market" }, CEA)).toEqual({ coinCents: 880_000, allowances: 0, protective: true });
    expect(escrowOf({ ...limitBuy, side: "sell" }, CEA)).toEqual({ coinCents: 0, allowances: 100, protective: false });
    expect(escrowOf({ ...limitBuy, quantity: null }, CEA)).toBeNull();
    expect(escrowOf({ ...limitBuy, type: "market" }, { ...CEA, price_limits: null })).toBeNull();
  });

  it("adds the opposite levels up to the limit", () => {
    const book = { bids: [[7900, 50, 1], [7800, 20, 1]], asks: [[8000, 30, 1], [8010, 40, 2]] };
    expect(fillableQuantity(book, "buy", 8000)).toBe(30);
    expect(fillableQuantity(book, "buy", null)).toBe(70);
    expect(fillableQuantity(book, "sell", 7800)).toBe(70);
    expect(fillableQuantity(book, "sell", 7950)).toBe(0);
  });
});

describe("validateDeal", () => {
  const block = { tick: 1, lot: 10, block_min_quantity: 1000, block_band_bps: 3000, previous_close: 8000 };
  const deal = { asSeller: true, counterparty: 12, self: 7, price: "80.00", quantity: 1000 };
  const dkeys = (...args: Parameters<typeof validateDeal>) => validateDeal(...args).map((i) => `${i.field}:${i.key}`);

  it("accepts a block inside the band", () => {
    expect(dkeys(deal, block)).toEqual([]);
  });

  it("places the band on the tick grid like the engine", () => {
    expect(blockBand(8000, 3000, 1)).toEqual([5600, 10400]);
    // 8005 × 0.7 = 5603.5 → up to 5605 on a 5-cent tick; 8005 × 1.3 = 10406.5 → down to 10405
    expect(blockBand(8005, 3000, 5)).toEqual([5605, 10405]);
    expect(blockBand(3, 9000, 1)).toEqual([1, 5]);
  });

  it("needs a named counterparty other than oneself", () => {
    expect(dkeys({ ...deal, counterparty: null }, block)).toEqual(["counterparty:market.deal.counterpartyMissing"]);
    expect(dkeys({ ...deal, counterparty: 7 }, block)).toEqual(["counterparty:market.deal.self"]);
    expect(dkeys({ ...deal, counterparty: 1.5 }, block)).toEqual(["counterparty:market.deal.counterpartyBad"]);
  });

  it("needs whole lots of at least the minimum block", () => {
    expect(dkeys({ ...deal, quantity: 990 }, block)).toEqual(["quantity:market.deal.minimum"]);
    expect(dkeys({ ...deal, quantity: 1005 }, block)).toEqual(["quantity:market.rule.lot"]);
  });

  it("keeps the price on the tick and inside the block band, and needs a previous close", () => {
    expect(dkeys({ ...deal, price: "56.00" }, block)).toEqual([]);
    expect(dkeys({ ...deal, price: "104.00" }, block)).toEqual([]);
    expect(dkeys({ ...deal, price: "55.99" }, block)).toEqual(["price:market.deal.band"]);
    expect(validateDeal({ ...deal, price: "104.01" }, block)[0]?.vars).toEqual({ low: "56.00", high: "104.00" });
    expect(dkeys({ ...deal, price: "80.03" }, { ...block, tick: 5 })).toEqual(["price:market.rule.tick"]);
    expect(dkeys(deal, { ...block, previous_close: null })).toEqual(["price:market.deal.noReference"]);
  });
});
