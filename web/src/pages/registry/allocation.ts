/** The benchmark calculator's form as an engine request, and a batch's figures. */

export const CATEGORIES = ["coal_conventional_above_300mw", "coal_conventional_300mw_and_below", "coal_unconventional", "natural_gas"] as const;
export type Category = (typeof CATEGORIES)[number];

export interface UnitInput {
  id: string;
  category: Category;
  power_mwh: number;
  heat_gj?: number | null;
  cooling: number;
  heat_supply?: number | null;
  load: number;
}

export interface CalculatorInput {
  enterprise: string;
  year: number;
  units: UnitInput[];
}

const dec = (n: number) => String(n);

/**
 * An allocation request (`carbonledger/allocation-request@1`) for the national ETS power
 * benchmark method. From 2023 the plan allocates on generation and drops the heat-supply
 * factor; before, on supply with all three factors.
 */
export function benchmarkRequest(input: CalculatorInput): Record<string, unknown> {
  const generation = input.year >= 2023;
  return {
    schema: "carbonledger/allocation-request@1",
    enterprise: { name: input.enterprise },
    year: input.year,
    method: "cn-ets-power-benchmark",
    units: input.units.map((u, i) => {
      const factors: Record<string, string> = { cooling: dec(u.cooling), load: dec(u.load) };
      if (!generation) factors.heat_supply = dec(u.heat_supply ?? 1);
      const unit: Record<string, unknown> = {
        id: u.id || `unit-${i + 1}`,
        category: u.category,
        [generation ? "power_generated" : "power_supplied"]: { value: dec(u.power_mwh), unit: "MWh" },
        correction_factors: factors,
      };
      if (u.heat_gj) unit.heat_supplied = { value: dec(u.heat_gj), unit: "GJ" };
      return unit;
    }),
  };
}

export type BatchKind = "free" | "pre" | "true-up";

export interface EngineFigures {
  allowances: number;
  pre_allocation: number | null;
  true_up: number | null;
}

/** The engine's figure a batch of `kind` allocates (as the API does), or null when it has none. */
export function figureFor(kind: BatchKind, f: EngineFigures): number | null {
  if (kind === "free") return f.allowances;
  if (kind === "pre") return f.pre_allocation;
  return f.true_up;
}

export interface BatchRow {
  key: string;
  org_id?: number;
  amount?: number | null;
  request?: Record<string, unknown>;
  figures?: EngineFigures;
  year?: number;
}

export type BatchProblem = "noRows" | "noOrganisation" | "duplicate" | "noAmount" | "yearMismatch" | "noFigure";

/** Why a batch cannot be sent as it stands (row index and reason), else an empty list. */
export function checkBatch(vintage: number | null | undefined, kind: BatchKind, rows: BatchRow[]): { row: number; problem: BatchProblem }[] {
  if (rows.length === 0) return [{ row: -1, problem: "noRows" }];
  const out: { row: number; problem: BatchProblem }[] = [];
  const seen = new Set<number>();
  rows.forEach((r, i) => {
    if (!r.org_id) out.push({ row: i, problem: "noOrganisation" });
    else if (seen.has(r.org_id)) out.push({ row: i, problem: "duplicate" });
    else seen.add(r.org_id);
    if (r.request) {
      if (r.year !== vintage) out.push({ row: i, problem: "yearMismatch" });
      else if (r.figures && !figureFor(kind, r.figures)) out.push({ row: i, problem: "noFigure" });
    } else if (!r.amount || r.amount <= 0 || !Number.isInteger(r.amount)) out.push({ row: i, problem: "noAmount" });
  });
  return out;
}

/** The tonnes a row allocates: its amount, or the engine's figure for the batch's kind. */
export function rowAmount(kind: BatchKind, r: BatchRow): number {
  if (r.request) return r.figures ? (figureFor(kind, r.figures) ?? 0) : 0;
  return r.amount ?? 0;
}
