import { describe, expect, it, vi, beforeEach } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import { testUser } from "../../test/user";
import { App } from "../../App";
import { createApi, memoryTokenStore } from "../../api/client";
import { zhCN } from "../../i18n/zh-CN";

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

const ME = {
  user: { id: 1, username: "cement", display_name: "", email: "", active: true, org_admin: true, created_at: "2026-01-01T00:00:00Z", last_login_at: null },
  organisation: {
    id: 7, name: "皖江水泥", kind: "enterprise", status: "active", credit_code: null, industry: "cement", region: "CN-AH", certified: true,
    certified_at: null, custody: "platform", address: "0x0000000000000000000000000000000000000007", on_chain: true, created_at: "2026-01-01T00:00:00Z", decided_at: null, decision_note: "",
  },
};
const BALANCES = {
  org_id: 7, address: ME.organisation.address, coin_cents: 12345, coin_locked_cents: 30000, indexed_block: 9, offsets: [],
  allowances: [{ vintage: 2024, balance: 1000, escrowed: 300 }],
};

beforeEach(() => window.localStorage.clear());

describe("transferring allowances", () => {
  it("refuses more than is available, then confirms before sending once", async () => {
    const sent: { body: unknown; key: string | null }[] = [];
    const fetch = vi.fn(async (req: Request) => {
      const path = new URL(req.url).pathname;
      if (path === "/api/v1/auth/me") return json(ME);
      if (path === "/api/v1/registry/balances") return json(BALANCES);
      if (path === "/api/v1/registry/offsets/retirements") return json({ items: [], total: 0, offset: 0, limit: 200 });
      if (path === "/api/v1/explorer/transactions") return json({ subject: "", items: [], total: 0, offset: 0, limit: 1000 });
      if (path === "/api/v1/registry/transfers/allowances") {
        sent.push({ body: await req.json(), key: req.headers.get("Idempotency-Key") });
        return json({ what: "allowances", from_org_id: 7, to_org_id: 8, amount: 1000, vintage: 2024, tx_hash: `0x${"1".repeat(64)}`, block_number: 10 }, 201);
      }
      return json({});
    });
    window.history.pushState({}, "", "/app/assets");
    const api = createApi({ baseUrl: "http://platform.test", tokens: memoryTokenStore({ access_token: "a", refresh_token: "r", token_type: "bearer", expires_in: 900 }), fetch });
    render(<App api={api} />);
    // antd keeps pointer-events off while a neighbouring table still loads
    const user = testUser();

    const transfer = await screen.findByRole("button", { name: new RegExp(`${zhCN["registry.transfer.short"]}$`) }, { timeout: 20_000 });
    // free, locked by orders and held in total, for coin and for each vintage
    expect(screen.getByTestId("coin-available")).toHaveTextContent("¥123.45");
    expect(screen.getByTestId("coin-locked")).toHaveTextContent("买单锁定 ¥300.00");
    expect(screen.getByTestId("coin-total")).toHaveTextContent("合计 ¥423.45");
    const row = within(screen.getByTestId("allowance-balances")).getAllByRole("row")[1] as HTMLElement;
    expect([...row.querySelectorAll("td")].map((td) => td.textContent)).toEqual(["2024", "1,000", "300", "1,300", zhCN["registry.transfer.short"]]);

    await user.click(transfer);
    const dialog = await screen.findByRole("dialog", {}, { timeout: 10_000 });
    await user.type(within(dialog).getByLabelText(zhCN["registry.transfer.to"]), "8");
    const amount = within(dialog).getByLabelText(zhCN["registry.amountTonnes"]);
    await user.type(amount, "1001");
    await user.click(within(dialog).getByTestId("transfer-ok"));
    // 1,000 free and 300 more escrowed by orders (already out of the balance): 1,000 may move
    expect(await within(dialog).findByText("超出可用余额（1,000 吨）", {}, { timeout: 10_000 })).toBeInTheDocument();
    expect(sent).toEqual([]);

    await user.clear(amount);
    await user.type(amount, "1000");
    await user.click(within(dialog).getByTestId("transfer-ok"));
    expect(await within(dialog).findByTestId("transfer-summary", {}, { timeout: 10_000 })).toHaveTextContent("将 2024 年度配额 1,000 吨划转给机构 #8");
    expect(sent).toEqual([]);
    await user.click(within(dialog).getByTestId("transfer-ok"));
    await waitFor(() => expect(sent).toHaveLength(1), { timeout: 10_000 });
    expect(sent[0]?.body).toEqual({ to_org_id: 8, vintage: 2024, amount: 1000 });
    expect(sent[0]?.key).toMatch(/.+/);
  }, 120_000);
});
