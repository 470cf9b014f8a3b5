import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { render, waitFor } from "@testing-library/react";
import * as echarts from "echarts/core";
import { CHINA_MAP, ChinaMapChart, choroplethOption } from "./ChinaMapChart";

const square = (x: number) => ({ type: "Polygon", coordinates: [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]] });
const MAP = {
  type: "FeatureCollection",
  attribution: "SYNTHETIC TEST DATA — not a map",
  features: [
    { type: "Feature", properties: { region: "CN-BJ", adcode: "110000", name: "北京市", name_en: "Beijing" }, geometry: square(0) },
    { type: "Feature", properties: { region: "CN-HE", adcode: "130000", name: "河北省", name_en: "Hebei" }, geometry: square(2) },
    { type: "Feature", properties: { region: "", adcode: "100000_JD", name: "", name_en: "" }, geometry: square(4) },
  ],
};

// jsdom lays nothing out: give the chart's box a size so ECharts draws into it; and it has
// no canvas (zrender then estimates text widths itself, without jsdom's "not implemented")
const sizes = ["clientWidth", "clientHeight"] as const;
const { getContext } = Object.getOwnPropertyDescriptors(HTMLCanvasElement.prototype);
beforeEach(() => {
  for (const name of sizes) Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get: () => 400 });
  Object.defineProperty(HTMLCanvasElement.prototype, "getContext", { configurable: true, value: () => null });
});
afterEach(() => {
  for (const name of sizes) delete (HTMLElement.prototype as unknown as Record<string, unknown>)[name];
  if (getContext) Object.defineProperty(HTMLCanvasElement.prototype, "getContext", getContext);
});

describe("the choropleth", () => {
  it("registers the operator's map with ECharts and names its regions by region code", async () => {
    const { container } = render(
      <ChinaMapChart geojson={MAP} data={[{ name: "CN-BJ", value: 3 }]} max={3} tooltip={(r) => [r]} scaleText={["3", "0"]} colours={["#fff", "#d4380d"]} label="map" />,
    );
    expect(container.querySelector('[role="img"][aria-label="map"]')).not.toBeNull();
    // one path a feature, in the map's order, then the colour scale's
    await waitFor(() => expect(container.querySelectorAll("path").length).toBeGreaterThanOrEqual(3));
    const fills = [...container.querySelectorAll("path")].map((p) => p.getAttribute("fill"));
    // Beijing at the top of the scale; Hebei (no figure) and the country-wide feature grey
    expect(fills.slice(0, 3)).toEqual(["rgb(212,56,13)", "#f0f0f0", "#f0f0f0"]);
    const registered = echarts.getMap(CHINA_MAP) as unknown as { geoJSON?: unknown; geoJson?: unknown } | undefined;
    expect(registered?.geoJSON ?? registered?.geoJson).toEqual(MAP);
  });

  it("colours by the data on a 0…max scale; the tooltip's lines are escaped, a country-wide feature is silent", () => {
    const option = choroplethOption({
      data: [{ name: "CN-BJ", value: 0.5 }],
      max: 1,
      tooltip: (region) => [region === "CN-BJ" ? "Beijing <b>" : region, "1 of 2 short"],
      scaleText: ["100%", "0%"],
      colours: ["#fbe9e3", "#d4380d"],
    }) as { tooltip: { formatter: (p: unknown) => string }; visualMap: { min: number; max: number; text: string[] }; series: { nameProperty: string; map: string; data: unknown[] }[] };
    expect(option.series[0]?.map).toBe(CHINA_MAP);
    expect(option.series[0]?.nameProperty).toBe("region");
    expect(option.series[0]?.data).toEqual([{ name: "CN-BJ", value: 0.5 }, { name: "", silent: true }]);
    expect([option.visualMap.min, option.visualMap.max, option.visualMap.text]).toEqual([0, 1, ["100%", "0%"]]);
    expect(option.tooltip.formatter({ name: "CN-BJ" })).toBe("Beijing &lt;b&gt;<br/>1 of 2 short");
    expect(option.tooltip.formatter({ name: "" })).toBe("");
  });
});
