/**
 * The enterprise's trading screen: an instrument, its statistics, depth chart and book
 * ladder, daily candles, the order form with escrow hints, my orders and trades (with
 * their settlement on chain) and the public tape. Depth and trades arrive over the
 * market WebSocket; orders, trades and balances are polled (settlement is not pushed).
 */
import { useMemo, useRef, useState } from "react";
import { App, Badge, Card, Col, Empty, Flex, Row, Skeleton, Tabs, Typography } from "antd";
import { call } from "../../api/client";
import { PageHeader } from "../../components/PageHeader";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";
import { CandleChart, DepthChart } from "./charts";
import { useMarketFeed, usePolled } from "./live";
import { OrderForm, type OrderFormHandle } from "./OrderForm";
import { OrdersTable, TradesTable } from "./MyOrders";
import { DealsPanel } from "./Deals";
import type { Funds } from "./orderRules";
import { allowanceHolding, coinHolding } from "../registry/amounts";
import {
  BookLadder,
  InstrumentRulesCard,
  InstrumentSelect,
  money,
  StatsRow,
  Tape,
  useInstruments,
  useReloadOn,
} from "./widgets";

const POLL_MS = 2500;

export function LiveBadge({ live }: { live: boolean }) {
  const { t } = useI18n();
  return (
    <Badge
      status={live ? "success" : "default"}
      text={live ? t("market.live") : t("market.polling")}
      data-testid="feed-state"
    />
  );
}

/** The chosen instrument: the URL's `?instrument=` or the first listed. */
export function useChosenInstrument(codes: string[]): [string | undefined, (code: string) => void] {
  const [chosen, setChosen] = useState<string | undefined>(() => new URLSearchParams(window.location.search).get("instrument") ?? undefined);
  const code = chosen && codes.includes(chosen) ? chosen : codes[0];
  return [code, setChosen];
}

export function Trading() {
  const { t, fmt } = useI18n();
  const { api, me } = useSession();
  const { message } = App.useApp();
  const instruments = useInstruments();
  const list = instruments.data ?? [];
  const [code, setCode] = useChosenInstrument(list.map((i) => i.code));
  const instrument = list.find((i) => i.code === code);
  const formRef = useRef<OrderFormHandle>(null);

  const feed = useMarketFeed(code, async () => {
    if (!code) return { bids: [], asks: [] };
    return call(api.client.GET("/api/v1/market/instruments/{code}/depth", { params: { path: { code } } }));
  });
  const stats = usePolled(
    () =>
      code
        ? call(api.client.GET("/api/v1/market/instruments/{code}/statistics", { params: { path: { code } } }))
        : Promise.resolve(undefined),
    [api, code],
    POLL_MS * 2,
  );
  const candles = usePolled(
    () =>
      code ? call(api.client.GET("/api/v1/market/instruments/{code}/ohlcv", { params: { path: { code } } })) : Promise.resolve([]),
    [api, code],
  );
  const orders = usePolled(
    () =>
      code
        ? call(api.client.GET("/api/v1/market/orders", { params: { query: { instrument: code, limit: 50 } } }))
        : Promise.resolve({ items: [], total: 0, offset: 0, limit: 50 }),
    [api, code],
    POLL_MS,
  );
  const trades = usePolled(
    () =>
      code
        ? call(api.client.GET("/api/v1/market/trades", { params: { query: { instrument: code, limit: 50, sort: "-id" } } }))
        : Promise.resolve({ items: [], total: 0, offset: 0, limit: 50 }),
    [api, code],
    POLL_MS,
  );
  const balances = usePolled(() => call(api.client.GET("/api/v1/registry/balances")), [api], POLL_MS);
  const deals = usePolled(() => call(api.client.GET("/api/v1/market/deals")), [api], POLL_MS * 2);

  // a trade anywhere on the instrument: statistics, candles, balances change
  const reloadAll = useMemo(
    () => () => {
      stats.reload();
      candles.reload();
      orders.reload();
      trades.reload();
      balances.reload();
      instruments.reload();
      deals.reload();
    },
    [stats.reload, candles.reload, orders.reload, trades.reload, balances.reload, instruments.reload, deals.reload], // eslint-disable-line react-hooks/exhaustive-deps
  );
  useReloadOn(feed.version, reloadAll);

  const vintageBalance = balances.data?.allowances.find((a) => a.vintage === instrument?.vintage);
  const coin = balances.data ? coinHolding(balances.data) : undefined;
  const allowances = allowanceHolding(vintageBalance ?? { vintage: 0, balance: 0, escrowed: 0 });
  // what a new order can escrow: the free amounts (open orders already hold the rest)
  const funds: Funds | null = balances.data ? { coinCents: balances.data.coin_cents, allowances: allowances.available } : null;

  const selector = (
    <Flex gap={12} align="center" wrap>
      {list.length ? <InstrumentSelect instruments={list} value={code} onChange={setCode} /> : null}
      <LiveBadge live={feed.live} />
    </Flex>
  );

  if (instruments.loading) {
    return (
      <>
        <PageHeader title={t("market.tradingTitle")} subtitle={t("market.tradingIntro")} />
        <Skeleton active />
      </>
    );
  }
  return (
    <>
      <PageHeader title={t("market.tradingTitle")} subtitle={t("market.tradingIntro")} extra={selector} />
      <ProblemAlert error={instruments.error} onRetry={instruments.reload} />
      {!instruments.error && list.length === 0 ? (
        <Card>
          <Empty description={t("market.noInstruments")} />
        </Card>
      ) : null}
      {instrument && code ? (
        <Flex vertical gap={16}>
          <Card size="small">
            <ProblemAlert error={stats.error} onRetry={stats.reload} />
            <StatsRow stats={stats.data} instrument={instrument} />
          </Card>
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={9} xxl={7}>
              <Flex vertical gap={16}>
                <Card title={t("market.orderEntry")} size="small">
                  <OrderForm
                    ref={formRef}
                    instrument={instrument}
                    funds={funds}
                    book={feed.depth}
                    onPlaced={(order) => {
                      void message.success(
                        t("market.placed", {
                          id: order.id,
                          state: t(`market.orderState.${order.state === "filled" ? "filled" : "open"}`),
                        }),
                      );
                      reloadAll();
                    }}
                  />
                </Card>
                <Card title={t("market.balances")} size="small" data-testid="balances">
                  <ProblemAlert error={balances.error} onRetry={balances.reload} />
                  {balances.data ? (
                    <Flex vertical gap={4}>
                      <Flex justify="space-between">
                        <Typography.Text type="secondary">{t("market.coinAvailable")}</Typography.Text>
                        <Typography.Text strong data-testid="coin-balance">
                          {money(fmt, coin?.available)}
                        </Typography.Text>
                      </Flex>
                      <Flex justify="space-between">
                        <Typography.Text type="secondary">{t("market.coinLocked")}</Typography.Text>
                        <Typography.Text data-testid="coin-locked">{money(fmt, coin?.locked)}</Typography.Text>
                      </Flex>
                      <Flex justify="space-between">
                        <Typography.Text type="secondary">{t("market.coinTotal")}</Typography.Text>
                        <Typography.Text data-testid="coin-total">{money(fmt, coin?.total)}</Typography.Text>
                      </Flex>
                      <Flex justify="space-between">
                        <Typography.Text type="secondary">{t("market.allowancesAvailable", { vintage: instrument.vintage })}</Typography.Text>
                        <Typography.Text strong data-testid="allowance-balance">
                          {fmt.number(allowances.available)}
                        </Typography.Text>
                      </Flex>
                      <Flex justify="space-between">
                        <Typography.Text type="secondary">{t("market.allowancesEscrowed")}</Typography.Text>
                        <Typography.Text data-testid="allowance-escrowed">{fmt.number(allowances.locked)}</Typography.Text>
                      </Flex>
                      <Flex justify="space-between">
                        <Typography.Text type="secondary">{t("market.allowancesTotal", { vintage: instrument.vintage })}</Typography.Text>
                        <Typography.Text data-testid="allowance-total">{fmt.number(allowances.total)}</Typography.Text>
                      </Flex>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {t("market.balancesNote", { block: fmt.number(balances.data.indexed_block) })}
                      </Typography.Text>
                    </Flex>
                  ) : (
                    <Skeleton active paragraph={{ rows: 2 }} />
                  )}
                </Card>
              </Flex>
            </Col>
            <Col xs={24} lg={15} xxl={17}>
              <Flex vertical gap={16}>
                <Card size="small">
                  <InstrumentRulesCard instrument={instrument} />
                </Card>
                <Row gutter={[16, 16]}>
                  <Col xs={24} xl={14}>
                    <Card title={t("market.depthChart")} size="small">
                      <DepthChart depth={feed.depth} />
                    </Card>
                  </Col>
                  <Col xs={24} xl={10}>
                    <Card title={t("market.book")} size="small" extra={<Typography.Text type="secondary">{t("market.bookPick")}</Typography.Text>}>
                      <BookLadder depth={feed.depth} onPick={(cents) => formRef.current?.setPrice(cents)} />
                    </Card>
                  </Col>
                </Row>
                <Card title={t("market.priceChart")} size="small">
                  <ProblemAlert error={candles.error} onRetry={candles.reload} />
                  {candles.loading ? <Skeleton active /> : <CandleChart candles={candles.data} />}
                </Card>
              </Flex>
            </Col>
          </Row>
          <Card size="small">
            <Tabs
              items={[
                {
                  key: "orders",
                  label: t("market.myOrders"),
                  children: <OrdersTable orders={orders} instrument={instrument} onChanged={reloadAll} />,
                },
                {
                  key: "trades",
                  label: t("market.myTrades"),
                  children: <TradesTable trades={trades} orgId={me?.organisation.id} />,
                },
                {
                  key: "deals",
                  label: t("market.deal.tab"),
                  children: <DealsPanel deals={deals} instrument={instrument} onChanged={reloadAll} />,
                },
              ]}
            />
          </Card>
          <Tape code={code} version={feed.version} />
        </Flex>
      ) : null}
    </>
  );
}
