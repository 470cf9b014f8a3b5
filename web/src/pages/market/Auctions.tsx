/**
 * Sealed-bid, uniform-price auctions: every auction, open and closed (public, as the API
 * publishes them). An enterprise opens one (its allowances are escrowed), bids in
 * others' (its coin is escrowed at the bid price); the seller or a regulator closes it,
 * and its result — one clearing price, the fills settled on chain — is on its own page.
 */
import { useMemo, useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { App, Button, Card, Flex, Popconfirm, Radio, Table, Tag, Typography } from "antd";
import { PlusOutlined, ReloadOutlined } from "@ant-design/icons";
import { call } from "../../api/client";
import type { ApiError } from "../../api/errors";
import { LinkButton } from "../../components/LinkButton";
import { PageHeader } from "../../components/PageHeader";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { asApiError } from "../../lib/problems";
import { useLoad } from "../../lib/useLoad";
import { useSession } from "../../session";
import { available } from "../registry/amounts";
import { BidDialog, CreateAuctionDialog, type Auction } from "./AuctionForms";
import { usePolled } from "./live";
import { money, useInstruments, type Instrument } from "./widgets";

const POLL_MS = 5000;
type StateFilter = "all" | "open" | "closed";

/** Names of organisations for those who may list them (regulators, admins); others get none. */
export function useOrgNames(): Map<number, string> {
  const { api, role } = useSession();
  const supervisor = role === "regulator" || role === "admin";
  const orgs = useLoad(
    () =>
      supervisor
        ? call(api.client.GET("/api/v1/organisations", { params: { query: { limit: 200 } } }))
        : Promise.resolve({ items: [] as { id: number; name: string }[] }),
    [api, supervisor],
  );
  return useMemo(() => new Map((orgs.data?.items ?? []).map((o) => [o.id, o.name])), [orgs.data]);
}

/** An organisation: "your organisation", its name (supervisors), or its number. */
export function Party({ id, names }: { id: number | null | undefined; names: Map<number, string> }) {
  const { t } = useI18n();
  const { me } = useSession();
  if (id === null || id === undefined) return <Typography.Text type="secondary">{t("auction.undisclosed")}</Typography.Text>;
  if (id === me?.organisation.id) return <Tag color="blue">{t("auction.you")}</Tag>;
  return <>{names.get(id) ?? t("auction.orgN", { id })}</>;
}

export function AuctionStateTag({ state }: { state: string }) {
  const { tx } = useI18n();
  return <Tag color={state === "open" ? "processing" : "default"}>{tx(`auction.state.${state}`, state)}</Tag>;
}

/** The seller of an open auction, or any regulator, may close it. */
export function mayClose(auction: Auction, role: string, orgId: number | undefined): boolean {
  return auction.state === "open" && (role === "regulator" || (role === "enterprise" && auction.seller_org === orgId));
}

/** Any other enterprise may bid in an open auction. */
export function mayBid(auction: Auction, role: string, orgId: number | undefined): boolean {
  return auction.state === "open" && role === "enterprise" && auction.seller_org !== orgId;
}

/** Close an auction, after a confirmation; it clears and its fills go to settlement. */
export function CloseAuctionButton({ auction, onClosed, onError }: { auction: Auction; onClosed: (a: Auction) => void; onError: (e: ApiError | null) => void }) {
  const { t, fmt } = useI18n();
  const { api } = useSession();
  const { message } = App.useApp();
  const close = async () => {
    onError(null);
    try {
      const closed = await call(
        api.client.POST("/api/v1/market/auctions/{auction_id}/close", { params: { path: { auction_id: auction.id } } }),
      );
      void message.success(
        closed.clearing_price === null
          ? t("auction.closedUnsold", { id: closed.id })
          : t("auction.closedAt", { id: closed.id, price: money(fmt, closed.clearing_price), n: fmt.number(closed.sold) }),
      );
      onClosed(closed);
    } catch (err) {
      onError(asApiError(err));
    }
  };
  return (
    <Popconfirm
      title={t("auction.closeTitle", { id: auction.id })}
      description={t("auction.closeText", { n: fmt.number(auction.bids) })}
      okText={t("auction.close")}
      cancelText={t("common.cancel")}
      okButtonProps={{ danger: true }}
      onConfirm={close}
    >
      <Button size="small" danger>
        {t("auction.close")}
      </Button>
    </Popconfirm>
  );
}

/** Balances of an enterprise for the forms (nothing for other roles). */
export function useFunds() {
  const { api, role } = useSession();
  const enterprise = role === "enterprise";
  const balances = usePolled(
    () => (enterprise ? call(api.client.GET("/api/v1/registry/balances")) : Promise.resolve(undefined)),
    [api, enterprise],
    POLL_MS,
  );
  return {
    balances,
    coinCents: balances.data ? balances.data.coin_cents : null,
    allowancesOf: (vintage: number) => (balances.data ? available(balances.data, vintage) : null),
  };
}

export function Auctions() {
  const { t, fmt } = useI18n();
  const { api, role, me } = useSession();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [filter, setFilter] = useState<StateFilter>("all");
  const [creating, setCreating] = useState(false);
  const [bidding, setBidding] = useState<Auction | null>(null);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const instruments = useInstruments();
  const names = useOrgNames();
  const funds = useFunds();
  const auctions = usePolled(
    () =>
      call(
        api.client.GET("/api/v1/market/auctions", {
          params: { query: { limit: 100, ...(filter === "all" ? {} : { state: filter }) } },
        }),
      ),
    [api, filter],
    POLL_MS,
  );
  const list: Instrument[] = instruments.data ?? [];
  const instrumentOf = (code: string) => list.find((i) => i.code === code);
  const mine = me?.organisation.id;
  const reload = () => {
    auctions.reload();
    funds.balances.reload();
  };

  return (
    <>
      <PageHeader
        title={t("auction.title")}
        subtitle={t("auction.intro")}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={reload}>
              {t("common.refresh")}
            </Button>
            {role === "enterprise" ? (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} disabled={!list.length} data-testid="open-auction">
                {t("auction.create.open")}
              </Button>
            ) : null}
          </>
        }
      />
      <ProblemAlert error={instruments.error} onRetry={instruments.reload} />
      <Card size="small">
        <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
          <Radio.Group
            optionType="button"
            value={filter}
            onChange={(e) => setFilter(e.target.value as StateFilter)}
            aria-label={t("auction.filter")}
            options={[
              { value: "all", label: t("common.all") },
              { value: "open", label: t("auction.state.open") },
              { value: "closed", label: t("auction.state.closed") },
            ]}
          />
          <Typography.Text type="secondary">{t("auction.sealedNote")}</Typography.Text>
        </Flex>
        <ProblemAlert error={auctions.error} onRetry={auctions.reload} />
        <ProblemAlert error={actionError} />
        <Table<Auction>
          size="small"
          rowKey="id"
          loading={auctions.loading}
          dataSource={auctions.data?.items ?? []}
          scroll={{ x: 1100 }}
          pagination={{ pageSize: 20, showSizeChanger: false, hideOnSinglePage: true, showTotal: (n) => t("common.total", { n: fmt.number(n) }) }}
          locale={{ emptyText: filter === "all" ? t("auction.none") : t("auction.noneFiltered") }}
          data-testid="auctions"
          columns={[
            {
              title: "#",
              dataIndex: "id",
              width: 70,
              render: (id: number) => <Link to={`/app/auctions/${id}`}>{id}</Link>,
            },
            { title: t("market.instrument"), dataIndex: "instrument", width: 110 },
            { title: t("auction.seller"), dataIndex: "seller_org", render: (id: number) => <Party id={id} names={names} /> },
            { title: t("auction.offered"), dataIndex: "quantity", align: "right", render: (q: number) => t("market.tonnesN", { n: fmt.number(q) }) },
            { title: t("auction.reserve"), dataIndex: "reserve", align: "right", render: (p: number) => money(fmt, p) },
            { title: t("auction.bids"), dataIndex: "bids", align: "right", width: 70, render: (n: number) => <span data-testid="bid-count">{fmt.number(n)}</span> },
            { title: t("auction.stateCol"), dataIndex: "state", width: 90, render: (s: string) => <AuctionStateTag state={s} /> },
            {
              title: t("auction.result"),
              key: "result",
              render: (_, a) =>
                a.state !== "closed"
                  ? "—"
                  : a.clearing_price === null
                    ? t("auction.unsold")
                    : t("auction.soldAt", { n: fmt.number(a.sold), price: money(fmt, a.clearing_price) }),
            },
            { title: t("auction.opened"), dataIndex: "created_at", width: 160, render: (d: string) => fmt.dateTime(d) },
            {
              title: t("common.actions"),
              key: "actions",
              width: 200,
              fixed: "right",
              render: (_, a) => (
                <Flex gap={4} wrap>
                  {mayBid(a, role, mine) ? (
                    <Button size="small" type="primary" onClick={() => setBidding(a)}>
                      {t("auction.bid.place")}
                    </Button>
                  ) : null}
                  {mayClose(a, role, mine) ? <CloseAuctionButton auction={a} onClosed={(c) => void navigate(`/app/auctions/${c.id}`)} onError={setActionError} /> : null}
                  <LinkButton size="small" to={`/app/auctions/${a.id}`}>
                    {a.state === "closed" ? t("auction.viewResult") : t("auction.view")}
                  </LinkButton>
                </Flex>
              ),
            },
          ]}
        />
      </Card>
      <CreateAuctionDialog
        open={creating}
        instruments={list}
        allowancesOf={funds.allowancesOf}
        onClose={() => setCreating(false)}
        onDone={(a) => {
          setCreating(false);
          void message.success(t("auction.create.done", { id: a.id }));
          reload();
        }}
      />
      <BidDialog
        auction={bidding}
        instrument={bidding ? instrumentOf(bidding.instrument) : undefined}
        coinCents={funds.coinCents}
        onClose={() => setBidding(null)}
        onDone={(o) => {
          setBidding(null);
          void message.success(t("auction.bid.done", { id: o.id, auction: o.auction_id ?? "" }));
          reload();
        }}
      />
    </>
  );
}
