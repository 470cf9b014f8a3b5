/**
 * One auction and, once closed, its published result: the clearing price every winner
 * pays, what was sold of what was offered, each fill with its settlement transaction
 * (buyers named only to the seller, each buyer itself and supervisors), and the bids the
 * viewer may see (its own; a regulator's, all) with what their escrow did.
 */
import { useState } from "react";
import { useParams } from "react-router-dom";
import { Alert, App, Button, Card, Col, Descriptions, Empty, Flex, Row, Skeleton, Statistic, Table, Tag, Typography } from "antd";
import { ArrowLeftOutlined, ReloadOutlined } from "@ant-design/icons";
import { call, type Schemas } from "../../api/client";
import type { ApiError } from "../../api/errors";
import { LinkButton } from "../../components/LinkButton";
import { PageHeader } from "../../components/PageHeader";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";
import { BlockLink, TxHash } from "../registry/common";
import { BidDialog } from "./AuctionForms";
import { AuctionStateTag, CloseAuctionButton, mayBid, mayClose, Party, useFunds, useOrgNames } from "./Auctions";
import { usePolled } from "./live";
import { money, TradeStateTag, useInstruments, type Order } from "./widgets";

type Fill = Schemas["AuctionFill"];
const POLL_MS = 3000;

export function AuctionResult() {
  const { t, tx, fmt } = useI18n();
  const { api, role, me } = useSession();
  const { message } = App.useApp();
  const id = Number(useParams().id);
  const valid = Number.isInteger(id) && id > 0;
  const names = useOrgNames();
  const funds = useFunds();
  const instruments = useInstruments();
  const [bidding, setBidding] = useState(false);
  const [actionError, setActionError] = useState<ApiError | null>(null);

  const auction = usePolled(
    () => (valid ? call(api.client.GET("/api/v1/market/auctions/{auction_id}", { params: { path: { auction_id: id } } })) : Promise.resolve(undefined)),
    [api, id, valid],
    POLL_MS,
  );
  const closed = auction.data?.state === "closed";
  const fills = usePolled(
    () =>
      valid && closed
        ? call(api.client.GET("/api/v1/market/auctions/{auction_id}/fills", { params: { path: { auction_id: id } } }))
        : Promise.resolve([] as Fill[]),
    [api, id, valid, closed],
    POLL_MS,
  );
  const orders = usePolled(
    () => (valid ? call(api.client.GET("/api/v1/market/orders", { params: { query: { auction_id: id, limit: 200 } } })) : Promise.resolve(undefined)),
    [api, id, valid],
    POLL_MS,
  );
  const reload = () => {
    auction.reload();
    fills.reload();
    orders.reload();
    funds.balances.reload();
  };

  const a = auction.data;
  const mine = me?.organisation.id;
  const header = (
    <PageHeader
      title={a ? t("auction.detailTitle", { id: a.id, code: a.instrument }) : t("auction.detailTitleBare", { id: valid ? id : "—" })}
      subtitle={t("auction.detailIntro")}
      extra={
        <>
          <LinkButton to="/app/auctions" icon={<ArrowLeftOutlined />}>
            {t("auction.back")}
          </LinkButton>
          <Button icon={<ReloadOutlined />} onClick={reload}>
            {t("common.refresh")}
          </Button>
        </>
      }
    />
  );
  if (auction.loading && !a) {
    return (
      <>
        {header}
        <Skeleton active />
      </>
    );
  }
  if (!a) {
    return (
      <>
        {header}
        <ProblemAlert error={auction.error} onRetry={auction.reload} />
        {!auction.error ? (
          <Card>
            <Empty description={t("auction.notFound")} />
          </Card>
        ) : null}
      </>
    );
  }

  const unsold = a.quantity - a.sold;
  const fillRows = fills.data ?? [];
  const settled = fillRows.filter((f) => f.state === "settled").length;
  const bids = (orders.data?.items ?? []).filter((o) => o.kind === "auction_bid");
  return (
    <>
      {header}
      <ProblemAlert error={auction.error} onRetry={auction.reload} />
      <ProblemAlert error={actionError} />
      <Flex vertical gap={16}>
        <Card
          title={t("auction.details")}
          size="small"
          extra={
            <Flex gap={8}>
              {mayBid(a, role, mine) ? (
                <Button size="small" type="primary" onClick={() => setBidding(true)}>
                  {t("auction.bid.place")}
                </Button>
              ) : null}
              {mayClose(a, role, mine) ? <CloseAuctionButton auction={a} onClosed={reload} onError={setActionError} /> : null}
            </Flex>
          }
        >
          <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 4 }} data-testid="auction-details">
            <Descriptions.Item label={t("auction.stateCol")}>
              <AuctionStateTag state={a.state} />
            </Descriptions.Item>
            <Descriptions.Item label={t("auction.seller")}>
              <Party id={a.seller_org} names={names} />
            </Descriptions.Item>
            <Descriptions.Item label={t("auction.offered")}>{t("market.tonnesN", { n: fmt.number(a.quantity) })}</Descriptions.Item>
            <Descriptions.Item label={t("auction.reserve")}>{money(fmt, a.reserve)}</Descriptions.Item>
            <Descriptions.Item label={t("auction.bids")}>{fmt.number(a.bids)}</Descriptions.Item>
            <Descriptions.Item label={t("auction.opened")}>{fmt.dateTime(a.created_at)}</Descriptions.Item>
            <Descriptions.Item label={t("auction.closedOn")}>{fmt.dateTime(a.closed_at)}</Descriptions.Item>
          </Descriptions>
          {a.state === "open" ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t("auction.sealedNote")}
            </Typography.Text>
          ) : null}
        </Card>

        {closed ? (
          <Card title={t("auction.result")} size="small" data-testid="auction-result">
            {a.clearing_price === null ? (
              <Alert type="info" showIcon message={t("auction.unsold")} description={t("auction.unsoldText")} />
            ) : (
              <Row gutter={[16, 16]}>
                <Col xs={12} md={6}>
                  <Statistic title={t("auction.clearingPrice")} value={money(fmt, a.clearing_price)} suffix={t("market.priceUnit")} data-testid="clearing-price" />
                </Col>
                <Col xs={12} md={6}>
                  <Statistic title={t("auction.sold")} value={fmt.number(a.sold)} suffix={`/ ${fmt.number(a.quantity)} ${t("market.tonnes")}`} />
                </Col>
                <Col xs={12} md={6}>
                  <Statistic title={t("auction.unsoldQuantity")} value={fmt.number(unsold)} suffix={t("market.tonnes")} />
                </Col>
                <Col xs={12} md={6}>
                  <Statistic title={t("market.turnover")} value={money(fmt, a.clearing_price * a.sold)} />
                </Col>
              </Row>
            )}
          </Card>
        ) : null}

        {closed ? (
          <Card
            title={t("auction.fills")}
            size="small"
            extra={fillRows.length ? <Typography.Text type="secondary">{t("auction.fillsSettled", { n: fmt.number(settled), of: fmt.number(fillRows.length) })}</Typography.Text> : null}
          >
            <ProblemAlert error={fills.error} onRetry={fills.reload} />
            <Table<Fill>
              size="small"
              rowKey="trade_id"
              loading={fills.loading}
              dataSource={fillRows}
              pagination={{ pageSize: 20, showSizeChanger: false, hideOnSinglePage: true }}
              scroll={{ x: 820 }}
              locale={{ emptyText: t("auction.noFills") }}
              data-testid="auction-fills"
              columns={[
                { title: t("auction.trade"), dataIndex: "trade_id", width: 80, render: (n: number) => `#${n}` },
                { title: t("auction.buyer"), dataIndex: "buyer_org", render: (org: number | null) => <Party id={org} names={names} /> },
                { title: t("market.price"), dataIndex: "price", align: "right", render: (p: number) => money(fmt, p) },
                { title: t("market.quantityT"), dataIndex: "quantity", align: "right", render: (q: number) => fmt.number(q) },
                { title: t("market.settlement"), dataIndex: "state", render: (s: string) => <TradeStateTag state={s} /> },
                { title: t("market.txHash"), dataIndex: "tx_hash", render: (h: string | null) => <TxHash hash={h} /> },
                { title: t("auction.block"), dataIndex: "block_number", render: (n: number | null) => <BlockLink number={n} /> },
              ]}
            />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t("auction.fillsNote")}
            </Typography.Text>
          </Card>
        ) : null}

        <Card title={role === "regulator" || role === "admin" ? t("auction.allBids") : t("auction.myBids")} size="small">
          <ProblemAlert error={orders.error} onRetry={orders.reload} />
          <Table<Order>
            size="small"
            rowKey="id"
            loading={orders.loading}
            dataSource={bids}
            pagination={{ pageSize: 20, showSizeChanger: false, hideOnSinglePage: true }}
            scroll={{ x: 860 }}
            locale={{ emptyText: a.seller_org === mine ? t("auction.sellerSeesNoBids") : t("auction.noBids") }}
            data-testid="auction-bids"
            columns={[
              { title: "#", dataIndex: "id", width: 70 },
              ...(role === "regulator" || role === "admin"
                ? [{ title: t("auction.bidder"), key: "org", render: (_: unknown, o: Order) => <Party id={o.org_id} names={names} /> }]
                : []),
              { title: t("market.time"), dataIndex: "created_at", render: (d: string) => fmt.dateTime(d) },
              { title: t("auction.bidPrice"), dataIndex: "price", align: "right" as const, render: (p: number | null) => money(fmt, p) },
              {
                title: t("market.filledOf"),
                key: "filled",
                align: "right" as const,
                render: (_: unknown, o: Order) => `${fmt.number(o.filled)} / ${fmt.number(o.quantity)}`,
              },
              {
                title: t("market.orderState"),
                dataIndex: "state",
                render: (s: string) => <Tag color={s === "filled" ? "success" : s === "open" ? "processing" : "default"}>{tx(`auction.bidState.${s}`, s)}</Tag>,
              },
              {
                title: t("market.escrow"),
                key: "escrow",
                render: (_: unknown, o: Order) => (
                  <Flex vertical>
                    <span>{t("market.coinAmount", { amount: money(fmt, o.escrow_price * o.escrow_quantity) })}</span>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {o.released ? t("market.released") : o.state === "open" ? t("market.held") : t("market.releasing")}
                    </Typography.Text>
                  </Flex>
                ),
              },
              { title: t("auction.escrowTx"), dataIndex: "escrow_tx", render: (h: string) => <TxHash hash={h || null} /> },
            ]}
          />
        </Card>
      </Flex>
      <BidDialog
        auction={bidding ? a : null}
        instrument={(instruments.data ?? []).find((i) => i.code === a.instrument)}
        coinCents={funds.coinCents}
        onClose={() => setBidding(false)}
        onDone={(o) => {
          setBidding(false);
          void message.success(t("auction.bid.done", { id: o.id, auction: a.id }));
          reload();
        }}
      />
    </>
  );
}
