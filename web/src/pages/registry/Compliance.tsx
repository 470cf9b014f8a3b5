import { useState } from "react";
import { useSearchParams } from "react-router-dom";
import { Alert, Button, Card, Col, Descriptions, Empty, Form, InputNumber, Progress, Row, Select, Skeleton, Space, Table } from "antd";
import { ReloadOutlined } from "@ant-design/icons";
import { call, type Schemas } from "../../api/client";
import { PageHeader } from "../../components/PageHeader";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useLoad } from "../../lib/useLoad";
import { useSession } from "../../session";
import { ActionDialog } from "./ActionDialog";
import { available, blockAvailable, checkSurrender, offsetRoom, remainingGap, standing, type Balances, type ComplianceStatus } from "./amounts";
import { StandingTag, TxHash, useBalances, useTonnes, useYears, useYuan } from "./common";

type Penalty = Schemas["PenaltyOut"];

export function useComplianceStatus(year: number, version = 0, orgId?: number) {
  const { api } = useSession();
  return useLoad(() => call(api.client.GET("/api/v1/compliance/status", { params: { query: { year, org_id: orgId } } })), [api, year, version, orgId]);
}

/** The standing of one year: figures, progress and the deadline. */
export function StatusCard({ status, loading }: { status: ComplianceStatus | undefined; loading: boolean }) {
  const { t, fmt } = useI18n();
  const tonnes = useTonnes();
  const yuan = useYuan();
  if (loading && !status) return <Skeleton active />;
  if (!status) return null;
  const done = status.surrendered_allowances + status.surrendered_offsets;
  const s = standing(status);
  return (
    <>
      {s === "none" ? <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t("registry.compliance.noObligation", { year: status.year })} data-testid="no-obligation" /> : null}
      <Descriptions column={{ xs: 1, sm: 2 }} size="small" bordered data-testid="compliance-status">
        <Descriptions.Item label={t("registry.compliance.status")}>
          <StandingTag status={status} />
        </Descriptions.Item>
        <Descriptions.Item label={t("registry.compliance.deadline")}>{status.deadline ? fmt.dateTime(status.deadline) : t("registry.compliance.noDeadline")}</Descriptions.Item>
        <Descriptions.Item label={t("registry.compliance.obligation")}>{tonnes(status.obligation)}</Descriptions.Item>
        <Descriptions.Item label={t("registry.compliance.gap")}>{tonnes(status.gap)}</Descriptions.Item>
        <Descriptions.Item label={t("registry.compliance.surrenderedAllowances")}>{tonnes(status.surrendered_allowances)}</Descriptions.Item>
        <Descriptions.Item label={t("registry.compliance.surrenderedOffsets")}>{tonnes(status.surrendered_offsets)}</Descriptions.Item>
        <Descriptions.Item label={t("registry.compliance.offsetCap")}>
          {t("registry.compliance.offsetCapValue", { n: fmt.number(status.offset_cap), pct: fmt.number(status.offset_cap_bps / 100, 1) })}
        </Descriptions.Item>
        <Descriptions.Item label={t("registry.compliance.penalties")}>{yuan(status.penalties_cents)}</Descriptions.Item>
      </Descriptions>
      {status.obligation > 0 ? (
        <Progress
          style={{ marginTop: 16 }}
          percent={Math.min(100, Math.round((done / status.obligation) * 100))}
          status={s === "compliant" ? "success" : s === "pending" ? "active" : "exception"}
          aria-label={t("registry.compliance.progress")}
        />
      ) : null}
    </>
  );
}

interface SurrenderValues {
  vintage?: number;
  block_id?: number;
  amount: number;
}

function SurrenderDialog({
  what,
  open,
  status,
  balances,
  onClose,
  onDone,
}: {
  what: "allowances" | "offsets";
  open: boolean;
  status: ComplianceStatus | undefined;
  balances: Balances | undefined;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t, fmt } = useI18n();
  const { api } = useSession();
  const [form] = Form.useForm<SurrenderValues>();
  const vintage = Form.useWatch("vintage", form);
  const blockId = Form.useWatch("block_id", form);
  const held = () => (what === "allowances" ? available(balances, form.getFieldValue("vintage") as number | undefined) : blockAvailable(balances, form.getFieldValue("block_id") as number | undefined));
  const limit = what === "allowances" ? remainingGap(status) : offsetRoom(status);
  const year = status?.year ?? 0;
  return (
    <ActionDialog<SurrenderValues>
      open={open}
      title={t(what === "allowances" ? "registry.surrender.allowancesTitle" : "registry.surrender.offsetsTitle", { year })}
      okText={t("registry.surrender.next")}
      form={form}
      testId={`surrender-${what}`}
      summary={(v) => t("registry.surrender.summary", { amount: fmt.number(v.amount), year })}
      onSubmit={(v, key) =>
        what === "allowances"
          ? call(api.client.POST("/api/v1/compliance/surrenders/allowances", { body: { year, vintage: v.vintage ?? 0, amount: v.amount }, headers: { "Idempotency-Key": key } }))
          : call(api.client.POST("/api/v1/compliance/surrenders/offsets", { body: { year, block_id: v.block_id ?? 0, amount: v.amount }, headers: { "Idempotency-Key": key } }))
      }
      onDone={onDone}
      onClose={onClose}
    >
      {what === "allowances" ? (
        <Form.Item required={false} name="vintage" label={t("registry.vintage")} rules={[{ required: true, message: t("registry.vintageRequired") }]}>
          <Select options={(balances?.allowances ?? []).map((a) => ({ value: a.vintage, label: `${a.vintage} · ${t("registry.availableHint", { n: fmt.number(available(balances, a.vintage)) })}` }))} />
        </Form.Item>
      ) : (
        <Form.Item required={false} name="block_id" label={t("registry.offsetBlock")} rules={[{ required: true, message: t("registry.blockRequired") }]}>
          <Select
            options={(balances?.offsets ?? [])
              .filter((b) => b.state === "held")
              .map((b) => ({ value: b.block_id, label: `#${b.block_id} · ${b.vintage} · ${t("registry.availableHint", { n: fmt.number(b.amount) })}` }))}
          />
        </Form.Item>
      )}
      <Form.Item
        name="amount"
        label={t("registry.amountTonnes")}
        dependencies={[what === "allowances" ? "vintage" : "block_id"]}
        extra={t(what === "allowances" ? "registry.surrender.limitGap" : "registry.surrender.limitCap", {
          n: fmt.number(limit),
          held: fmt.number(what === "allowances" ? available(balances, vintage) : blockAvailable(balances, blockId)),
        })}
        rules={[
          {
            validator: (_: unknown, value: number | null | undefined) => {
              const problem = checkSurrender(value, held(), status, what);
              const n = problem === "exceedsBalance" ? held() : limit;
              return problem ? Promise.reject(new Error(t(`registry.amount.${problem}`, { n: fmt.number(n) }))) : Promise.resolve();
            },
          },
        ]}
      >
        <InputNumber style={{ width: "100%" }} />
      </Form.Item>
    </ActionDialog>
  );
}

export function Compliance() {
  const { t, fmt } = useI18n();
  const { api } = useSession();
  const recent = useYears();
  // the years of the organisation's confirmed reports are years it owes for, however far
  // they are from today; ?year= opens one directly (links from the dashboard and reports)
  const [params] = useSearchParams();
  const asked = Number(params.get("year")) || undefined;
  const confirmed = useLoad(() => call(api.client.GET("/api/v1/mrv/submissions", { params: { query: { status: "confirmed", limit: 50, sort: "-updated_at" } } })), [api]);
  const years = [...new Set([...recent, ...(asked ? [asked] : []), ...(confirmed.data?.items ?? []).map((r) => r.year)])].sort((a, b) => b - a);
  const [year, setYear] = useState(asked ?? recent[1] ?? new Date().getFullYear() - 1);
  const [version, setVersion] = useState(0);
  const [surrendering, setSurrendering] = useState<"allowances" | "offsets" | null>(null);
  const status = useComplianceStatus(year, version);
  const balances = useBalances(version);
  const penalties = useLoad(() => call(api.client.GET("/api/v1/compliance/penalties", { params: { query: { limit: 200 } } })), [api, version]);
  const yuan = useYuan();
  const canSurrender = status.data !== undefined && status.data.obligation > 0 && status.data.gap > 0;
  const done = () => {
    setSurrendering(null);
    setVersion((n) => n + 1);
  };
  return (
    <>
      <PageHeader
        title={t("registry.compliance.title")}
        subtitle={t("registry.compliance.intro")}
        extra={
          <Space wrap>
            <Select<number>
              aria-label={t("registry.compliance.year")}
              value={year}
              onChange={setYear}
              style={{ width: 110 }}
              options={years.map((y) => ({ value: y, label: t("registry.yearLabel", { year: y }) }))}
              data-testid="compliance-year"
            />
            <Button icon={<ReloadOutlined />} onClick={() => setVersion((n) => n + 1)}>
              {t("common.refresh")}
            </Button>
          </Space>
        }
      />
      <Row gutter={[24, 24]}>
        <Col xs={24} xl={16}>
          <Card
            title={t("registry.compliance.yearTitle", { year })}
            extra={
              <Space wrap>
                <Button type="primary" disabled={!canSurrender} onClick={() => setSurrendering("allowances")} data-testid="surrender-allowances">
                  {t("registry.surrender.allowances")}
                </Button>
                <Button disabled={!canSurrender || (status.data?.offset_cap ?? 0) <= (status.data?.surrendered_offsets ?? 0)} onClick={() => setSurrendering("offsets")}>
                  {t("registry.surrender.offsets")}
                </Button>
              </Space>
            }
          >
            <ProblemAlert error={status.error} onRetry={status.reload} />
            <StatusCard status={status.data} loading={status.loading} />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card title={t("registry.compliance.penaltiesTitle")}>
            <ProblemAlert error={penalties.error} onRetry={penalties.reload} />
            <Table<Penalty>
              rowKey="id"
              size="small"
              loading={penalties.loading}
              dataSource={penalties.data?.items ?? []}
              pagination={false}
              locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("registry.compliance.noPenalties")} /> }}
              columns={[
                { title: t("registry.year"), dataIndex: "year", width: 70 },
                { title: t("registry.compliance.fine"), dataIndex: "fine_cents", render: (c: number) => yuan(c) },
                { title: t("registry.compliance.shortfall"), dataIndex: "shortfall", render: (n: number) => fmt.number(n) },
                { title: t("registry.txHash"), dataIndex: "fine_tx", render: (h: string) => <TxHash hash={h} /> },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <SurrenderDialog what="allowances" open={surrendering === "allowances"} status={status.data} balances={balances.data} onClose={() => setSurrendering(null)} onDone={done} />
      <SurrenderDialog what="offsets" open={surrendering === "offsets"} status={status.data} balances={balances.data} onClose={() => setSurrendering(null)} onDone={done} />
    </>
  );
}
