/**
 * Carbon coin amounts as a finance institution types them (coin, up to two decimals; 1 coin
 * = 1 CNY) and as the API takes them (whole cents, more than 0, at most 10^15).
 */
export const MAX_CENTS = 10 ** 15;

export type MoneyProblem = "required" | "positive" | "cents" | "tooLarge";

/** Cents of an amount in coin, or null when it has more than two decimals. */
export function toCents(coin: number): number | null {
  const cents = Math.round(coin * 100);
  return Math.abs(cents - coin * 100) < 1e-6 ? cents : null;
}

/** Why an amount in coin is refused (message `rest.finance.amount.<reason>`), or null. */
export function checkCoin(coin: number | null | undefined): MoneyProblem | null {
  if (coin === null || coin === undefined || Number.isNaN(coin)) return "required";
  if (coin <= 0) return "positive";
  const cents = toCents(coin);
  if (cents === null) return "cents";
  if (cents > MAX_CENTS) return "tooLarge";
  return null;
}

/** A fiat payment reference: 1 to 32 characters after trimming. */
export function checkReference(ref: string | null | undefined): "required" | "tooLong" | null {
  const v = (ref ?? "").trim();
  if (!v) return "required";
  if (v.length > 32) return "tooLong";
  return null;
}
