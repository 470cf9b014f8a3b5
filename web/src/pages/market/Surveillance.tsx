/**
 * The regulator's market surveillance: the market overview (every instrument's session,
 * last price, volume; open, halt, end the day) and the alerts the platform computes —
 * wash trades between related organisations, layering/spoofing, trades at a daily price
 * limit, large positions — with filters; and the organisations declared related (the
 * pairs watched for wash trades).
 */
import { useMemo, useState } from "react";
import { Button, Card, Col, Flex, Row, Select, Statistic, Table, Tag, Typography } from "antd";
import { ReloadOutlined } from "@ant-design/icons";
import { call, type Schemas } from "../../api/client";
import type { ApiError } from "../../api/errors";
import { PageHeader } from "../../components/PageHeader";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useLoad } from "../../lib/useLoad";
import { useSession } from "../../session";
import { SessionActions } from "./Instruments";
import { usePolled } from "./live";
import { Overview } from "./MarketData";
import { RelationsCard } from "./Relations";
import { SessionBadge, useInstruments, type Instrument } from "./widgets";

type Alert = Schemas["Alert"];
type AlertKind = Alert["kind"];
const KINDS: readonly AlertKind[] = ["wash_trade", "layering", "price_limit", "position"];
const KIND_COLOURS: Record<AlertKind, string> = { wash_trade: "red", layering: "orange", price_limit: "gold", position: "blue" };

interface Filters {
  kind?: AlertKind;
  instrument?: string;
  org?: number;
}

/** Alerts that pass the filters. */
export function filterAlerts(alerts: Alert[], f: Filters): Alert[] {
  return alerts.filter(
    (a) =>
      (f.kind === undefined || a.kind === f.kind) &&
      (f.instrument === undefined || a.instrument === f.instrument) &&
      (f.org === undefined || a.org_ids.includes(f.org)),
  );
}

function SessionControls({ instrument, onChanged }: { instrument: Instrument; onChanged: () => void }) {
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <Flex vertical gap={8}>
      <ProblemAlert error={error} />
      <Flex gap={8} wrap align="center">
        <Typography.Text strong>{instrument.code}</Typography.Text>
        <SessionBadge open={instrument.open} />
        <SessionActions instrument={instrument} onChanged={onChanged} onError={setError} />
      </Flex>
    </Flex>
  );
}

export function Surveillance() {
  const { t, tx, fmt } = useI18n();
  const { api } = useSession();
  const instruments = useInstruments();
  const alerts = usePolled(() => call(api.client.GET("/api/v1/market/surveillance/alerts")), [api], 15_000);
  const orgs = useLoad(
    () => call(api.client.GET("/api/v1/organisations", { params: { query: { kind: "enterprise", limit: 200 } } })),
    [api],
  );
  const [filters, setFilters] = useState<Filters>({});
  const names = useMemo(() => new Map((orgs.data?.items ?? []).map((o) => [o.id, o.name])), [orgs.data]);
  const all = alerts.data ?? [];
  const shown = filterAlerts(all, filters);
  const list = instruments.data ?? [];

  return (
    <>
      <PageHeader
        title={t("market.surveillanceTitle")}
        subtitle={t("market.surveillanceIntro")}
        extra={
          <Button
            icon={<ReloadOutlined />}
            onClick={() => {
              alerts.reload();
              instruments.reload();
            }}
          >
            {t("common.refresh")}
          </Button>
        }
      />
      <ProblemAlert error={instruments.error} onRetry={instruments.reload} />
      <Flex vertical gap={16}>
        {list.length ? <Overview instruments={list} onPick={(code) => setFilters((f) => ({ ...f, instrument: code }))} /> : null}
        {list.length ? (
          <Card title={t("market.sessions")} size="small">
            <Flex vertical gap={12}>
              {list.map((i) => (
                <SessionControls key={i.code} instrument={i} onChanged={instruments.reload} />
              ))}
            </Flex>
          </Card>
        ) : null}
        <Row gutter={[16, 16]}>
          {KINDS.map((k) => (
            <Col key={k} xs={12} md={6}>
              <Card size="small" hoverable onClick={() => setFilters((f) => ({ ...f, kind: f.kind === k ? undefined : k }))}>
                <Statistic title={t(`market.alert.${k}`)} value={fmt.number(all.filter((a) => a.kind === k).length)} />
              </Card>
            </Col>
          ))}
        </Row>
        <Card title={t("market.alerts")} size="small">
          <Flex gap={12} wrap style={{ marginBottom: 16 }}>
            <Select<AlertKind>
              allowClear
              placeholder={t("market.alertKind")}
              aria-label={t("market.alertKind")}
              style={{ width: 180 }}
              value={filters.kind}
              onChange={(kind) => setFilters((f) => ({ ...f, kind }))}
              options={KINDS.map((k) => ({ value: k, label: t(`market.alert.${k}`) }))}
            />
            <Select<string>
              allowClear
              placeholder={t("market.instrument")}
              aria-label={t("market.instrument")}
              style={{ width: 150 }}
              value={filters.instrument}
              onChange={(instrument) => setFilters((f) => ({ ...f, instrument }))}
              options={list.map((i) => ({ value: i.code, label: i.code }))}
            />
            <Select<number>
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder={t("field.organisation")}
              aria-label={t("field.organisation")}
              style={{ width: 280 }}
              value={filters.org}
              onChange={(org) => setFilters((f) => ({ ...f, org }))}
              options={(orgs.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))}
            />
          </Flex>
          <ProblemAlert error={alerts.error} onRetry={alerts.reload} />
          <ProblemAlert error={orgs.error} onRetry={orgs.reload} />
          <Table<Alert>
            size="small"
            rowKey={(a) => `${a.kind}-${a.instrument}-${a.trade_id ?? ""}-${a.order_id ?? ""}-${a.org_ids.join(".")}`}
            loading={alerts.loading}
            dataSource={shown}
            scroll={{ x: 860 }}
            locale={{ emptyText: all.length ? t("market.alertsFiltered") : t("market.alertsNone") }}
            pagination={{ pageSize: 20, showSizeChanger: false, hideOnSinglePage: true, showTotal: (n) => t("common.total", { n: fmt.number(n) }) }}
            data-testid="alerts"
            columns={[
              {
                title: t("market.alertKind"),
                dataIndex: "kind",
                width: 150,
                render: (k: AlertKind) => <Tag color={KIND_COLOURS[k]}>{t(`market.alert.${k}`)}</Tag>,
              },
              { title: t("market.instrument"), dataIndex: "instrument", width: 110 },
              {
                title: t("field.organisation"),
                dataIndex: "org_ids",
                render: (ids: number[]) => (
                  <Flex vertical>
                    {ids.map((id) => (
                      <span key={id}>{names.get(id) ?? `#${id}`}</span>
                    ))}
                  </Flex>
                ),
              },
              {
                title: t("market.alertSubject"),
                key: "subject",
                width: 130,
                render: (_, a) =>
                  a.trade_id ? t("market.tradeN", { id: a.trade_id }) : a.order_id ? t("market.orderN", { id: a.order_id }) : "—",
              },
              {
                title: t("market.alertDetail"),
                dataIndex: "detail",
                render: (d: string, a) => (
                  <Flex vertical>
                    <span>{tx(`market.alertHelp.${a.kind}`, "")}</span>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {d}
                    </Typography.Text>
                  </Flex>
                ),
              },
            ]}
          />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t("market.alertsNote")}
          </Typography.Text>
        </Card>
        <RelationsCard orgs={orgs.data?.items ?? []} onChanged={alerts.reload} />
      </Flex>
    </>
  );
}
