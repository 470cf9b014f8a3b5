import { describe, expect, it } from "vitest";
import { intensity, joinToMap, metricValue, scaleMax, type ChinaMap, type ProvinceFigures } from "./provinces";

const square = { type: "Polygon", coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] };
const feature = (region: string, adcode: string) => ({ type: "Feature" as const, properties: { region, adcode, name: "", name_en: "" }, geometry: square });

const MAP: ChinaMap = {
  type: "FeatureCollection",
  attribution: "SYNTHETIC TEST DATA — not a map",
  features: [feature("CN-BJ", "110000"), feature("CN-HE", "130000"), feature("CN-TW", "710000"), feature("", "100000_JD")],
};

const fig = (region: string, enterprises: number, deficit: number, obligation = 0, gap = 0, province = true): ProvinceFigures => ({
  region,
  province,
  enterprises,
  compliant: enterprises - deficit,
  pending: 0,
  deficit,
  obligation,
  gap,
});

describe("province figures on the map", () => {
  it("measure each province by the chosen metric", () => {
    const f = fig("CN-BJ", 4, 1, 1200, 300);
    expect(metricValue(f, "deficitShare")).toBe(0.25);
    expect(metricValue(f, "enterprises")).toBe(4);
    expect(metricValue(f, "obligation")).toBe(1200);
    expect(metricValue(f, "gap")).toBe(300);
    expect(metricValue(fig("CN-BJ", 0, 0), "deficitShare")).toBe(0);
  });

  it("join by region code, keeping what the map does not show apart", () => {
    const figures = [fig("CN-BJ", 2, 1, 500, 100), fig("CN-HE", 3, 0, 900, 0), fig("CN-SH", 1, 1, 50, 50), fig("US-CA", 1, 0, 10, 0, false)];
    const joined = joinToMap(figures, MAP, "obligation");
    expect(joined.regions).toEqual(["CN-BJ", "CN-HE", "CN-TW"]);
    expect(joined.data.map(({ name, value }) => [name, value])).toEqual([
      ["CN-BJ", 500],
      ["CN-HE", 900],
    ]);
    expect(joined.offMap.map((f) => f.region)).toEqual(["CN-SH", "US-CA"]);
    expect(joined.max).toBe(900);
    expect(joinToMap(figures, MAP, "deficitShare").data.map((d) => d.value)).toEqual([0.5, 0]);
  });

  it("scale a share to 1 and counts to their largest, never below 1", () => {
    expect(scaleMax([0.2, 0.5], "deficitShare")).toBe(1);
    expect(scaleMax([], "gap")).toBe(1);
    expect(scaleMax([3, 7], "enterprises")).toBe(7);
    expect(intensity(7, 7)).toBe(1);
    expect(intensity(0, 7)).toBe(0);
    expect(intensity(9, 7)).toBe(1);
  });
});
