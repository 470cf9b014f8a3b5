import { describe, expect, it } from "vitest";
import { rank } from "./Statistics";

describe("rank", () => {
  it("sums published groups per dimension, largest first", () => {
    const groups = [
      { year: 2024, industry: "power", region: "CN-JS", enterprises: 3, confirmed_emissions_t: 900 },
      { year: 2024, industry: "power", region: "CN-AH", enterprises: 4, confirmed_emissions_t: 100 },
      { year: 2024, industry: "cement", region: "CN-AH", enterprises: 3, confirmed_emissions_t: 2000 },
    ];
    expect(rank(groups, "industry")).toEqual([
      { code: "cement", enterprises: 3, emissions: 2000 },
      { code: "power", enterprises: 7, emissions: 1000 },
    ]);
    expect(rank(groups, "region").map((r) => r.code)).toEqual(["CN-AH", "CN-JS"]);
  });
});
