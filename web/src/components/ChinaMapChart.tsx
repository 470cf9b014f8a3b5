/**
 * A choropleth on the operator's map of China (no map is bundled: a map of China shown in
 * China must be a reviewed standard map, which the platform serves when configured).
 */
import { useMemo } from "react";
import ReactEChartsCore from "echarts-for-react/lib/core";
import * as echarts from "echarts/core";
import { MapChart } from "echarts/charts";
import { TooltipComponent, VisualMapContinuousComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";
import type { EChartsOption } from "echarts";

echarts.use([MapChart, TooltipComponent, VisualMapContinuousComponent, SVGRenderer]);

/** the name the operator's map is registered under with ECharts */
export const CHINA_MAP = "carbonledger-china";

export interface ChoroplethDatum {
  /** the feature's `properties.region` */
  name: string;
  value: number;
}

export interface ChoroplethProps {
  geojson: object;
  data: ChoroplethDatum[];
  max: number;
  /** the tooltip of a province (plain text lines; escaped here) */
  tooltip: (region: string) => string[];
  /** the colour scale's end labels */
  scaleText: [string, string];
  colours: readonly [string, string];
  label: string;
  height?: number;
}

/** Register the map with ECharts (again when it is another object) and build the option. */
export function choroplethOption(p: Omit<ChoroplethProps, "label" | "height" | "geojson">): EChartsOption {
  return {
    tooltip: {
      trigger: "item",
      formatter: (params: unknown) => {
        const name = (params as { name?: string }).name ?? "";
        return name ? p.tooltip(name).map((line) => echarts.format.encodeHTML(line)).join("<br/>") : "";
      },
    },
    visualMap: {
      type: "continuous",
      min: 0,
      max: p.max,
      left: 8,
      bottom: 8,
      itemHeight: 90,
      calculable: false,
      text: p.scaleText,
      inRange: { color: [...p.colours] },
      // provinces without figures keep the map's own grey (outOfRange is not used for them)
    },
    series: [
      {
        type: "map",
        map: CHINA_MAP,
        nameProperty: "region",
        roam: false,
        selectedMode: false,
        label: { show: false },
        itemStyle: { areaColor: "#f0f0f0", borderColor: "#8c8c8c", borderWidth: 0.6 },
        emphasis: { label: { show: false }, itemStyle: { areaColor: "#ffd591" } },
        // features of the whole country (its outline, the South China Sea's dashed line)
        // are named "": drawn, but not a province to point at
        data: [...p.data, { name: "", silent: true }],
      },
    ],
  };
}

let registered: object | null = null;

export function registerChinaMap(geojson: object): void {
  if (registered === geojson) return;
  echarts.registerMap(CHINA_MAP, geojson as Parameters<typeof echarts.registerMap>[1]);
  registered = geojson;
}

export function ChinaMapChart({ geojson, label, height = 420, ...rest }: ChoroplethProps) {
  registerChinaMap(geojson);
  const { data, max, tooltip, scaleText, colours } = rest;
  const option = useMemo(() => choroplethOption({ data, max, tooltip, scaleText, colours }), [data, max, tooltip, scaleText, colours]);
  return (
    <div role="img" aria-label={label}>
      <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height, width: "100%" }} opts={{ renderer: "svg" }} />
    </div>
  );
}
