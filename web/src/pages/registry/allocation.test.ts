import { describe, expect, it } from "vitest";
import { benchmarkRequest, checkBatch, figureFor, rowAmount, type BatchRow } from "./allocation";

describe("benchmarkRequest", () => {
  const unit = { id: "gt-1", category: "natural_gas" as const, power_mwh: 800000, heat_gj: 300000, cooling: 1, heat_supply: 0.95, load: 1 };
  it("uses supply and all three factors before 2023", () => {
    const r = benchmarkRequest({ enterprise: "Gas Co", year: 2020, units: [unit] });
    expect(r).toMatchObject({ schema: "carbonledger/allocation-request@1", method: "cn-ets-power-benchmark", year: 2020 });
    const [u] = r.units as Record<string, unknown>[];
    expect(u).toMatchObject({
      power_supplied: { value: "800000", unit: "MWh" },
      heat_supplied: { value: "300000", unit: "GJ" },
      correction_factors: { cooling: "1", heat_supply: "0.95", load: "1" },
    });
  });
  it("uses generation and drops the heat-supply factor from 2023", () => {
    const r = benchmarkRequest({ enterprise: "Gas Co", year: 2023, units: [{ ...unit, heat_gj: null, id: "" }] });
    const [u] = r.units as Record<string, unknown>[];
    expect(u).toHaveProperty("power_generated");
    expect(u).not.toHaveProperty("power_supplied");
    expect(u).not.toHaveProperty("heat_supplied");
    expect(u?.correction_factors).toEqual({ cooling: "1", load: "1" });
    expect(u?.id).toBe("unit-1");
  });
});

describe("batches", () => {
  const figures = { allowances: 315620, pre_allocation: 207074, true_up: null };
  it("allocate the engine's figure for the batch's kind", () => {
    expect(figureFor("free", figures)).toBe(315620);
    expect(figureFor("pre", figures)).toBe(207074);
    expect(figureFor("true-up", figures)).toBeNull();
    expect(rowAmount("pre", { key: "a", org_id: 1, request: {}, figures, year: 2020 })).toBe(207074);
    expect(rowAmount("free", { key: "b", org_id: 2, amount: 500 })).toBe(500);
  });
  it("refuse empty, duplicate, unnamed and mismatched rows", () => {
    expect(checkBatch(2020, "free", [])).toEqual([{ row: -1, problem: "noRows" }]);
    const rows: BatchRow[] = [
      { key: "a", org_id: 5, amount: 100 },
      { key: "b", org_id: 5, amount: 100 },
      { key: "c", amount: 100 },
      { key: "d", org_id: 6, amount: 1.5 },
      { key: "e", org_id: 7, request: {}, figures, year: 2021 },
      { key: "f", org_id: 8, request: {}, figures, year: 2020 },
    ];
    expect(checkBatch(2020, "true-up", rows)).toEqual([
      { row: 1, problem: "duplicate" },
      { row: 2, problem: "noOrganisation" },
      { row: 3, problem: "noAmount" },
      { row: 4, problem: "yearMismatch" },
      { row: 5, problem: "noFigure" },
    ]);
    expect(checkBatch(2020, "free", [rows[0] as BatchRow, rows[5] as BatchRow])).toEqual([]);
  });
});
