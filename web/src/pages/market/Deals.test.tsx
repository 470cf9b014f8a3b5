import { describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import { testUser } from "../../test/user";
import { App as AntApp } from "antd";
import { createApi, memoryTokenStore } from "../../api/client";
import { I18nProvider } from "../../i18n";
import { enUS } from "../../i18n/en-US";
import { SessionProvider } from "../../session";
import { DealsPanel } from "./Deals";
import type { Instrument } from "./widgets";

const CEA: Instrument = {
  code: "CEA-2024",
  vintage: 2024,
  tick: 1,
  lot: 10,
  price_limit_bps: 1000,
  block_band_bps: 3000,
  block_min_quantity: 100,
  position_alert_t: 1_000_000,
  layering_alert_t: 10_000,
  open: true,
  previous_close: 8000,
  price_limits: [7200, 8800],
  last_price: null,
};

const ME = {
  user: { id: 1, username: "cement", display_name: "", email: "", active: true, org_admin: true, created_at: "2026-01-01T00:00:00Z", last_login_at: null },
  organisation: {
    id: 7, name: "Cement Co", kind: "enterprise", status: "active", credit_code: null, industry: "cement", region: "CN-AH", certified: true,
    certified_at: null, custody: "platform", address: "0x0000000000000000000000000000000000000007", on_chain: true, created_at: "2026-01-01T00:00:00Z", decided_at: null, decision_note: "",
  },
};
const PARTICIPANTS = [
  { id: 8, name: "Northern Steel", region: "CN-BJ", industry: "steel" },
  { id: 9, name: "Southern Glass", region: "CN-JS", industry: "glass" },
];
const t = enUS;
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

describe("proposing a deal", { timeout: 120_000 }, () => {
  it("finds the counterparty by name and sends its id", async () => {
    const searched: string[] = [];
    const proposed: unknown[] = [];
    const fetch = vi.fn(async (req: Request) => {
      const url = new URL(req.url);
      if (url.pathname === "/api/v1/auth/me") return json(ME);
      if (url.pathname === "/api/v1/market/participants") {
        const q = url.searchParams.get("q") ?? "";
        searched.push(q);
        return json(PARTICIPANTS.filter((p) => p.name.toLowerCase().includes(q.toLowerCase())));
      }
      if (url.pathname === "/api/v1/market/deals" && req.method === "POST") {
        proposed.push(await req.json());
        return json({ id: 1 }, 201);
      }
      return json({});
    });
    window.localStorage.setItem("carbonledger.locale", "en-US");
    const api = createApi({
      baseUrl: "http://platform.test",
      tokens: memoryTokenStore({ access_token: "a", refresh_token: "r", token_type: "bearer", expires_in: 900 }),
      fetch,
    });
    const onChanged = vi.fn();
    render(
      <I18nProvider>
        <AntApp>
          <SessionProvider api={api}>
            <DealsPanel deals={{ data: [], error: null, loading: false, reload: vi.fn() }} instrument={CEA} onChanged={onChanged} />
          </SessionProvider>
        </AntApp>
      </I18nProvider>,
    );
    const user = testUser();
    await user.click(await screen.findByRole("button", { name: new RegExp(t["market.deal.propose"]) }));
    const dialog = await screen.findByRole("dialog");

    // nothing chosen: the form says so and sends nothing
    await user.click(within(dialog).getByRole("button", { name: t["market.deal.propose"] }));
    expect(await within(dialog).findByText(t["market.deal.counterpartyMissing"])).toBeInTheDocument();

    await user.type(within(dialog).getByLabelText(t["market.deal.counterparty"]), "steel");
    // only what matches, once typing pauses: one request for "steel", none per key
    await waitFor(() => expect(searched).toContain("steel"), { timeout: 10_000 });
    await waitFor(() => expect(screen.queryByText("Southern Glass")).toBeNull(), { timeout: 10_000 });
    // the visible item (role "option" is antd's hidden list for screen readers)
    const option = await screen.findByText("Northern Steel", { selector: ".ant-select-item-option-content span" }, { timeout: 10_000 });
    expect(screen.getByText("#8 · Beijing · Iron & steel")).toBeInTheDocument();
    expect(searched.filter((q) => q !== "" && q !== "steel")).toEqual([]);
    await user.click(option);
    await user.type(within(dialog).getByLabelText(t["market.priceField"]), "81.00");
    await user.type(within(dialog).getByLabelText(t["market.quantityField"]), "100");
    await user.click(within(dialog).getByRole("button", { name: t["market.deal.propose"] }));
    await waitFor(() => expect(proposed).toHaveLength(1), { timeout: 10_000 });
    expect(proposed[0]).toEqual({ instrument: "CEA-2024", counterparty_id: 8, as_seller: true, quantity: 100, price: 8100 });
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
  });
});
