import { describe, expect, it } from "vitest";
import { listingBody } from "./Instruments";

describe("the listing form's body", () => {
  it("sends prices in cents and percentages in basis points, exactly", () => {
    expect(
      listingBody({
        vintage: 2031,
        reference_price: "80.05",
        tick: "0.05",
        lot: 10,
        // 0.29 × 100 is 28.999… in binary floating point: still 29 basis points
        price_limit_pct: 0.29,
        block_band_pct: 12.5,
        block_min_quantity: 100,
        position_alert_t: 5000,
        layering_alert_t: 400,
        open: false,
      }),
    ).toEqual({
      vintage: 2031,
      reference_price: 8005,
      tick: 5,
      lot: 10,
      price_limit_bps: 29,
      block_band_bps: 1250,
      block_min_quantity: 100,
      position_alert_t: 5000,
      layering_alert_t: 400,
      open: false,
    });
  });
});
