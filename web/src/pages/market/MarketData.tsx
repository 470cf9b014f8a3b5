/**
 * Public market data (no sign-in): every listed instrument with its last price, change and
 * volume; the chosen one's daily candles, depth and trade tape, live over the WebSocket.
 */
import { Card, Col, Empty, Flex, Row, Skeleton, Table } from "antd";
import { call } from "../../api/client";
import { PageHeader } from "../../components/PageHeader";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";
import { CandleChart, DepthChart, useMarketColours } from "./charts";
import { useMarketFeed, usePolled } from "./live";
import { LiveBadge, useChosenInstrument } from "./Trading";
import {
  BookLadder,
  changeOf,
  InstrumentRulesCard,
  InstrumentSelect,
  money,
  SessionBadge,
  StatsRow,
  Tape,
  useInstruments,
  useReloadOn,
  type Instrument,
} from "./widgets";

/** One row per instrument, with its statistics. */
export function Overview({ instruments, onPick }: { instruments: Instrument[]; onPick: (code: string) => void }) {
  const { t, fmt } = useI18n();
  const { api } = useSession();
  const colours = useMarketColours();
  const stats = usePolled(
    () =>
      Promise.all(
        instruments.map((i) =>
          call(api.client.GET("/api/v1/market/instruments/{code}/statistics", { params: { path: { code: i.code } } })),
        ),
      ),
    [api, instruments.map((i) => i.code).join(",")],
    10_000,
  );
  return (
    <Card title={t("market.overview")} size="small">
      <ProblemAlert error={stats.error} onRetry={stats.reload} />
      <Table
        size="small"
        rowKey="instrument"
        loading={stats.loading}
        dataSource={stats.data ?? []}
        pagination={false}
        scroll={{ x: 860 }}
        data-testid="market-overview"
        onRow={(r) => ({ onClick: () => onPick(r.instrument), style: { cursor: "pointer" } })}
        columns={[
          { title: t("market.instrument"), dataIndex: "instrument" },
          { title: t("market.session"), dataIndex: "open", render: (open: boolean) => <SessionBadge open={open} /> },
          { title: t("market.last"), dataIndex: "last_price", align: "right", render: (p: number | null) => money(fmt, p) },
          {
            title: t("market.change"),
            key: "change",
            align: "right",
            render: (_, s) => {
              const c = changeOf(s.last_price, s.previous_close);
              if (c === null) return "—";
              return (
                <span style={{ color: c > 0 ? colours.up : c < 0 ? colours.down : undefined }}>
                  {`${c > 0 ? "+" : ""}${fmt.number(c, 2)}%`}
                </span>
              );
            },
          },
          { title: t("market.volumeT"), dataIndex: "volume", align: "right", render: (v: number) => fmt.number(v) },
          { title: t("market.negotiatedVolumeT"), dataIndex: "negotiated_volume", align: "right", render: (v: number) => fmt.number(v) },
          { title: t("market.turnover"), dataIndex: "turnover", align: "right", render: (v: number) => money(fmt, v) },
          { title: t("market.trades"), dataIndex: "trades", align: "right", render: (v: number) => fmt.number(v) },
        ]}
      />
    </Card>
  );
}

export function MarketData() {
  const { t } = useI18n();
  const { api } = useSession();
  const instruments = useInstruments();
  const list = instruments.data ?? [];
  const [code, setCode] = useChosenInstrument(list.map((i) => i.code));
  const instrument = list.find((i) => i.code === code);
  const feed = useMarketFeed(code, async () =>
    code ? call(api.client.GET("/api/v1/market/instruments/{code}/depth", { params: { path: { code } } })) : { bids: [], asks: [] },
  );
  const stats = usePolled(
    () =>
      code
        ? call(api.client.GET("/api/v1/market/instruments/{code}/statistics", { params: { path: { code } } }))
        : Promise.resolve(undefined),
    [api, code],
    10_000,
  );
  const candles = usePolled(
    () =>
      code ? call(api.client.GET("/api/v1/market/instruments/{code}/ohlcv", { params: { path: { code } } })) : Promise.resolve([]),
    [api, code],
  );
  const { reload: reloadStats } = stats;
  const { reload: reloadCandles } = candles;
  useReloadOn(feed.version, reloadStats);
  useReloadOn(feed.version, reloadCandles);

  return (
    <>
      <PageHeader
        title={t("market.dataTitle")}
        subtitle={t("market.dataIntro")}
        extra={
          <Flex gap={12} align="center" wrap>
            {list.length ? <InstrumentSelect instruments={list} value={code} onChange={setCode} /> : null}
            <LiveBadge live={feed.live} />
          </Flex>
        }
      />
      <ProblemAlert error={instruments.error} onRetry={instruments.reload} />
      {instruments.loading ? <Skeleton active /> : null}
      {!instruments.loading && !instruments.error && list.length === 0 ? (
        <Card>
          <Empty description={t("market.noInstruments")} />
        </Card>
      ) : null}
      {instrument && code ? (
        <Flex vertical gap={16}>
          <Overview instruments={list} onPick={setCode} />
          <Card size="small" title={code}>
            <ProblemAlert error={stats.error} onRetry={stats.reload} />
            <StatsRow stats={stats.data} instrument={instrument} />
            <div style={{ marginTop: 12 }}>
              <InstrumentRulesCard instrument={instrument} />
            </div>
          </Card>
          <Row gutter={[16, 16]}>
            <Col xs={24} xl={14}>
              <Card title={t("market.priceChart")} size="small">
                <ProblemAlert error={candles.error} onRetry={candles.reload} />
                {candles.loading ? <Skeleton active /> : <CandleChart candles={candles.data} height={340} />}
              </Card>
            </Col>
            <Col xs={24} xl={10}>
              <Card title={t("market.depthChart")} size="small">
                <DepthChart depth={feed.depth} />
              </Card>
            </Col>
          </Row>
          <Row gutter={[16, 16]}>
            <Col xs={24} xl={10}>
              <Card title={t("market.book")} size="small">
                <BookLadder depth={feed.depth} />
              </Card>
            </Col>
            <Col xs={24} xl={14}>
              <Tape code={code} version={feed.version} />
            </Col>
          </Row>
        </Flex>
      ) : null}
    </>
  );
}
