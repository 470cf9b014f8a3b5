import { describe, expect, it } from "vitest";
import { standingSeries } from "./ComplianceOverview";

describe("the standing charts' series", () => {
  it("takes the server's counts per group, groups in order, one series per standing", () => {
    const { groups, counts } = standingSeries([
      { group: "steel", enterprises: 3, compliant: 1, pending: 0, deficit: 2 },
      { group: "cement", enterprises: 250, compliant: 200, pending: 40, deficit: 10 },
    ]);
    expect(groups).toEqual(["cement", "steel"]);
    expect(counts).toEqual({ compliant: [200, 1], pending: [40, 0], deficit: [10, 2] });
  });

  it("is empty without groups", () => {
    expect(standingSeries([])).toEqual({ groups: [], counts: { compliant: [], pending: [], deficit: [] } });
  });
});
