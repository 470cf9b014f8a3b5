/**
 * The compliance overview by province: the figures (`GET /compliance/overview/provinces`,
 * keyed by region code), the metric a map or tile grid colours by, and the join with the
 * operator's map (`GET /public/map/china`, whose features carry `properties.region`).
 */
import type { Schemas } from "../../api/client";

export type ProvinceFigures = Schemas["ProvinceFigures"];
export type ChinaMap = Schemas["ChinaMapOut"];

export const METRICS = ["deficitShare", "enterprises", "obligation", "gap"] as const;
export type Metric = (typeof METRICS)[number];

/** The metric's value for one province; the deficit share is 0…1. */
export function metricValue(f: ProvinceFigures, metric: Metric): number {
  switch (metric) {
    case "deficitShare":
      return f.enterprises > 0 ? f.deficit / f.enterprises : 0;
    case "enterprises":
      return f.enterprises;
    case "obligation":
      return f.obligation;
    case "gap":
      return f.gap;
  }
}

export interface MapDatum {
  /** the region code, as the map's features are named (`nameProperty: "region"`) */
  name: string;
  value: number;
  figures: ProvinceFigures;
}

export interface Joined {
  /** one datum per province on the map that has figures */
  data: MapDatum[];
  /** the map's province codes, in its order */
  regions: string[];
  /** figures no feature of the map shows (regions outside China, or missing from the map) */
  offMap: ProvinceFigures[];
  /** the largest value, for the colour scale (at least 1 for counts, exactly 1 for a share) */
  max: number;
}

/** Join the figures to the map's provinces by region code. */
export function joinToMap(figures: ProvinceFigures[], map: ChinaMap, metric: Metric): Joined {
  const regions = map.features.map((f) => f.properties.region).filter((r) => r !== "");
  const onMap = new Set(regions);
  const data = figures.filter((f) => onMap.has(f.region)).map((f) => ({ name: f.region, value: metricValue(f, metric), figures: f }));
  const offMap = figures.filter((f) => !onMap.has(f.region));
  return { data, regions, offMap, max: scaleMax(data.map((d) => d.value), metric) };
}

export function scaleMax(values: number[], metric: Metric): number {
  return metric === "deficitShare" ? 1 : Math.max(1, ...values);
}

/** Where a value sits on the colour scale, 0…1. */
export function intensity(value: number, max: number): number {
  return max > 0 ? Math.min(1, Math.max(0, value / max)) : 0;
}

/** The colour scale of every metric: pale to the overview's deficit red. */
export const SCALE = ["#fbe9e3", "#d4380d"] as const;
