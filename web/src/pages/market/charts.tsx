/** The market's charts: order-book depth (cumulative bids and asks) and daily candles with volume. */
import * as echarts from "echarts/core";
import { CandlestickChart } from "echarts/charts";
import { DataZoomComponent, LegendComponent } from "echarts/components";
import { Empty } from "antd";
import { Chart } from "../../components/Chart";
import { useI18n } from "../../i18n";
import type { Schemas } from "../../api/client";
import type { DepthLevels } from "./live";

echarts.use([CandlestickChart, DataZoomComponent, LegendComponent]);

/** Chinese markets show rises in red and falls in green; elsewhere the other way round. */
export function useMarketColours() {
  const { locale } = useI18n();
  const red = "#d4380d";
  const green = "#389e0d";
  return locale === "zh-CN" ? { up: red, down: green, bid: red, ask: green } : { up: green, down: red, bid: green, ask: red };
}

/** Cumulative quantity from the best price outwards: [[price, cumulative], ...]. */
export function cumulative(levels: number[][]): [number, number][] {
  let total = 0;
  return levels.map(([price = 0, quantity = 0]) => {
    total += quantity;
    return [price / 100, total];
  });
}

export function DepthChart({ depth, height = 240 }: { depth: DepthLevels | null; height?: number }) {
  const { t } = useI18n();
  const colours = useMarketColours();
  if (!depth || (depth.bids.length === 0 && depth.asks.length === 0)) {
    return <Empty description={t("market.depthEmpty")} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  }
  const bids = cumulative(depth.bids).reverse();
  const asks = cumulative(depth.asks);
  return (
    <Chart
      label={t("market.depthChart")}
      height={height}
      option={{
        animation: false,
        grid: { left: 56, right: 16, top: 28, bottom: 28 },
        legend: { top: 0, data: [t("market.bids"), t("market.asks")] },
        tooltip: { trigger: "axis" },
        xAxis: { type: "value", scale: true, name: t("market.priceUnit"), nameLocation: "middle", nameGap: 22 },
        yAxis: { type: "value", minInterval: 1, name: t("market.tonnes") },
        series: [
          {
            name: t("market.bids"),
            type: "line",
            step: "end",
            symbol: "none",
            data: bids,
            lineStyle: { color: colours.bid },
            itemStyle: { color: colours.bid },
            areaStyle: { color: colours.bid, opacity: 0.2 },
          },
          {
            name: t("market.asks"),
            type: "line",
            step: "start",
            symbol: "none",
            data: asks,
            lineStyle: { color: colours.ask },
            itemStyle: { color: colours.ask },
            areaStyle: { color: colours.ask, opacity: 0.2 },
          },
        ],
      }}
    />
  );
}

/** Negotiated (block) volume in the charts: neither rise nor fall colour. */
const NEGOTIATED_COLOUR = "#d4b106";

/** A candle's [open, close, low, high] in yuan, or null on a day without price-forming trades. */
export function candlePrices(c: Schemas["Candle"]): [number, number, number, number] | null {
  if (c.open === null || c.close === null || c.low === null || c.high === null) return null;
  return [c.open / 100, c.close / 100, c.low / 100, c.high / 100];
}

export function CandleChart({ candles, height = 300 }: { candles: Schemas["Candle"][] | undefined; height?: number }) {
  const { t } = useI18n();
  const colours = useMarketColours();
  if (!candles || candles.length === 0) {
    return <Empty description={t("market.candlesEmpty")} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  }
  const days = candles.map((c) => c.day);
  return (
    <Chart
      label={t("market.priceChart")}
      height={height}
      option={{
        animation: false,
        tooltip: { trigger: "axis", axisPointer: { type: "cross" } },
        legend: { top: 0, data: [t("market.dailyPrice"), t("market.volume"), t("market.negotiatedVolumeLegend")] },
        grid: [
          { left: 56, right: 16, top: 28, height: "52%" },
          { left: 56, right: 16, top: "72%", height: "18%" },
        ],
        xAxis: [
          { type: "category", data: days, boundaryGap: true, axisLabel: { show: false } },
          { type: "category", data: days, boundaryGap: true, gridIndex: 1 },
        ],
        yAxis: [
          {
            type: "value",
            name: t("market.priceUnit"),
            // a little room around the day's range (one flat day would otherwise fill the axis from 0)
            min: (v: { min: number }) => Math.floor(v.min * 0.98),
            max: (v: { max: number }) => Math.ceil(v.max * 1.02),
          },
          { type: "value", gridIndex: 1, minInterval: 1, splitNumber: 2 },
        ],
        series: [
          {
            name: t("market.dailyPrice"),
            type: "candlestick",
            barMaxWidth: 18,
            // ECharts' order: open, close, lowest, highest; no prices on a day of negotiated trades only
            data: candles.map((c) => candlePrices(c) ?? ["-", "-", "-", "-"]),
            itemStyle: { color: colours.up, color0: colours.down, borderColor: colours.up, borderColor0: colours.down },
          },
          {
            name: t("market.volume"),
            type: "bar",
            barMaxWidth: 18,
            xAxisIndex: 1,
            yAxisIndex: 1,
            stack: "volume",
            data: candles.map((c) => ({
              value: c.volume - c.negotiated_volume,
              itemStyle: { color: c.open === null || c.close === null ? undefined : c.close >= c.open ? colours.up : colours.down },
            })),
          },
          {
            // block trades count in the day's volume, not in its prices
            name: t("market.negotiatedVolumeLegend"),
            type: "bar",
            barMaxWidth: 18,
            xAxisIndex: 1,
            yAxisIndex: 1,
            stack: "volume",
            data: candles.map((c) => c.negotiated_volume),
            itemStyle: { color: NEGOTIATED_COLOUR },
          },
        ],
      }}
    />
  );
}
