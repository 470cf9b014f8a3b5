import { useState } from "react";
import { Button, Card, Col, DatePicker, Empty, Form, Input, InputNumber, Row, Select, Skeleton, Space, Table, Typography } from "antd";
import { ReloadOutlined } from "@ant-design/icons";
import dayjs, { type Dayjs } from "dayjs";
import { call, type Schemas } from "../../api/client";
import { Chart } from "../../components/Chart";
import { PageHeader } from "../../components/PageHeader";
import { RulesCard } from "./Rules";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { INDUSTRIES, REGIONS } from "../../lib/codes";
import { useIndustryName, useRegionName } from "../../lib/labels";
import { useLoad } from "../../lib/useLoad";
import { useSession } from "../../session";
import { ActionDialog } from "./ActionDialog";
import { ProvincePanel } from "./ProvincePanel";
import { RowStanding, TxHash, useYears, useYuan } from "./common";

type Row_ = Schemas["OverviewRow"];
type Standing = "compliant" | "pending" | "deficit";
const STANDINGS: Standing[] = ["compliant", "pending", "deficit"];
const COLOURS: Record<Standing, string> = { compliant: "#0f7b5f", pending: "#1668dc", deficit: "#d4380d" };

type Group = Schemas["StandingGroup"];
type OverviewQuery = { year: number; industry?: string; region?: string; status?: Standing };

/** The server's counts per group and standing, as the series of a stacked bar chart. */
export function standingSeries(rows: Group[]): { groups: string[]; counts: Record<Standing, number[]> } {
  const sorted = [...rows].sort((a, b) => a.group.localeCompare(b.group));
  const groups = sorted.map((g) => g.group);
  const counts = Object.fromEntries(STANDINGS.map((s) => [s, sorted.map((g) => g[s])])) as Record<Standing, number[]>;
  return { groups, counts };
}

/** Standings by industry or region, counted by the server over every row the filters
 * select (the table below shows a page of them). */
function StandingChart({ title, by, query, version, name }: { title: string; by: "industry" | "region"; query: OverviewQuery; version: number; name: (code: string) => string }) {
  const { t } = useI18n();
  const { api } = useSession();
  const load = useLoad(
    () => call(api.client.GET("/api/v1/compliance/overview/standings", { params: { query: { ...query, by } } })),
    [api, by, query.year, query.industry, query.region, query.status, version],
  );
  const { groups, counts } = standingSeries(load.data ?? []);
  if (load.error) return <ProblemAlert error={load.error} onRetry={load.reload} />;
  if (load.loading && !load.data) return <Card title={title}><Skeleton active /></Card>;
  return (
    <Card title={title} style={{ height: "100%" }}>
      {groups.length === 0 ? (
        <Empty description={t("registry.overview.empty")} />
      ) : (
        <Chart
          label={title}
          height={Math.max(200, groups.length * 36 + 60)}
          option={{
            grid: { left: 96, right: 16, top: 32, bottom: 24 },
            tooltip: { trigger: "axis" },
            legend: undefined,
            xAxis: { type: "value", minInterval: 1 },
            yAxis: { type: "category", data: groups.map(name) },
            series: STANDINGS.map((s) => ({ type: "bar", stack: "n", name: t(`registry.standing.${s}`), data: counts[s], itemStyle: { color: COLOURS[s] } })),
          }}
        />
      )}
      {groups.length > 0 ? (
        <Space wrap size={16}>
          {STANDINGS.map((s) => (
            <Space key={s} size={6}>
              <span aria-hidden style={{ display: "inline-block", width: 12, height: 12, borderRadius: 2, background: COLOURS[s] }} />
              <Typography.Text type="secondary">{t(`registry.standing.${s}`)}</Typography.Text>
            </Space>
          ))}
        </Space>
      ) : null}
    </Card>
  );
}

interface DeadlineValues {
  year: number;
  deadline: Dayjs;
}

interface PenaltyValues {
  fine_yuan: number;
  reason: string;
}

export function ComplianceOverview() {
  const { t, fmt } = useI18n();
  const { api } = useSession();
  const years = useYears();
  const [year, setYear] = useState(years[1] ?? 2024);
  const [industry, setIndustry] = useState<string>();
  const [region, setRegion] = useState<string>();
  const [status, setStatus] = useState<Standing>();
  const [version, setVersion] = useState(0);
  const [deadlineOpen, setDeadlineOpen] = useState(false);
  const [penalising, setPenalising] = useState<Row_ | null>(null);
  const [deadlineForm] = Form.useForm<DeadlineValues>();
  const [penaltyForm] = Form.useForm<PenaltyValues>();
  const industryName = useIndustryName();
  const regionName = useRegionName();
  const yuan = useYuan();
  const overview = useLoad(
    () => call(api.client.GET("/api/v1/compliance/overview", { params: { query: { year, industry, region, status, limit: 200 } } })),
    [api, year, industry, region, status, version],
  );
  const deadlines = useLoad(() => call(api.client.GET("/api/v1/compliance/deadlines")), [api, version]);
  const penalties = useLoad(() => call(api.client.GET("/api/v1/compliance/penalties", { params: { query: { year, limit: 200 } } })), [api, year, version]);
  const rows = overview.data?.items ?? [];
  const bump = () => setVersion((n) => n + 1);

  return (
    <>
      <PageHeader
        title={t("registry.overview.title")}
        subtitle={t("registry.overview.intro")}
        extra={
          <Button icon={<ReloadOutlined />} onClick={bump}>
            {t("common.refresh")}
          </Button>
        }
      />
      <Card style={{ marginBottom: 24 }}>
        <Space wrap style={{ marginBottom: 16 }}>
          <Select<number> aria-label={t("registry.year")} value={year} onChange={setYear} style={{ width: 110 }} options={years.map((y) => ({ value: y, label: t("registry.yearLabel", { year: y }) }))} />
          <Select<string> allowClear showSearch optionFilterProp="label" aria-label={t("field.industry")} placeholder={t("field.industry")} style={{ width: 140 }} value={industry} onChange={setIndustry} options={INDUSTRIES.map((c) => ({ value: c, label: industryName(c) }))} />
          <Select<string> allowClear showSearch optionFilterProp="label" aria-label={t("field.region")} placeholder={t("field.region")} style={{ width: 140 }} value={region} onChange={setRegion} options={REGIONS.map((c) => ({ value: c, label: regionName(c) }))} />
          <Select<Standing> allowClear aria-label={t("registry.compliance.status")} placeholder={t("registry.compliance.status")} style={{ width: 130 }} value={status} onChange={setStatus} options={STANDINGS.map((s) => ({ value: s, label: t(`registry.standing.${s}`) }))} />
        </Space>
        <ProblemAlert error={overview.error} onRetry={overview.reload} />
        <Table<Row_>
          rowKey={(r) => `${r.org_id}-${r.year}`}
          loading={overview.loading}
          dataSource={rows}
          size="small"
          scroll={{ x: 1000 }}
          pagination={{ pageSize: 20, showSizeChanger: false, showTotal: (n) => t("common.total", { n: fmt.number(n) }) }}
          locale={{ emptyText: <Empty description={t("registry.overview.noneConfirmed", { year })} /> }}
          columns={[
            { title: t("field.organisation"), dataIndex: "name", render: (n: string) => <Typography.Text strong>{n}</Typography.Text> },
            { title: t("field.industry"), dataIndex: "industry", width: 100, render: industryName },
            { title: t("field.region"), dataIndex: "region", width: 90, render: regionName },
            { title: t("registry.compliance.obligation"), dataIndex: "obligation", align: "right", render: (n: number) => fmt.number(n) },
            { title: t("registry.overview.surrendered"), key: "s", align: "right", render: (_, r) => fmt.number(r.surrendered_allowances + r.surrendered_offsets) },
            { title: t("registry.compliance.gap"), dataIndex: "gap", align: "right", render: (n: number) => fmt.number(n) },
            { title: t("registry.compliance.status"), key: "status", width: 100, render: (_, r) => <RowStanding status={r.status} penalties={r.penalties_cents} /> },
            { title: t("registry.compliance.penalties"), dataIndex: "penalties_cents", align: "right", render: (c: number) => yuan(c) },
            {
              title: t("common.actions"),
              key: "a",
              width: 110,
              fixed: "right",
              render: (_, r) =>
                r.status === "deficit" ? (
                  <Button size="small" danger onClick={() => setPenalising(r)}>
                    {t("registry.penalty.action")}
                  </Button>
                ) : null,
            },
          ]}
        />
      </Card>
      <Row gutter={[24, 24]} style={{ marginBottom: 24 }}>
        <Col xs={24} lg={12}>
          <StandingChart title={t("registry.overview.byIndustry")} by="industry" query={{ year, industry, region, status }} version={version} name={industryName} />
        </Col>
        <Col xs={24} lg={12}>
          <StandingChart title={t("registry.overview.byRegion")} by="region" query={{ year, industry, region, status }} version={version} name={regionName} />
        </Col>
      </Row>
      <Row gutter={[24, 24]}>
        <Col xs={24} lg={12}>
          <ProvincePanel query={{ year, industry, region, status }} version={version} />
        </Col>
        <Col xs={24} lg={12}>
          <RulesCard initialYear={year} />
          <Card
            title={t("registry.overview.deadlines")}
            style={{ marginBottom: 24 }}
            extra={
              <Button size="small" onClick={() => setDeadlineOpen(true)} data-testid="set-deadline">
                {t("registry.deadline.action")}
              </Button>
            }
          >
            <ProblemAlert error={deadlines.error} onRetry={deadlines.reload} />
            {deadlines.loading && !deadlines.data ? <Skeleton active /> : null}
            <Table
              rowKey="year"
              size="small"
              pagination={false}
              dataSource={deadlines.data ?? []}
              locale={{ emptyText: t("registry.overview.noDeadlines") }}
              columns={[
                { title: t("registry.year"), dataIndex: "year", width: 80 },
                { title: t("registry.compliance.deadline"), dataIndex: "deadline", render: (d: string) => fmt.dateTime(d) },
                { title: t("registry.txHash"), dataIndex: "tx_hash", render: (h: string) => <TxHash hash={h} /> },
              ]}
            />
          </Card>
          <Card title={t("registry.overview.penalties")}>
            <ProblemAlert error={penalties.error} onRetry={penalties.reload} />
            <Table
              rowKey="id"
              size="small"
              pagination={false}
              loading={penalties.loading}
              dataSource={penalties.data?.items ?? []}
              locale={{ emptyText: t("registry.compliance.noPenalties") }}
              scroll={{ x: 560 }}
              columns={[
                { title: t("registry.allocation.enterprise"), dataIndex: "org_id", render: (id: number) => `#${id}` },
                { title: t("registry.compliance.fine"), dataIndex: "fine_cents", render: (c: number) => yuan(c) },
                { title: t("registry.compliance.shortfall"), dataIndex: "shortfall", render: (n: number) => fmt.number(n) },
                { title: t("registry.penalty.pending"), dataIndex: "pending", render: (n: number) => fmt.number(n) },
                { title: t("registry.txHash"), dataIndex: "fine_tx", render: (h: string) => <TxHash hash={h} /> },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <ActionDialog<DeadlineValues>
        open={deadlineOpen}
        title={t("registry.deadline.title")}
        okText={t("registry.deadline.next")}
        form={deadlineForm}
        initialValues={{ year, deadline: dayjs(`${year + 1}-12-31T23:59:59`) }}
        rename={{ deadline: "deadline", year: "year" }}
        summary={(v) => t("registry.deadline.summary", { year: v.year, deadline: fmt.dateTime(v.deadline.toDate()) })}
        onSubmit={(v, key) => call(api.client.POST("/api/v1/compliance/deadlines", { body: { year: v.year, deadline: v.deadline.format() }, headers: { "Idempotency-Key": key } }))}
        onDone={() => {
          setDeadlineOpen(false);
          bump();
        }}
        onClose={() => setDeadlineOpen(false)}
      >
        <Form.Item name="year" label={t("registry.year")} rules={[{ required: true, message: t("registry.allocation.required") }]}>
          <InputNumber min={2000} max={2100} precision={0} style={{ width: "100%" }} />
        </Form.Item>
        <Form.Item name="deadline" label={t("registry.compliance.deadline")} rules={[{ required: true, message: t("registry.allocation.required") }]}>
          <DatePicker showTime style={{ width: "100%" }} />
        </Form.Item>
      </ActionDialog>
      <ActionDialog<PenaltyValues>
        open={penalising !== null}
        title={t("registry.penalty.title", { name: penalising?.name ?? "" })}
        okText={t("registry.penalty.next")}
        form={penaltyForm}
        rename={{ fine_cents: "fine_yuan" }}
        summary={(v) => t("registry.penalty.summary", { fine: yuan(Math.round(v.fine_yuan * 100)), gap: fmt.number(penalising?.gap ?? 0), next: (penalising?.year ?? 0) + 1 })}
        onSubmit={(v, key) =>
          call(
            api.client.POST("/api/v1/compliance/penalties", {
              body: { org_id: penalising?.org_id ?? 0, year: penalising?.year ?? year, fine_cents: Math.round(v.fine_yuan * 100), reason: v.reason ?? "" },
              headers: { "Idempotency-Key": key },
            }),
          )
        }
        onDone={() => {
          setPenalising(null);
          bump();
        }}
        onClose={() => setPenalising(null)}
      >
        <Form.Item name="fine_yuan" label={t("registry.penalty.fine")} rules={[{ required: true, message: t("registry.allocation.required") }]}>
          <InputNumber min={0.01} precision={2} style={{ width: "100%" }} />
        </Form.Item>
        <Form.Item name="reason" label={t("registry.retire.reason")}>
          <Input maxLength={200} />
        </Form.Item>
      </ActionDialog>
    </>
  );
}
