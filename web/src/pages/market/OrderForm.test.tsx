import { describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { testUser } from "../../test/user";
import { App as AntApp } from "antd";
import { createApi, memoryTokenStore } from "../../api/client";
import { I18nProvider } from "../../i18n";
import { enUS } from "../../i18n/en-US";
import { SessionProvider } from "../../session";
import { OrderForm } from "./OrderForm";
import type { Instrument, Order } from "./widgets";

const CEA: Instrument = {
  code: "CEA-2024",
  vintage: 2024,
  tick: 5,
  lot: 10,
  price_limit_bps: 1000,
  block_band_bps: 3000,
  block_min_quantity: 1,
  position_alert_t: 1_000_000,
  layering_alert_t: 10_000,
  open: true,
  previous_close: 8000,
  price_limits: [7200, 8800],
  last_price: null,
};

const t = enUS;

function renderForm(fetch: (r: Request) => Promise<Response>, onPlaced = vi.fn(), instrument = CEA) {
  window.localStorage.setItem("carbonledger.locale", "en-US");
  const api = createApi({ baseUrl: "http://platform.test", tokens: memoryTokenStore(null), fetch });
  render(
    <I18nProvider>
      <AntApp>
        <SessionProvider api={api}>
          <OrderForm
            instrument={instrument}
            funds={{ coinCents: 1_000_000, allowances: 50 }}
            book={{ bids: [[7900, 20, 1]], asks: [[8100, 30, 1]] }}
            onPlaced={onPlaced}
          />
        </SessionProvider>
      </AntApp>
    </I18nProvider>,
  );
  return { onPlaced };
}

type User = ReturnType<typeof userEvent.setup>;

/** Replace a field's text at once (typing key by key re-validates the form on every key). */
async function fill(user: User, label: string, text: string) {
  const input = screen.getByLabelText(label);
  await user.clear(input);
  await user.click(input);
  await user.paste(text);
}

function fieldOf(label: string): HTMLElement {
  return screen.getByLabelText(label).closest(".ant-form-item") as HTMLElement;
}

// antd forms in jsdom are slow on a busy machine
describe("the order form", { timeout: 120_000 }, () => {
  it("shows each rule at its field and sends nothing while one is broken", async () => {
    const fetch = vi.fn(() => Promise.resolve(new Response("{}")));
    renderForm(fetch);
    const user = testUser();
    await fill(user, t["market.priceField"], "80.03");
    await fill(user, t["market.quantityField"], "15");
    await user.click(screen.getByTestId("order-submit"));
    expect(await within(fieldOf(t["market.priceField"])).findByText("The price must be on the 0.05 tick")).toBeInTheDocument();
    expect(await within(fieldOf(t["market.quantityField"])).findByText("The quantity must be a multiple of the 10 t lot")).toBeInTheDocument();

    await fill(user, t["market.priceField"], "95");
    expect(await within(fieldOf(t["market.priceField"])).findByText("The price is outside today's limits 72.00 – 88.00")).toBeInTheDocument();

    // a sell of more than the 50 t held
    await user.click(screen.getByText(t["market.side.sell"], { selector: "span" }));
    await fill(user, t["market.priceField"], "80.05");
    await fill(user, t["market.quantityField"], "60");
    await user.click(screen.getByTestId("order-submit"));
    expect(
      await within(fieldOf(t["market.quantityField"])).findByText("Not enough allowances: the order escrows 60 t, you have 50 t"),
    ).toBeInTheDocument();
    expect(fetch).not.toHaveBeenCalled();
  });

  it("takes no price for a market order and never lets it rest", async () => {
    const fetch = vi.fn(() => Promise.resolve(new Response("{}")));
    renderForm(fetch);
    const user = testUser();
    await fill(user, t["market.priceField"], "80.00");
    await user.click(screen.getByText(t["market.type.market"]));
    const price = screen.getByLabelText(t["market.priceField"]);
    await waitFor(() => expect(price).toBeDisabled());
    expect(price).toHaveValue("");
    // day is not offered; IOC is chosen instead
    expect(screen.getByRole("radio", { name: t["market.tif.day"] })).toBeDisabled();
    expect(screen.getByRole("radio", { name: t["market.tif.ioc"] })).toBeChecked();
    // a market buy escrows at the upper limit: 100 t × 88.00
    await fill(user, t["market.quantityField"], "100");
    expect(await screen.findByText("8,800.00 coin (at the upper limit; the difference comes back after the trade)")).toBeInTheDocument();
  });

  it("warns that a FOK order larger than the book will be rejected", async () => {
    renderForm(vi.fn());
    const user = testUser();
    await fill(user, t["market.priceField"], "81.00");
    await fill(user, t["market.quantityField"], "40");
    await user.click(screen.getByText(t["market.tif.fok"]));
    expect(
      await screen.findByText("The book offers only 30 t at this price, less than 40 t: the FOK order will be rejected"),
    ).toBeInTheDocument();
  });

  it("confirms, then sends the order in cents with an idempotency key, and shows the server's refusal at its field", async () => {
    const requests: { body: unknown; key: string | null }[] = [];
    let answer: Response = new Response(
      JSON.stringify({
        status: 409,
        code: "insufficient-coin",
        detail: "not enough carbon coin to escrow 100 t × 8005 cents/t",
        field: "body:quantity",
      }),
      { status: 409, headers: { "Content-Type": "application/problem+json" } },
    );
    const fetch = vi.fn(async (req: Request) => {
      requests.push({ body: await req.json(), key: req.headers.get("Idempotency-Key") });
      return answer;
    });
    const { onPlaced } = renderForm(fetch);
    const user = testUser();
    await fill(user, t["market.priceField"], "80.05");
    await fill(user, t["market.quantityField"], "100");
    await user.click(screen.getByTestId("order-submit"));
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByTestId("order-summary")).toHaveTextContent("8,005.00 coin");
    await user.click(within(dialog).getByRole("button", { name: t["market.confirmPlace"] }));
    expect(await within(fieldOf(t["market.quantityField"])).findByText(t["error.insufficient-coin"])).toBeInTheDocument();
    expect(requests).toEqual([
      {
        body: { instrument: "CEA-2024", side: "buy", type: "limit", tif: "day", quantity: 100, price: 8005, client_ref: "" },
        key: expect.any(String) as string,
      },
    ]);
    expect(onPlaced).not.toHaveBeenCalled();

    const order = { id: 7, state: "open" } as Order;
    answer = new Response(JSON.stringify(order), { status: 201, headers: { "Content-Type": "application/json" } });
    await fill(user, t["market.quantityField"], "50");
    await user.click(screen.getByTestId("order-submit"));
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: t["market.confirmPlace"] }));
    await waitFor(() => expect(onPlaced).toHaveBeenCalledWith(order));
    expect(requests[1]?.key).not.toBe(requests[0]?.key);
  });
});
