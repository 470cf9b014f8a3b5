import { describe, expect, it, vi } from "vitest";
import { call, createApi, memoryTokenStore, type TokenPair } from "./client";
import { ApiError } from "./errors";

const BASE = "http://platform.test";
const pair = (n: number): TokenPair => ({
  access_token: `access-${n}`,
  refresh_token: `refresh-${n}`,
  token_type: "bearer",
  expires_in: 900,
});
const json = (status: number, body: unknown, type = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });
const problem = (status: number, code: string, detail: string, field?: string) =>
  json(status, { type: `https://carbonledger.dev/problems/${code}`, title: code, status, code, detail, field }, "application/problem+json");

const ME = {
  user: { id: 1, username: "u", display_name: "", email: "", active: true, org_admin: true, created_at: "2026-01-01T00:00:00Z", last_login_at: null },
  organisation: {
    id: 7, name: "Org", kind: "enterprise", status: "active", credit_code: null, industry: "", region: "", certified: false,
    certified_at: null, custody: "platform", address: null, on_chain: false, created_at: "2026-01-01T00:00:00Z", decided_at: null, decision_note: "",
  },
};

/** A fake platform: /auth/me accepts only `valid` access tokens; /auth/refresh hands out the next pair. */
function platform(opts: { valid: string; refreshOk?: boolean }) {
  const seen: { path: string; auth: string | null; body?: string }[] = [];
  let issued = 1;
  const fetch = vi.fn(async (req: Request) => {
    const path = new URL(req.url).pathname;
    const body = req.method === "POST" ? await req.text() : undefined;
    seen.push({ path, auth: req.headers.get("Authorization"), body });
    if (path === "/api/v1/auth/refresh") {
      if (opts.refreshOk === false) return problem(401, "token-revoked", "log in again");
      issued += 1;
      opts.valid = `access-${issued}`;
      return json(200, pair(issued));
    }
    if (req.headers.get("Authorization") !== `Bearer ${opts.valid}`) return problem(401, "token-expired", "expired");
    if (path === "/api/v1/auth/password") return new Response(null, { status: 204 });
    return json(200, ME);
  });
  return { fetch, seen };
}

describe("the API client", () => {
  it("sends the access token", async () => {
    const p = platform({ valid: "access-1" });
    const api = createApi({ baseUrl: BASE, tokens: memoryTokenStore(pair(1)), fetch: p.fetch });
    const me = await call(api.client.GET("/api/v1/auth/me"));
    expect(me.organisation.id).toBe(7);
    expect(p.seen).toEqual([{ path: "/api/v1/auth/me", auth: "Bearer access-1", body: undefined }]);
  });

  it("refreshes once on 401 and retries the request with its body", async () => {
    const p = platform({ valid: "access-99" });
    const tokens = memoryTokenStore(pair(1));
    const api = createApi({ baseUrl: BASE, tokens, fetch: p.fetch });
    await call(api.client.POST("/api/v1/auth/password", { body: { current_password: "a", new_password: "b" } }));
    expect(p.seen.map((s) => s.path)).toEqual(["/api/v1/auth/password", "/api/v1/auth/refresh", "/api/v1/auth/password"]);
    expect(p.seen[1]!.body).toBe(JSON.stringify({ refresh_token: "refresh-1" }));
    expect(p.seen[2]!.auth).toBe("Bearer access-2");
    expect(p.seen[2]!.body).toBe(JSON.stringify({ current_password: "a", new_password: "b" }));
    expect(tokens.get()?.access_token).toBe("access-2");
  });

  it("shares one refresh between requests that fail together", async () => {
    const p = platform({ valid: "stale" });
    const api = createApi({ baseUrl: BASE, tokens: memoryTokenStore(pair(1)), fetch: p.fetch });
    await Promise.all([1, 2, 3].map(() => call(api.client.GET("/api/v1/auth/me"))));
    expect(p.seen.filter((s) => s.path === "/api/v1/auth/refresh")).toHaveLength(1);
  });

  it("signs out when the refresh token is refused, and reports the original 401", async () => {
    const p = platform({ valid: "never", refreshOk: false });
    const tokens = memoryTokenStore(pair(1));
    const onSignedOut = vi.fn();
    const api = createApi({ baseUrl: BASE, tokens, fetch: p.fetch, onSignedOut });
    const err = await call(api.client.GET("/api/v1/auth/me")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe("token-expired");
    expect(onSignedOut).toHaveBeenCalledOnce();
    expect(tokens.get()).toBeNull();
  });

  it("never sends a token to login, nor refreshes after a failed login", async () => {
    const fetch = vi.fn((req: Request) => {
      expect(req.headers.get("Authorization")).toBeNull();
      return Promise.resolve(problem(401, "bad-credentials", "wrong username or password"));
    });
    const api = createApi({ baseUrl: BASE, tokens: memoryTokenStore(pair(1)), fetch });
    const err = await call(api.client.POST("/api/v1/auth/login", { body: { username: "u", password: "p" } })).catch((e: unknown) => e);
    expect((err as ApiError).code).toBe("bad-credentials");
    expect(fetch).toHaveBeenCalledOnce();
  });

  it("turns problem documents into typed errors naming the field", async () => {
    const fetch = vi.fn(() => Promise.resolve(problem(409, "credit-code-taken", "another organisation has this credit code", "body:credit_code")));
    const api = createApi({ baseUrl: BASE, tokens: memoryTokenStore(pair(1)), fetch });
    const err = (await call(
      api.client.POST("/api/v1/organisations/{org_id}/certify", {
        params: { path: { org_id: 3 } },
        body: { industry: "cement", region: "CN-JS", credit_code: "91320000MA00000001" },
      }),
    ).catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(409);
    expect(err.code).toBe("credit-code-taken");
    expect(err.field).toBe("body:credit_code");
  });

  it("reports an unreachable server as a network error", async () => {
    const fetch = vi.fn(() => Promise.reject(new TypeError("Failed to fetch")));
    const api = createApi({ baseUrl: BASE, tokens: memoryTokenStore(null), fetch });
    const err = (await call(api.client.GET("/api/v1/chain/status")).catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe("network");
    expect(err.status).toBe(0);
  });
});
