/**
 * The order-entry rules, checked in the browser before anything is sent: the engine's
 * own (session open, lot, tick, daily price limits, a market order takes no price —
 * `carbonledger.market.service.precheck`) plus what the escrow needs (coin for a buy at
 * its limit price, or at the upper limit for a market buy; allowances for a sell) and
 * what the visible book says about IOC/FOK. Prices are integer cents per tonne, entered
 * as coin with at most two decimals; quantities whole tonnes.
 */
import type { MessageKey } from "../../i18n/zh-CN";
import type { Vars } from "../../i18n";

export type Side = "buy" | "sell";
export type OrderType = "limit" | "market";
export type Tif = "day" | "ioc" | "fok";

export interface OrderDraft {
  side: Side;
  type: OrderType;
  /** the price as typed, in coin per tonne (e.g. "80.05"); ignored for market orders */
  price?: string | null;
  quantity?: number | null;
  tif: Tif;
}

export interface InstrumentRules {
  tick: number;
  lot: number;
  open: boolean;
  /** today's [lower, upper] limits in cents, or null before the first close */
  price_limits?: number[] | null;
}

/** What the order may escrow from: null when not known (not loaded). */
export interface Funds {
  coinCents: number | null;
  allowances: number | null;
}

/** The visible book: [price, quantity, orders] levels, best first. */
export interface BookSide {
  bids: number[][];
  asks: number[][];
}

export type Field = "instrument" | "price" | "quantity" | "tif";

export interface Issue {
  field: Field;
  level: "error" | "warning";
  key: MessageKey;
  vars?: Vars;
}

export type ParsedPrice =
  | { ok: true; cents: number }
  | { ok: false; reason: "missing" | "format" | "decimals" | "positive" };

const PRICE = /^\d+(?:\.(\d*))?$/;

/** "80.05" → 8005 cents, exactly (no binary floats): at most two decimals. */
export function parsePrice(text: string | null | undefined): ParsedPrice {
  const s = (text ?? "").trim().replace(/,/g, "");
  if (s === "") return { ok: false, reason: "missing" };
  const m = PRICE.exec(s);
  if (!m) return { ok: false, reason: "format" };
  const decimals = m[1] ?? "";
  if (decimals.length > 2) return { ok: false, reason: "decimals" };
  const [whole = "0"] = s.split(".");
  const cents = Number(whole) * 100 + Number(decimals.padEnd(2, "0") || "0");
  if (!Number.isSafeInteger(cents)) return { ok: false, reason: "format" };
  if (cents <= 0) return { ok: false, reason: "positive" };
  return { ok: true, cents };
}

/** cents → "80.05" (for form fields; display goes through the locale formatter). */
export function centsToText(cents: number): string {
  return (cents / 100).toFixed(2);
}

export interface Escrow {
  /** coin locked by a buy, in cents */
  coinCents: number;
  /** allowances locked by a sell, in tonnes */
  allowances: number;
  /** a market order escrows at the day's protective limit */
  protective: boolean;
}

/** What the order would lock on chain (null when the draft is incomplete). */
export function escrowOf(draft: OrderDraft, instrument: InstrumentRules): Escrow | null {
  const q = draft.quantity;
  if (!q || q <= 0 || !Number.isInteger(q)) return null;
  if (draft.side === "sell") return { coinCents: 0, allowances: q, protective: draft.type === "market" };
  if (draft.type === "market") {
    const upper = instrument.price_limits?.[1];
    return upper === undefined ? null : { coinCents: q * upper, allowances: 0, protective: true };
  }
  const p = parsePrice(draft.price);
  return p.ok ? { coinCents: q * p.cents, allowances: 0, protective: false } : null;
}

/** Tonnes the opposite side offers at or better than `limit` (any price for market orders). */
export function fillableQuantity(book: BookSide, side: Side, limit: number | null): number {
  const levels = side === "buy" ? book.asks : book.bids;
  let total = 0;
  for (const [price = 0, quantity = 0] of levels) {
    if (limit !== null && (side === "buy" ? price > limit : price < limit)) break;
    total += quantity;
  }
  return total;
}

function money(cents: number): string {
  return centsToText(cents);
}

/**
 * Every problem of a draft order, errors (the order cannot be sent) and warnings (it can,
 * but will probably not do what one expects). `book` and `funds` are optional hints.
 */
export function validateOrder(
  draft: OrderDraft,
  instrument: InstrumentRules,
  funds?: Funds | null,
  book?: BookSide | null,
): Issue[] {
  const issues: Issue[] = [];
  const error = (field: Field, key: MessageKey, vars?: Vars) => issues.push({ field, level: "error", key, vars });
  const warn = (field: Field, key: MessageKey, vars?: Vars) => issues.push({ field, level: "warning", key, vars });

  if (!instrument.open) error("instrument", "market.rule.closed");

  // quantity: whole tonnes, a multiple of the lot
  const q = draft.quantity;
  let quantityOk = false;
  if (q === null || q === undefined) error("quantity", "market.rule.quantityMissing");
  else if (!Number.isInteger(q) || q <= 0) error("quantity", "market.rule.quantityPositive");
  else if (q % instrument.lot !== 0) error("quantity", "market.rule.lot", { lot: instrument.lot });
  else quantityOk = true;

  // price: a limit order needs one on the tick and inside today's limits
  const limits = instrument.price_limits ?? null;
  let limit: number | null = null;
  if (draft.type === "limit") {
    const p = parsePrice(draft.price);
    if (!p.ok) {
      const key = ({
        missing: "market.rule.priceMissing",
        format: "market.rule.priceFormat",
        decimals: "market.rule.priceDecimals",
        positive: "market.rule.pricePositive",
      } as const)[p.reason];
      error("price", key);
    } else if (p.cents % instrument.tick !== 0) {
      error("price", "market.rule.tick", { tick: money(instrument.tick) });
    } else if (limits && (p.cents < (limits[0] ?? 0) || p.cents > (limits[1] ?? Infinity))) {
      error("price", "market.rule.limits", { low: money(limits[0] ?? 0), high: money(limits[1] ?? 0) });
    } else {
      limit = p.cents;
    }
  } else {
    // a market order never rests: it takes what the book has, the rest is cancelled
    if (draft.tif === "day") error("tif", "market.rule.marketDay");
    if (!limits) error("price", "market.rule.noProtectivePrice");
  }

  // what the escrow needs
  if (quantityOk && funds && (draft.type === "market" || limit !== null)) {
    const escrow = escrowOf(draft, instrument);
    if (escrow && draft.side === "buy" && funds.coinCents !== null && escrow.coinCents > funds.coinCents) {
      error("quantity", "market.rule.coin", { need: money(escrow.coinCents), have: money(funds.coinCents) });
    }
    if (escrow && draft.side === "sell" && funds.allowances !== null && escrow.allowances > funds.allowances) {
      error("quantity", "market.rule.allowances", { need: escrow.allowances, have: funds.allowances });
    }
  }

  // what the visible book says about orders that do not rest
  const executable = draft.type === "market" || limit !== null;
  if (book && quantityOk && q && executable && (draft.tif === "fok" || draft.tif === "ioc")) {
    const available = fillableQuantity(book, draft.side, draft.type === "market" ? null : limit);
    if (draft.tif === "fok" && available < q) warn("tif", "market.rule.fokShort", { available, quantity: q });
    if (draft.tif === "ioc" && available === 0) warn("tif", "market.rule.iocNothing");
  }
  return issues;
}

/** The cents of a valid limit price, or null (market orders, invalid prices). */
export function priceCents(draft: OrderDraft): number | null {
  if (draft.type !== "limit") return null;
  const p = parsePrice(draft.price);
  return p.ok ? p.cents : null;
}

// -- negotiated (block) trades ------------------------------------------------------------

export interface BlockRules {
  tick: number;
  lot: number;
  block_min_quantity: number;
  block_band_bps: number;
  previous_close?: number | null;
}

export interface DealDraft {
  asSeller: boolean;
  counterparty?: number | null;
  /** the proposer's own organisation: never its own counterparty */
  self?: number | null;
  price?: string | null;
  quantity?: number | null;
}

export type DealField = "counterparty" | "price" | "quantity";

export interface DealIssue {
  field: DealField;
  key: MessageKey;
  vars?: Vars;
}

/**
 * The block band around the previous close, on the tick grid (the lower end rounded up,
 * the upper end down; never below one tick) — `carbonledger.market.instrument.band`.
 */
export function blockBand(previousClose: number, bps: number, tick: number): [number, number] {
  const low = Math.ceil((previousClose * (10_000 - bps)) / (tick * 10_000)) * tick;
  const high = Math.floor((previousClose * (10_000 + bps)) / (tick * 10_000)) * tick;
  return [Math.max(low, tick), high];
}

/** The rules of `carbonledger.market.negotiated.block_trade_problems`, at their fields. */
export function validateDeal(draft: DealDraft, instrument: BlockRules): DealIssue[] {
  const issues: DealIssue[] = [];
  const add = (field: DealField, key: MessageKey, vars?: Vars) => issues.push({ field, key, vars });
  const c = draft.counterparty;
  if (c === null || c === undefined) add("counterparty", "market.deal.counterpartyMissing");
  else if (!Number.isInteger(c) || c <= 0) add("counterparty", "market.deal.counterpartyBad");
  else if (draft.self !== null && draft.self !== undefined && c === draft.self) add("counterparty", "market.deal.self");

  const q = draft.quantity;
  if (q === null || q === undefined) add("quantity", "market.rule.quantityMissing");
  else if (!Number.isInteger(q) || q <= 0) add("quantity", "market.rule.quantityPositive");
  else if (q % instrument.lot !== 0) add("quantity", "market.rule.lot", { lot: instrument.lot });
  else if (q < instrument.block_min_quantity) add("quantity", "market.deal.minimum", { n: instrument.block_min_quantity });

  const p = parsePrice(draft.price);
  if (!p.ok) {
    add("price", p.reason === "decimals" ? "market.rule.priceDecimals" : p.reason === "missing" ? "market.rule.priceMissing" : p.reason === "positive" ? "market.rule.pricePositive" : "market.rule.priceFormat");
  } else if (p.cents % instrument.tick !== 0) {
    add("price", "market.rule.tick", { tick: money(instrument.tick) });
  } else if (instrument.previous_close === null || instrument.previous_close === undefined) {
    add("price", "market.deal.noReference");
  } else {
    const [low, high] = blockBand(instrument.previous_close, instrument.block_band_bps, instrument.tick);
    if (p.cents < low || p.cents > high) add("price", "market.deal.band", { low: money(low), high: money(high) });
  }
  return issues;
}
