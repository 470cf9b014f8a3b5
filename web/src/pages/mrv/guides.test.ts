import { describe, expect, it } from "vitest";
import { filterDefaults } from "./Guides";
import type { Schemas } from "../../api/client";

const row = (key: string, material: string | null, label_zh: string, label_en: string): Schemas["GuideDefault"] => ({
  parameter: key.split(".").pop() ?? "",
  material,
  key,
  value: "1",
  unit: "GJ/t",
  label_zh,
  label_en,
  document: "doc",
  table: "t",
  status: "official",
  note: "",
});

describe("finding default factors", () => {
  const rows = [
    row("fuel.bituminous_coal.ncv", "bituminous_coal", "烟煤 低位发热量", "bituminous coal net calorific value"),
    row("fuel.diesel.ncv", "diesel", "柴油 低位发热量", "diesel net calorific value"),
    row("heat.ef", null, "热力排放因子", "heat emission factor"),
  ];
  it("matches the material, the key or either label, in any case", () => {
    expect(filterDefaults(rows, "Bituminous").map((r) => r.key)).toEqual(["fuel.bituminous_coal.ncv"]);
    expect(filterDefaults(rows, "柴油").map((r) => r.key)).toEqual(["fuel.diesel.ncv"]);
    expect(filterDefaults(rows, "heat.ef").map((r) => r.key)).toEqual(["heat.ef"]);
    expect(filterDefaults(rows, "calorific")).toHaveLength(2);
  });
  it("shows everything for an empty query and nothing for an unknown one", () => {
    expect(filterDefaults(rows, "  ")).toHaveLength(3);
    expect(filterDefaults(rows, "uranium")).toEqual([]);
  });
});
