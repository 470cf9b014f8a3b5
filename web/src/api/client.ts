/**
 * The typed client of the platform's REST API: generated types (`schema.d.ts`, from the
 * API's OpenAPI document) with openapi-fetch, plus what every call needs — the bearer
 * token, one refresh with the refresh token when the access token has expired, and
 * problem documents turned into {@link ApiError}.
 */
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";
import { ApiError, toApiError } from "./errors";

export type Schemas = components["schemas"];
export type TokenPair = Schemas["TokenPair"];
export type Organisation = Schemas["OrganisationOut"];
export type User = Schemas["UserOut"];
export type Me = Schemas["Me"];
export type Kind = Schemas["Kind"];
export type AuditEntry = Schemas["AuditOut"];
export type ChainStatus = Schemas["ChainStatus"];

export interface TokenStore {
  get: () => TokenPair | null;
  set: (tokens: TokenPair | null) => void;
}

export function memoryTokenStore(initial: TokenPair | null = null): TokenStore {
  let tokens = initial;
  return {
    get: () => tokens,
    set: (t) => {
      tokens = t;
    },
  };
}

const STORAGE_KEY = "carbonledger.tokens";

/** Tokens kept in the browser's localStorage so a reload keeps you signed in. */
export function browserTokenStore(): TokenStore {
  return {
    get: () => {
      try {
        const raw = window.localStorage.getItem(STORAGE_KEY);
        return raw ? (JSON.parse(raw) as TokenPair) : null;
      } catch {
        return null;
      }
    },
    set: (t) => {
      if (t) window.localStorage.setItem(STORAGE_KEY, JSON.stringify(t));
      else window.localStorage.removeItem(STORAGE_KEY);
    },
  };
}

export interface ApiOptions {
  baseUrl: string;
  tokens: TokenStore;
  fetch?: (request: Request) => Promise<Response>;
  /** called when the session cannot be renewed (refresh token refused) */
  onSignedOut?: () => void;
}

// Calls that must never carry or renew a session.
const AUTH_PATHS = ["/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/register"];

export function createApi(options: ApiOptions) {
  const send = options.fetch ?? ((r: Request) => globalThis.fetch(r));
  const { tokens } = options;
  let renewing: Promise<boolean> | null = null;

  const withBearer = (request: Request): Request => {
    const access = tokens.get()?.access_token;
    if (!access) return request;
    const headers = new Headers(request.headers);
    headers.set("Authorization", `Bearer ${access}`);
    return new Request(request, { headers });
  };

  async function renew(): Promise<boolean> {
    const refresh = tokens.get()?.refresh_token;
    if (!refresh) return false;
    const response = await send(
      new Request(`${options.baseUrl}/api/v1/auth/refresh`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refresh_token: refresh }),
      }),
    );
    if (!response.ok) {
      tokens.set(null);
      options.onSignedOut?.();
      return false;
    }
    tokens.set((await response.json()) as TokenPair);
    return true;
  }

  /** One renewal at a time: parallel 401s wait for the same refresh. */
  function renewOnce(): Promise<boolean> {
    renewing ??= renew().finally(() => {
      renewing = null;
    });
    return renewing;
  }

  async function authFetch(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (AUTH_PATHS.includes(path)) return send(request);
    const retry = request.clone();
    const response = await send(withBearer(request));
    if (response.status !== 401 || !tokens.get()?.refresh_token) return response;
    if (!(await renewOnce())) return response;
    return send(withBearer(retry));
  }

  const client = createClient<paths>({ baseUrl: options.baseUrl, fetch: authFetch });
  return { client, tokens, renew: renewOnce };
}

export type Api = ReturnType<typeof createApi>;
export type Client = Api["client"];

interface Outcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The data of a call, or an {@link ApiError} thrown from its problem document; a failed
 * connection becomes an ApiError with code `network`.
 */
export async function call<T>(pending: Promise<Outcome<T>>): Promise<T> {
  let outcome: Outcome<T>;
  try {
    outcome = await pending;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError(0, { code: "network", detail: String(err) });
  }
  const { data, error, response } = outcome;
  if (!response.ok || error !== undefined) throw toApiError(response.status, error);
  return data as T;
}
