/** The signed-in user: tokens, who they are (`/auth/me`) and the API client they use. */
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";
import { browserTokenStore, call, createApi, type Api, type Kind, type Me } from "./api/client";

/** What the sidebar is built for: an organisation's kind, or `public` when signed out. */
export type Role = Kind | "public";

export interface Session {
  api: Api;
  me: Me | null;
  role: Role;
  /** true until the first `/auth/me` answer (or none, when signed out) */
  loading: boolean;
  signIn: (username: string, password: string) => Promise<Me>;
  signOut: () => void;
  reload: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children, api: given }: { children: ReactNode; api?: Api }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const api = useMemo(
    () =>
      given ??
      createApi({
        baseUrl: window.location.origin,
        tokens: browserTokenStore(),
        onSignedOut: () => setMe(null),
      }),
    [given],
  );

  const loadMe = useCallback(async (): Promise<Me | null> => {
    if (!api.tokens.get()) {
      setMe(null);
      return null;
    }
    try {
      const who = await call(api.client.GET("/api/v1/auth/me"));
      setMe(who);
      return who;
    } catch {
      api.tokens.set(null);
      setMe(null);
      return null;
    }
  }, [api]);

  useEffect(() => {
    void loadMe().finally(() => setLoading(false));
  }, [loadMe]);

  const signIn = useCallback(
    async (username: string, password: string) => {
      const tokens = await call(
        api.client.POST("/api/v1/auth/login", { body: { username, password } }),
      );
      api.tokens.set(tokens);
      const who = await call(api.client.GET("/api/v1/auth/me"));
      setMe(who);
      return who;
    },
    [api],
  );

  const signOut = useCallback(() => {
    api.tokens.set(null);
    setMe(null);
  }, [api]);

  const reload = useCallback(async () => {
    await loadMe();
  }, [loadMe]);

  const value = useMemo<Session>(
    () => ({
      api,
      me,
      role: me ? me.organisation.kind : "public",
      loading,
      signIn,
      signOut,
      reload,
    }),
    [api, me, loading, signIn, signOut, reload],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error("useSession outside SessionProvider");
  return ctx;
}
