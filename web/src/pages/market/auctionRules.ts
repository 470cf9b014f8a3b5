/**
 * The rules of an auction's offer and of a bid, checked in the browser before anything is
 * escrowed: what `carbonledger.market.auction.validate` and the escrow refuse (whole
 * lots, prices on the tick, enough allowances or coin) plus what a bidder should know
 * (a bid below the reserve is never filled; more than is offered cannot all be filled).
 * Prices are typed as coin with at most two decimals and become integer cents.
 */
import type { Vars } from "../../i18n";
import type { MessageKey } from "../../i18n/zh-CN";
import { centsToText, parsePrice, type ParsedPrice } from "./orderRules";

export interface LotAndTick {
  lot: number;
  tick: number;
}

export interface AuctionDraft {
  instrument?: string | null;
  quantity?: number | null;
  /** the reserve as typed, in coin per tonne */
  reserve?: string | null;
}

export interface BidDraft {
  price?: string | null;
  quantity?: number | null;
}

export type AuctionField = "instrument" | "quantity" | "reserve";
export type BidField = "price" | "quantity";

export interface RuleIssue<F extends string> {
  field: F;
  level: "error" | "warning";
  key: MessageKey;
  vars?: Vars;
}

const PRICE_KEYS: Record<Exclude<ParsedPrice, { ok: true }>["reason"], MessageKey> = {
  missing: "auction.rule.priceMissing",
  format: "market.rule.priceFormat",
  decimals: "market.rule.priceDecimals",
  positive: "market.rule.pricePositive",
};

function quantityKey(q: number | null | undefined, lot: number): { key: MessageKey; vars?: Vars } | null {
  if (q === null || q === undefined) return { key: "market.rule.quantityMissing" };
  if (!Number.isInteger(q) || q <= 0) return { key: "market.rule.quantityPositive" };
  if (q % lot !== 0) return { key: "market.rule.lot", vars: { lot } };
  return null;
}

/** A price in cents on the tick, or the issue with it. */
function priceOf(text: string | null | undefined, tick: number): { cents: number } | { key: MessageKey; vars?: Vars } {
  const p = parsePrice(text);
  if (!p.ok) return { key: PRICE_KEYS[p.reason] };
  if (p.cents % tick !== 0) return { key: "market.rule.tick", vars: { tick: centsToText(tick) } };
  return { cents: p.cents };
}

/**
 * Every problem of an auction to open. `instrument` is the chosen instrument's rules
 * (undefined: none chosen); `allowances` what the seller holds of its vintage, free of
 * escrow (null: not known).
 */
export function validateAuction(
  draft: AuctionDraft,
  instrument: LotAndTick | undefined,
  allowances: number | null,
): RuleIssue<AuctionField>[] {
  const issues: RuleIssue<AuctionField>[] = [];
  const error = (field: AuctionField, key: MessageKey, vars?: Vars) => issues.push({ field, level: "error", key, vars });
  if (!draft.instrument || !instrument) {
    error("instrument", "auction.rule.instrumentMissing");
    return issues;
  }
  const q = quantityKey(draft.quantity, instrument.lot);
  if (q) error("quantity", q.key, q.vars);
  else if (allowances !== null && (draft.quantity ?? 0) > allowances) {
    error("quantity", "auction.rule.allowances", { need: draft.quantity ?? 0, have: allowances });
  }
  const reserve = priceOf(draft.reserve, instrument.tick);
  if ("key" in reserve) error("reserve", reserve.key, reserve.vars);
  return issues;
}

/**
 * Every problem of a bid: errors stop it, warnings (below the reserve, more than is
 * offered) let it go. `coinCents` is the bidder's coin free of escrow (null: not known).
 */
export function validateBid(
  draft: BidDraft,
  auction: { quantity: number; reserve: number },
  instrument: LotAndTick,
  coinCents: number | null,
): RuleIssue<BidField>[] {
  const issues: RuleIssue<BidField>[] = [];
  const add = (level: "error" | "warning", field: BidField, key: MessageKey, vars?: Vars) => issues.push({ field, level, key, vars });
  const q = quantityKey(draft.quantity, instrument.lot);
  if (q) add("error", "quantity", q.key, q.vars);
  const price = priceOf(draft.price, instrument.tick);
  if ("key" in price) {
    add("error", "price", price.key, price.vars);
    return issues;
  }
  if (price.cents < auction.reserve) add("warning", "price", "auction.rule.belowReserve", { reserve: centsToText(auction.reserve) });
  if (!q) {
    const quantity = draft.quantity ?? 0;
    const escrow = quantity * price.cents;
    if (coinCents !== null && escrow > coinCents) {
      add("error", "quantity", "auction.rule.coin", { need: centsToText(escrow), have: centsToText(coinCents) });
    } else if (quantity > auction.quantity) {
      add("warning", "quantity", "auction.rule.moreThanOffered", { n: auction.quantity });
    }
  }
  return issues;
}

/** What a bid escrows, in cents (null while the draft is incomplete or invalid). */
export function bidEscrow(draft: BidDraft): number | null {
  const p = parsePrice(draft.price);
  const q = draft.quantity;
  if (!p.ok || !q || !Number.isInteger(q) || q <= 0) return null;
  return p.cents * q;
}
