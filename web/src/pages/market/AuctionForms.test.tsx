import { describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { testUser } from "../../test/user";
import { App as AntApp } from "antd";
import { createApi, memoryTokenStore } from "../../api/client";
import { I18nProvider } from "../../i18n";
import { enUS } from "../../i18n/en-US";
import { SessionProvider } from "../../session";
import { BidDialog, CreateAuctionDialog, type Auction } from "./AuctionForms";
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

const AUCTION: Auction = {
  id: 3,
  instrument: "CEA-2024",
  seller_org: 9,
  quantity: 100,
  reserve: 7000,
  state: "open",
  bids: 0,
  clearing_price: null,
  sold: 0,
  created_at: "2025-01-02T03:04:05Z",
  closed_at: null,
};

const t = enUS;
type User = ReturnType<typeof userEvent.setup>;
type Sent = { url: string; body: unknown; key: string | null };

function wrap(fetch: (r: Request) => Promise<Response>, node: React.ReactNode) {
  window.localStorage.setItem("carbonledger.locale", "en-US");
  const api = createApi({ baseUrl: "http://platform.test", tokens: memoryTokenStore(null), fetch });
  render(
    <I18nProvider>
      <AntApp>
        <SessionProvider api={api}>{node}</SessionProvider>
      </AntApp>
    </I18nProvider>,
  );
}

/** A fetch that records what is sent and answers with `answer()` each time. */
function recorder(answer: () => Response) {
  const sent: Sent[] = [];
  const fetch = vi.fn(async (req: Request) => {
    sent.push({ url: new URL(req.url).pathname, body: await req.json(), key: req.headers.get("Idempotency-Key") });
    return answer();
  });
  return { sent, fetch };
}

const json = (status: number, body: unknown, type = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });

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
describe("opening an auction", { timeout: 120_000 }, () => {
  it("checks lot, tick and allowances at their fields, confirms, then escrows with one idempotency key", async () => {
    let answer = json(409, { status: 409, code: "insufficient-allowances", detail: "short", field: "body:quantity" }, "application/problem+json");
    const { sent, fetch } = recorder(() => answer);
    const onDone = vi.fn();
    wrap(
      fetch,
      <CreateAuctionDialog open instruments={[CEA]} allowancesOf={(v) => (v === 2024 ? 50 : null)} onClose={vi.fn()} onDone={onDone} />,
    );
    const user = testUser();
    const next = screen.getByTestId("create-auction-ok");
    await fill(user, t["auction.quantityField"], "15");
    await fill(user, t["auction.reserveField"], "70.03");
    await user.click(next);
    expect(await within(fieldOf(t["auction.quantityField"])).findByText("The quantity must be a multiple of the 10 t lot")).toBeInTheDocument();
    expect(await within(fieldOf(t["auction.reserveField"])).findByText("The price must be on the 0.05 tick")).toBeInTheDocument();

    await fill(user, t["auction.quantityField"], "60");
    await fill(user, t["auction.reserveField"], "");
    await user.click(next);
    expect(
      await within(fieldOf(t["auction.quantityField"])).findByText("Not enough allowances: the auction escrows 60 t, you have 50 t"),
    ).toBeInTheDocument();
    expect(await within(fieldOf(t["auction.reserveField"])).findByText(t["auction.rule.priceMissing"])).toBeInTheDocument();
    expect(screen.queryByTestId("create-auction-summary")).toBeNull();
    expect(fetch).not.toHaveBeenCalled();

    // valid: the confirmation says what is escrowed; the server's refusal goes to its field
    await fill(user, t["auction.quantityField"], "40");
    await fill(user, t["auction.reserveField"], "70.05");
    await user.click(next);
    expect(await screen.findByTestId("create-auction-summary")).toHaveTextContent("Escrow 40 t of CEA-2024 now and auction them with a reserve price of 70.05");
    await user.click(screen.getByTestId("create-auction-ok"));
    expect(await within(fieldOf(t["auction.quantityField"])).findByText(t["error.insufficient-allowances"])).toBeInTheDocument();
    expect(sent).toEqual([{ url: "/api/v1/market/auctions", body: { instrument: "CEA-2024", quantity: 40, reserve: 7005 }, key: expect.any(String) as string }]);
    expect(onDone).not.toHaveBeenCalled();

    // the same opening of the dialog retries with the same key
    answer = json(201, { ...AUCTION, id: 4, quantity: 40, reserve: 7005 });
    await user.click(screen.getByTestId("create-auction-ok"));
    await user.click(await screen.findByTestId("create-auction-ok"));
    await waitFor(() => expect(onDone).toHaveBeenCalledWith(expect.objectContaining({ id: 4 })));
    expect(sent).toHaveLength(2);
    expect(sent[1]?.key).toBe(sent[0]?.key);
  });
});

describe("bidding in an auction", { timeout: 120_000 }, () => {
  it("refuses what cannot be escrowed, warns below the reserve and above the offer, and sends cents", async () => {
    const placed = { id: 12, auction_id: 3, state: "open" } as Order;
    const { sent, fetch } = recorder(() => json(201, placed));
    const onDone = vi.fn();
    wrap(fetch, <BidDialog auction={AUCTION} instrument={CEA} coinCents={1_000_000} onClose={vi.fn()} onDone={onDone} />);
    const user = testUser();
    const next = screen.getByTestId("bid-ok");

    await fill(user, t["auction.bidPriceField"], "80.02");
    await fill(user, t["auction.quantityField"], "15");
    await user.click(next);
    expect(await within(fieldOf(t["auction.bidPriceField"])).findByText("The price must be on the 0.05 tick")).toBeInTheDocument();
    expect(await within(fieldOf(t["auction.quantityField"])).findByText("The quantity must be a multiple of the 10 t lot")).toBeInTheDocument();

    // 200 t × 80.00 = 16,000.00 coin, more than the 10,000.00 held
    await fill(user, t["auction.bidPriceField"], "80.00");
    await fill(user, t["auction.quantityField"], "200");
    await user.click(next);
    expect(
      await within(fieldOf(t["auction.quantityField"])).findByText("Not enough carbon coin: the bid escrows 16,000.00, you have 10,000.00"),
    ).toBeInTheDocument();
    expect(fetch).not.toHaveBeenCalled();

    // below the reserve and more than offered: warnings only, the bid may still go
    await fill(user, t["auction.bidPriceField"], "69.00");
    await fill(user, t["auction.quantityField"], "120");
    expect(await within(fieldOf(t["auction.bidPriceField"])).findByText("Below the reserve price 70.00: this bid will not be filled")).toBeInTheDocument();
    expect(await within(fieldOf(t["auction.quantityField"])).findByText("Only 100 t are offered: at most that much of the bid can be filled")).toBeInTheDocument();
    expect(within(fieldOf(t["auction.quantityField"])).getByText("Escrows 8,280.00 coin now")).toBeInTheDocument();
    await user.click(next);
    expect(await screen.findByTestId("bid-summary")).toHaveTextContent("Bid 120 t at 69.00 in auction #3: 8,280.00 coin is escrowed now");
    await user.click(screen.getByTestId("bid-ok"));
    await waitFor(() => expect(onDone).toHaveBeenCalledWith(placed));
    expect(sent).toEqual([{ url: "/api/v1/market/auctions/3/bids", body: { price: 6900, quantity: 120 }, key: expect.any(String) as string }]);
  });
});
