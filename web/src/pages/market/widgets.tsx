/** Pieces the trading, market-data and surveillance screens share. */
import { Badge, Card, Col, Descriptions, Empty, Row, Select, Skeleton, Statistic, Table, Tag, Tooltip, Typography } from "antd";
import { useEffect, useRef } from "react";
import { call, type Schemas } from "../../api/client";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n, type Formatters } from "../../i18n";
import { useSession } from "../../session";
import { useMarketColours } from "./charts";
import { usePolled, type DepthLevels } from "./live";

export type Instrument = Schemas["InstrumentPublic"];
export type Stats = Schemas["Statistics"];
export type TapeEntry = Schemas["TapeEntry"];
export type Order = Schemas["OrderPublic"];
export type Trade = Schemas["TradePublic"];

/** cents → "80.05" in the locale's digits */
export function money(fmt: Formatters, cents: number | null | undefined): string {
  return cents === null || cents === undefined ? "—" : fmt.number(cents / 100, 2);
}

/**
 * The variables of a rule's message in the locale's digits: money ("8025.00") with two
 * decimals, tonnes as whole numbers (the rules build them without a locale).
 */
export function localVars(fmt: Formatters, vars: Record<string, string | number> | undefined) {
  if (!vars) return undefined;
  return Object.fromEntries(
    Object.entries(vars).map(([k, v]) => [
      k,
      typeof v === "number" ? fmt.number(v) : /^\d+\.\d{2}$/.test(v) ? fmt.number(Number(v), 2) : v,
    ]),
  );
}

/** The change of the last price against the previous close, as a signed percentage text. */
export function changeOf(last: number | null | undefined, previous: number | null | undefined): number | null {
  if (last === null || last === undefined || !previous) return null;
  return ((last - previous) / previous) * 100;
}

export function useInstruments() {
  const { api } = useSession();
  return usePolled(() => call(api.client.GET("/api/v1/market/instruments")), [api], 15_000);
}

export function InstrumentSelect({
  instruments,
  value,
  onChange,
}: {
  instruments: Instrument[];
  value: string | undefined;
  onChange: (code: string) => void;
}) {
  const { t } = useI18n();
  return (
    <Select<string>
      aria-label={t("market.instrument")}
      style={{ width: 160 }}
      value={value}
      onChange={onChange}
      options={instruments.map((i) => ({ value: i.code, label: i.code }))}
      data-testid="instrument-select"
    />
  );
}

export function SessionBadge({ open }: { open: boolean }) {
  const { t } = useI18n();
  return <Badge status={open ? "processing" : "default"} text={open ? t("market.sessionOpen") : t("market.sessionClosed")} />;
}

/** Last price, change, limits, best bid/ask, volume, turnover, VWAP of one instrument. */
export function StatsRow({ stats, instrument }: { stats: Stats | undefined; instrument: Instrument | undefined }) {
  const { t, fmt } = useI18n();
  const colours = useMarketColours();
  if (!stats || !instrument) return <Skeleton active paragraph={{ rows: 2 }} />;
  const change = changeOf(stats.last_price, stats.previous_close);
  const changeColour = change === null || change === 0 ? undefined : change > 0 ? colours.up : colours.down;
  const items: { key: string; title: string; value: string; colour?: string; hint?: string }[] = [
    { key: "last", title: t("market.last"), value: money(fmt, stats.last_price), colour: changeColour },
    {
      key: "change",
      title: t("market.change"),
      value: change === null ? "—" : `${change > 0 ? "+" : ""}${fmt.number(change, 2)}%`,
      colour: changeColour,
    },
    { key: "bid", title: t("market.bestBid"), value: money(fmt, stats.best_bid) },
    { key: "ask", title: t("market.bestAsk"), value: money(fmt, stats.best_ask) },
    {
      key: "volume",
      title: t("market.volumeT"),
      value: fmt.number(stats.volume),
      hint: stats.negotiated_volume ? t("market.negotiatedShare", { n: fmt.number(stats.negotiated_volume) }) : undefined,
    },
    { key: "turnover", title: t("market.turnover"), value: money(fmt, stats.turnover) },
    { key: "vwap", title: t("market.vwap"), value: money(fmt, stats.vwap) },
    {
      key: "limits",
      title: t("market.limits"),
      value: stats.price_limits ? `${money(fmt, stats.price_limits[0])} – ${money(fmt, stats.price_limits[1])}` : "—",
    },
  ];
  return (
    <Row gutter={[16, 16]} data-testid="market-stats">
      {items.map((i) => (
        <Col key={i.key} xs={12} sm={8} lg={6} xl={3}>
          <Statistic title={i.title} value={i.value} valueStyle={{ fontSize: 18, color: i.colour }} />
          {i.hint ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid={`stats-${i.key}-hint`}>
              {i.hint}
            </Typography.Text>
          ) : null}
        </Col>
      ))}
    </Row>
  );
}

/** The instrument's rules as the order form applies them. */
export function InstrumentRulesCard({ instrument }: { instrument: Instrument }) {
  const { t, fmt } = useI18n();
  return (
    <Descriptions size="small" column={{ xs: 1, sm: 2, md: 3 }} data-testid="instrument-rules">
      <Descriptions.Item label={t("market.session")}>
        <SessionBadge open={instrument.open} />
      </Descriptions.Item>
      <Descriptions.Item label={t("market.previousClose")}>{money(fmt, instrument.previous_close)}</Descriptions.Item>
      <Descriptions.Item label={t("market.tick")}>{money(fmt, instrument.tick)}</Descriptions.Item>
      <Descriptions.Item label={t("market.lot")}>{t("market.tonnesN", { n: fmt.number(instrument.lot) })}</Descriptions.Item>
      <Descriptions.Item label={t("market.limitBand")}>±{fmt.number(instrument.price_limit_bps / 100, 2)}%</Descriptions.Item>
    </Descriptions>
  );
}

/** The book ladder: asks above (best at the bottom), bids below (best at the top). */
export function BookLadder({ depth, onPick }: { depth: DepthLevels | null; onPick?: (cents: number) => void }) {
  const { t, fmt } = useI18n();
  const colours = useMarketColours();
  if (!depth) return <Skeleton active />;
  if (depth.bids.length === 0 && depth.asks.length === 0) {
    return <Empty description={t("market.depthEmpty")} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  }
  const rows = [
    ...[...depth.asks].reverse().map(([price = 0, quantity = 0, orders = 0]) => ({ side: "ask" as const, price, quantity, orders })),
    ...depth.bids.map(([price = 0, quantity = 0, orders = 0]) => ({ side: "bid" as const, price, quantity, orders })),
  ];
  return (
    <Table
      size="small"
      rowKey={(r) => `${r.side}-${r.price}`}
      pagination={false}
      dataSource={rows}
      data-testid="book-ladder"
      onRow={(r) => ({ onClick: () => onPick?.(r.price), style: onPick ? { cursor: "pointer" } : undefined })}
      columns={[
        {
          title: t("market.side"),
          dataIndex: "side",
          width: 70,
          render: (s: "bid" | "ask") => (
            <Typography.Text style={{ color: s === "bid" ? colours.bid : colours.ask }}>
              {s === "bid" ? t("market.bid") : t("market.ask")}
            </Typography.Text>
          ),
        },
        { title: t("market.price"), dataIndex: "price", align: "right", render: (p: number) => money(fmt, p) },
        { title: t("market.quantityT"), dataIndex: "quantity", align: "right", render: (q: number) => fmt.number(q) },
        { title: t("market.orders"), dataIndex: "orders", align: "right", width: 70, render: (n: number) => fmt.number(n) },
      ]}
    />
  );
}

const VENUE_COLOURS: Record<string, string> = { book: "blue", auction: "purple", deal: "gold" };

/** Where a trade was made: the order book, an auction or a negotiated (block) trade. */
export function VenueTag({ kind }: { kind: string }) {
  const { tx } = useI18n();
  return (
    <Tag color={VENUE_COLOURS[kind] ?? "default"} data-testid="trade-venue">
      {tx(`market.tradeKind.${kind}`, kind)}
    </Tag>
  );
}

export function TradeStateTag({ state }: { state: string }) {
  const { tx } = useI18n();
  const colour = { settled: "success", matched: "processing", settling: "processing", failed: "warning", reversed: "error" }[state] ?? "default";
  return <Tag color={colour}>{tx(`market.tradeState.${state}`, state)}</Tag>;
}

export function TxHash({ hash }: { hash: string | null | undefined }) {
  if (!hash) return <>—</>;
  return (
    <Tooltip title={hash}>
      <Typography.Text code copyable={{ text: hash }} style={{ fontSize: 12 }} data-testid="tx-hash">
        {`${hash.slice(0, 10)}…${hash.slice(-6)}`}
      </Typography.Text>
    </Tooltip>
  );
}

/** The public trade tape (no parties). */
export function Tape({ code, version }: { code: string; version: number }) {
  const { t, tx, fmt } = useI18n();
  const { api } = useSession();
  const tape = usePolled(
    () => call(api.client.GET("/api/v1/market/instruments/{code}/trades", { params: { path: { code }, query: { limit: 50 } } })),
    [api, code],
  );
  const { reload } = tape;
  useReloadOn(version, reload);
  return (
    <Card title={t("market.tape")} size="small">
      <ProblemAlert error={tape.error} onRetry={tape.reload} />
      <Table<TapeEntry>
        size="small"
        rowKey={(e) => `${e.kind}-${e.id}`}
        loading={tape.loading}
        dataSource={tape.data ?? []}
        pagination={{ pageSize: 10, showSizeChanger: false, hideOnSinglePage: true }}
        scroll={{ x: 600 }}
        locale={{ emptyText: t("market.tapeEmpty") }}
        data-testid="trade-tape"
        columns={[
          { title: t("market.time"), dataIndex: "matched_at", render: (d: string) => fmt.dateTime(d) },
          { title: t("market.price"), dataIndex: "price", align: "right", render: (p: number) => money(fmt, p) },
          { title: t("market.quantityT"), dataIndex: "quantity", align: "right", render: (q: number) => fmt.number(q) },
          { title: t("market.kind"), dataIndex: "kind", render: (k: string) => <VenueTag kind={k} /> },
          { title: t("market.aggressor"), dataIndex: "aggressor", render: (a: string) => (a ? tx(`market.side.${a}`, a) : "—") },
          { title: t("market.settlement"), dataIndex: "state", render: (s: string) => <TradeStateTag state={s} /> },
        ]}
      />
    </Card>
  );
}

/** Call `reload` whenever `version` changes after the first render. */
export function useReloadOn(version: number, reload: () => void) {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    reload();
  }, [version, reload]);
}
