import { describe, expect, it } from "vitest";
import { allowanceHolding, allowancesHeld, available, blockAvailable, checkAmount, coinHolding, checkSurrender, offsetRoom, remainingGap, standing, type Balances, type ComplianceStatus } from "./amounts";

const balances: Balances = {
  org_id: 7,
  address: "0x0000000000000000000000000000000000000007",
  allowances: [
    { vintage: 2024, balance: 1000, escrowed: 300 },
    { vintage: 2025, balance: 50, escrowed: 0 },
  ],
  offsets: [
    { block_id: 3, owner_org_id: 7, project: 1, vintage: 2024, first_serial: 1, last_serial: 80, amount: 80, state: "held" },
    { block_id: 4, owner_org_id: 7, project: 1, vintage: 2024, first_serial: 81, last_serial: 90, amount: 10, state: "retired" },
  ],
  coin_cents: 250_000,
  coin_locked_cents: 75_000,
  indexed_block: 12,
};

const status = (patch: Partial<ComplianceStatus> = {}): ComplianceStatus => ({
  org_id: 7,
  year: 2024,
  obligation: 1000,
  surrendered_allowances: 0,
  surrendered_offsets: 0,
  offset_cap: 50,
  offset_cap_bps: 500,
  gap: 1000,
  status: "pending",
  deadline: null,
  penalties_cents: 0,
  ...patch,
});

describe("what can move", () => {
  it("is the balance per vintage: escrowed allowances have already left it", () => {
    expect(available(balances, 2024)).toBe(1000);
    expect(available(balances, 2025)).toBe(50);
    expect(available(balances, 2030)).toBe(0);
    expect(available(undefined, 2024)).toBe(0);
  });
  it("and what orders lock are apart: holdings are both together", () => {
    expect(allowanceHolding({ vintage: 2024, balance: 1000, escrowed: 300 })).toEqual({ available: 1000, locked: 300, total: 1300 });
    expect(allowancesHeld(balances)).toBe(1350);
    expect(allowancesHeld(undefined)).toBe(0);
    expect(coinHolding(balances)).toEqual({ available: 250_000, locked: 75_000, total: 325_000 });
    expect(coinHolding({ ...balances, coin_locked_cents: 0 }).total).toBe(250_000);
  });
  it("counts only offset blocks still held", () => {
    expect(blockAvailable(balances, 3)).toBe(80);
    expect(blockAvailable(balances, 4)).toBe(0);
    expect(blockAvailable(balances, 99)).toBe(0);
  });
});

describe("checkAmount", () => {
  it("wants a whole positive number of tonnes within the balance", () => {
    expect(checkAmount(undefined, 700)).toBe("required");
    expect(checkAmount(null, 700)).toBe("required");
    expect(checkAmount(1.5, 700)).toBe("whole");
    expect(checkAmount(0, 700)).toBe("positive");
    expect(checkAmount(-3, 700)).toBe("positive");
    expect(checkAmount(701, 700)).toBe("exceedsBalance");
    expect(checkAmount(700, 700)).toBeNull();
    expect(checkAmount(1, 0)).toBe("exceedsBalance");
  });
});

describe("surrenders", () => {
  it("stop at the remaining obligation", () => {
    const s = status({ surrendered_allowances: 600, gap: 400 });
    expect(remainingGap(s)).toBe(400);
    expect(checkSurrender(401, 700, s, "allowances")).toBe("exceedsGap");
    expect(checkSurrender(400, 700, s, "allowances")).toBeNull();
    expect(checkSurrender(800, 700, s, "allowances")).toBe("exceedsBalance");
  });
  it("count offsets only up to the cap, less those already surrendered", () => {
    const s = status({ surrendered_offsets: 20 });
    expect(offsetRoom(s)).toBe(30);
    expect(checkSurrender(31, 80, s, "offsets")).toBe("exceedsCap");
    expect(checkSurrender(30, 80, s, "offsets")).toBeNull();
  });
  it("refuse anything when there is no obligation", () => {
    const none = status({ obligation: 0, gap: 0, offset_cap: 0 });
    expect(checkSurrender(1, 700, none, "allowances")).toBe("exceedsGap");
    expect(checkSurrender(1, 80, none, "offsets")).toBe("exceedsCap");
  });
});

describe("standing", () => {
  it("names the year's state, a penalised deficit apart", () => {
    expect(standing(undefined)).toBe("none");
    expect(standing(status({ obligation: 0 }))).toBe("none");
    expect(standing(status())).toBe("pending");
    expect(standing(status({ status: "compliant" }))).toBe("compliant");
    expect(standing(status({ status: "deficit" }))).toBe("deficit");
    expect(standing(status({ status: "deficit", penalties_cents: 100 }))).toBe("penalised");
  });
});
