import { describe, expect, it } from "vitest";
import { checkCoin, checkReference, MAX_CENTS, toCents } from "./money";

describe("finance amounts", () => {
  it("turns coin into cents", () => {
    expect(toCents(12.34)).toBe(1234);
    expect(toCents(0.1 + 0.2)).toBe(30);
    expect(toCents(10)).toBe(1000);
    expect(toCents(1.005)).toBeNull();
  });
  it("refuses what the API would refuse", () => {
    expect(checkCoin(undefined)).toBe("required");
    expect(checkCoin(null)).toBe("required");
    expect(checkCoin(0)).toBe("positive");
    expect(checkCoin(-5)).toBe("positive");
    expect(checkCoin(1.234)).toBe("cents");
    expect(checkCoin(MAX_CENTS / 100 + 1)).toBe("tooLarge");
    expect(checkCoin(MAX_CENTS / 100)).toBeNull();
    expect(checkCoin(0.01)).toBeNull();
  });
  it("checks the payment reference", () => {
    expect(checkReference("  ")).toBe("required");
    expect(checkReference("x".repeat(33))).toBe("tooLong");
    expect(checkReference("CNAPS-1")).toBeNull();
  });
});
