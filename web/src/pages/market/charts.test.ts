import { describe, expect, it } from "vitest";
import { candlePrices } from "./charts";

const day = { day: "2026-03-02", volume: 700, turnover: 6_210_000, negotiated_volume: 600, negotiated_turnover: 5_400_000 };

describe("candle prices", () => {
  it("are ECharts' open, close, low, high in yuan", () => {
    expect(candlePrices({ ...day, open: 8000, high: 8150, low: 7990, close: 8100 })).toEqual([80, 81, 79.9, 81.5]);
  });

  it("are missing on a day of negotiated trades only (its volume still counts)", () => {
    expect(candlePrices({ ...day, open: null, high: null, low: null, close: null, negotiated_volume: 700 })).toBeNull();
  });
});
