/**
 * Live market data: `usePolled` (like useLoad, but later reloads are silent so tables do
 * not flicker) and `useMarketFeed` (depth and trades over the market WebSocket
 * `/api/v1/market/ws`; polling when the socket is unavailable).
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { ApiError } from "../../api/errors";
import { asApiError } from "../../lib/problems";

export interface Polled<T> {
  data: T | undefined;
  error: ApiError | null;
  /** true until the first answer */
  loading: boolean;
  reload: () => void;
}

/**
 * Load data, again when `deps` change (visibly) and every `intervalMs` or on `reload()`
 * (silently: the data stays until the new answer). A stale answer never wins.
 */
export function usePolled<T>(load: () => Promise<T>, deps: readonly unknown[], intervalMs = 0): Polled<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const generation = useRef(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const stable = useCallback(load, deps);
  const shown = useRef<typeof stable | null>(null);

  useEffect(() => {
    const mine = ++generation.current;
    if (shown.current !== stable) {
      // new subject (another instrument, filters): show loading, not the old data
      shown.current = stable;
      setLoading(true);
      setData(undefined);
    }
    stable().then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (mine !== generation.current) return;
        setError(asApiError(err));
        setLoading(false);
      },
    );
  }, [stable, tick]);

  useEffect(() => {
    if (!intervalMs) return undefined;
    const timer = window.setInterval(() => setTick((n) => n + 1), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload };
}

export interface DepthLevels {
  bids: number[][];
  asks: number[][];
}

export interface FeedState {
  /** the latest depth pushed by the server (null until the first) */
  depth: DepthLevels | null;
  /** bumped by every trade (and every poll when not live): reload what trades change */
  version: number;
  /** true while the WebSocket is connected */
  live: boolean;
}

const POLL_MS = 3000;

function socketUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === "https:" ? "wss" : "ws"}://${host}/api/v1/market/ws`;
}

/** Subscribe to an instrument's live depth and trades; falls back to polling `poll`. */
export function useMarketFeed(code: string | undefined, poll: () => Promise<DepthLevels>): FeedState {
  const [state, setState] = useState<FeedState>({ depth: null, version: 0, live: false });
  const pollRef = useRef(poll);
  pollRef.current = poll;

  useEffect(() => {
    if (!code) return undefined;
    let closed = false;
    let timer: number | undefined;
    let socket: WebSocket | null = null;
    setState({ depth: null, version: 0, live: false });

    const pollOnce = () => {
      pollRef.current().then(
        (depth) => {
          if (!closed) setState((s) => ({ depth, version: s.version + 1, live: false }));
        },
        () => undefined,
      );
    };
    const startPolling = () => {
      if (closed || timer !== undefined) return;
      pollOnce();
      timer = window.setInterval(pollOnce, POLL_MS);
    };

    if (typeof WebSocket === "undefined") {
      startPolling();
    } else {
      try {
        socket = new WebSocket(socketUrl());
      } catch {
        socket = null;
        startPolling();
      }
      if (socket) {
        const ws = socket;
        ws.onopen = () => {
          ws.send(JSON.stringify({ subscribe: [code] }));
          setState((s) => ({ ...s, live: true }));
        };
        ws.onmessage = (event: MessageEvent) => {
          let msg: { type?: string; instrument?: string; bids?: number[][]; asks?: number[][] };
          try {
            msg = JSON.parse(String(event.data)) as typeof msg;
          } catch {
            return;
          }
          if (msg.instrument !== code) return;
          if (msg.type === "depth") {
            const depth = { bids: msg.bids ?? [], asks: msg.asks ?? [] };
            setState((s) => ({ ...s, depth, live: true }));
          } else if (msg.type === "trade") {
            setState((s) => ({ ...s, version: s.version + 1 }));
          }
        };
        ws.onerror = () => startPolling();
        ws.onclose = () => {
          if (!closed) {
            setState((s) => ({ ...s, live: false }));
            startPolling();
          }
        };
      }
    }
    return () => {
      closed = true;
      if (timer !== undefined) window.clearInterval(timer);
      if (socket) {
        socket.onclose = null;
        socket.onerror = null;
        socket.onmessage = null;
        socket.close();
      }
    };
  }, [code]);

  return state;
}
