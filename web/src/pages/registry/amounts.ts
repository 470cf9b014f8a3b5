/**
 * Validation of the amounts a holder moves (transfers, surrenders, retirements) against
 * what it holds, before anything is sent: the API checks again and its answer is shown at
 * the field, but a form should not offer what cannot succeed.
 */
import type { Schemas } from "../../api/client";

export type Balances = Schemas["Balances"];
export type VintageBalance = Schemas["VintageBalance"];
export type OffsetBlock = Schemas["OffsetBlockOut"];
export type ComplianceStatus = Schemas["StatusOut"];

/** Why an amount is refused (each has a message `registry.amount.<reason>`), or null. */
export type AmountProblem = "required" | "whole" | "positive" | "exceedsBalance" | "exceedsGap" | "exceedsCap";

/**
 * Allowances of a vintage that can move now: the balance. What open sell orders escrow has
 * already left it for the Settlement contract (shown apart as `escrowed`).
 */
export function available(balances: Balances | undefined, vintage: number | undefined): number {
  if (!balances || vintage === undefined) return 0;
  return balances.allowances.find((a) => a.vintage === vintage)?.balance ?? 0;
}

/** What is held, split into what can move now and what open orders lock on chain. */
export interface Holding {
  available: number;
  locked: number;
  total: number;
}

/** Allowances of one vintage [t]: free, escrowed by sell orders and auction offers, together. */
export function allowanceHolding(row: VintageBalance): Holding {
  return { available: row.balance, locked: row.escrowed, total: row.balance + row.escrowed };
}

/** Carbon coin [cents]: free, locked by open buy orders and auction bids, together. */
export function coinHolding(balances: Balances): Holding {
  return { available: balances.coin_cents, locked: balances.coin_locked_cents, total: balances.coin_cents + balances.coin_locked_cents };
}

/** Allowances of every vintage together [t], escrowed ones included. */
export function allowancesHeld(balances: Balances | undefined): number {
  return (balances?.allowances ?? []).reduce((sum, a) => sum + allowanceHolding(a).total, 0);
}

/** Credits of an offset block the holder may still move (blocks held, not retired or surrendered). */
export function blockAvailable(balances: Balances | undefined, blockId: number | undefined): number {
  if (!balances || blockId === undefined) return 0;
  const block = balances.offsets.find((b) => b.block_id === blockId);
  return block && block.state === "held" ? block.amount : 0;
}

/** An amount of whole tonnes against what is held. */
export function checkAmount(amount: number | null | undefined, held: number): AmountProblem | null {
  if (amount === null || amount === undefined || Number.isNaN(amount)) return "required";
  if (!Number.isInteger(amount)) return "whole";
  if (amount <= 0) return "positive";
  if (amount > held) return "exceedsBalance";
  return null;
}

/** What is still to surrender for a year: the obligation less what is surrendered. */
export function remainingGap(status: ComplianceStatus | undefined): number {
  if (!status) return 0;
  return Math.max(0, status.obligation - status.surrendered_allowances - status.surrendered_offsets);
}

/** How many more offset credits count toward the year (the offset cap less those surrendered). */
export function offsetRoom(status: ComplianceStatus | undefined): number {
  if (!status) return 0;
  return Math.max(0, Math.min(status.offset_cap - status.surrendered_offsets, remainingGap(status)));
}

/** A surrender: within the balance, and not beyond what the year still needs. */
export function checkSurrender(
  amount: number | null | undefined,
  held: number,
  status: ComplianceStatus | undefined,
  what: "allowances" | "offsets",
): AmountProblem | null {
  const basic = checkAmount(amount, held);
  if (basic) return basic;
  const value = amount as number;
  if (what === "offsets" && value > offsetRoom(status)) return "exceedsCap";
  if (value > remainingGap(status)) return "exceedsGap";
  return null;
}

/** Status of a year as the screens show it: a recorded penalty marks a deficit penalised. */
export type Standing = "compliant" | "pending" | "deficit" | "penalised" | "none";

export function standing(status: ComplianceStatus | undefined): Standing {
  if (!status || status.obligation === 0) return "none";
  if (status.status === "deficit" && status.penalties_cents > 0) return "penalised";
  if (status.status === "compliant" || status.status === "deficit" || status.status === "pending") return status.status;
  return "pending";
}
