import { useState } from "react";
import { Alert, Button, Card, Col, Descriptions, Empty, Form, Input, InputNumber, Modal, Row, Select, Space, Statistic, Table, Tabs, Tag, Typography } from "antd";
import { CalculatorOutlined, DeleteOutlined, PlusOutlined, SendOutlined } from "@ant-design/icons";
import { call, type Organisation, type Schemas } from "../../api/client";
import type { ApiError } from "../../api/errors";
import { PageHeader } from "../../components/PageHeader";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { asApiError, showOnForm } from "../../lib/problems";
import { useLoad } from "../../lib/useLoad";
import { useSession } from "../../session";
import { benchmarkRequest, CATEGORIES, checkBatch, rowAmount, type BatchKind, type BatchRow, type CalculatorInput } from "./allocation";
import { BlockLink, newIdempotencyKey, TxHash, useTonnes } from "./common";

type Preview = Schemas["AllocationPreview"];
type BatchOut = Schemas["AllocationBatchOut"];
type AllocationOut = Schemas["AllocationOut"];

interface Term {
  symbol: string;
  value: string;
  unit: string;
  origin: string;
}
interface Line {
  item: string;
  formula: string;
  allowances: number;
  terms: Term[];
}
interface UnitResult {
  unit: string;
  name?: string;
  kind?: string;
  allowances: number;
  lines: Line[];
}

/** The engine's breakdown: per unit, each line's formula and the terms it used. */
export function PreviewResult({ preview }: { preview: Preview }) {
  const { t, fmt } = useI18n();
  const tonnes = useTonnes();
  const units = (Array.isArray(preview.result.units) ? preview.result.units : []) as UnitResult[];
  return (
    <div data-testid="allocation-preview">
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={24} sm={8}>
          <Statistic title={t("registry.allocation.total")} value={tonnes(preview.allowances)} />
        </Col>
        <Col xs={12} sm={8}>
          <Statistic title={t("registry.allocation.pre")} value={preview.pre_allocation === null ? "—" : tonnes(preview.pre_allocation)} />
        </Col>
        <Col xs={12} sm={8}>
          <Statistic title={t("registry.allocation.trueUp")} value={preview.true_up === null ? "—" : tonnes(preview.true_up)} />
        </Col>
      </Row>
      {preview.warnings.map((w, i) => (
        <Alert key={i} type="warning" showIcon style={{ marginBottom: 8 }} message={typeof w.message === "string" ? w.message : JSON.stringify(w)} />
      ))}
      {units.map((u) => (
        <Card key={u.unit} size="small" style={{ marginTop: 12 }} title={`${u.name ?? u.unit} · ${tonnes(u.allowances)}`}>
          {u.lines.map((line) => (
            <div key={line.item} style={{ marginBottom: 12 }}>
              <Typography.Text strong>{t(line.item === "pre_allocation" ? "registry.allocation.pre" : "registry.allocation.lineAllocation")}</Typography.Text>{" "}
              <Typography.Text code>{line.formula}</Typography.Text> = <Typography.Text strong>{tonnes(line.allowances)}</Typography.Text>
              <Table<Term>
                size="small"
                rowKey="symbol"
                pagination={false}
                dataSource={line.terms}
                style={{ marginTop: 6 }}
                scroll={{ x: 560 }}
                columns={[
                  { title: t("registry.allocation.symbol"), dataIndex: "symbol", width: 90 },
                  { title: t("registry.allocation.value"), dataIndex: "value", align: "right", render: (v: string) => (Number.isFinite(Number(v)) ? fmt.number(Number(v), v.includes(".") ? Math.min(4, v.split(".")[1]?.length ?? 0) : 0) : v) },
                  { title: t("registry.allocation.unit"), dataIndex: "unit", width: 100 },
                  { title: t("registry.allocation.origin"), dataIndex: "origin", render: (o: string) => (o === "input" ? <Tag>{t("registry.allocation.input")}</Tag> : <Typography.Text type="secondary" style={{ fontSize: 12 }}>{o}</Typography.Text>) },
                ]}
              />
            </div>
          ))}
        </Card>
      ))}
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, fontSize: 12 }}>
        {t("registry.allocation.digest")}: <Typography.Text code copyable style={{ fontSize: 12 }}>{preview.result_digest}</Typography.Text>
      </Typography.Paragraph>
    </div>
  );
}

const DEFAULT_UNIT = { id: "unit-1", category: "natural_gas" as const, power_mwh: 800000, heat_gj: 300000, cooling: 1, heat_supply: 0.95, load: 1 };

function Calculator({ onAdd }: { onAdd: (request: Record<string, unknown>, preview: Preview) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { api } = useSession();
  const [form] = Form.useForm<CalculatorInput>();
  const [json, setJson] = useState("");
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<{ request: Record<string, unknown>; preview: Preview } | null>(null);

  const preview = async (request: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const [p] = await call(api.client.POST("/api/v1/registry/allocations/preview", { body: { requests: [request] } }));
      if (p) setResult({ request, preview: p });
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const fromForm = async () => {
    const values = await form.validateFields();
    await preview(benchmarkRequest(values));
  };
  const fromJson = async () => {
    setJsonError(null);
    try {
      const parsed: unknown = JSON.parse(json);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("object");
      await preview(parsed as Record<string, unknown>);
    } catch (err) {
      if (err instanceof SyntaxError || (err instanceof Error && err.message === "object")) setJsonError(t("registry.allocation.badJson"));
    }
  };
  const num = (name: (string | number)[], label: string, extra?: { min?: number; optional?: boolean; step?: number }) => (
    <Form.Item name={name} label={label} rules={extra?.optional ? [] : [{ required: true, message: t("registry.allocation.required") }]}>
      <InputNumber min={extra?.min ?? 0} step={extra?.step} style={{ width: "100%" }} />
    </Form.Item>
  );

  return (
    <Card title={<><CalculatorOutlined /> {t("registry.allocation.calculator")}</>}>
      <Tabs
        items={[
          {
            key: "form",
            label: t("registry.allocation.benchmark"),
            children: (
              <Form form={form} layout="vertical" initialValues={{ enterprise: "", year: 2020, units: [DEFAULT_UNIT] }}>
                <Typography.Paragraph type="secondary">{t("registry.allocation.benchmarkHelp")}</Typography.Paragraph>
                <Row gutter={12}>
                  <Col xs={24} md={16}>
                    <Form.Item name="enterprise" label={t("registry.allocation.enterpriseName")} rules={[{ required: true, message: t("registry.allocation.required") }]}>
                      <Input maxLength={200} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={8}>
                    <Form.Item name="year" label={t("registry.year")} rules={[{ required: true, message: t("registry.allocation.required") }]}>
                      <InputNumber min={2019} max={2100} precision={0} style={{ width: "100%" }} />
                    </Form.Item>
                  </Col>
                </Row>
                <Form.List name="units">
                  {(fields, { add, remove }) => (
                    <>
                      {fields.map((f, i) => (
                        <Card
                          key={f.key}
                          size="small"
                          style={{ marginBottom: 12 }}
                          title={t("registry.allocation.unitN", { n: i + 1 })}
                          extra={fields.length > 1 ? <Button size="small" type="text" aria-label={t("registry.allocation.removeUnit")} icon={<DeleteOutlined />} onClick={() => remove(f.name)} /> : null}
                        >
                          <Row gutter={12}>
                            <Col xs={24} md={8}>
                              <Form.Item name={[f.name, "id"]} label={t("registry.allocation.unitId")}>
                                <Input maxLength={40} />
                              </Form.Item>
                            </Col>
                            <Col xs={24} md={16}>
                              <Form.Item required={false} name={[f.name, "category"]} label={t("registry.allocation.category")} rules={[{ required: true, message: t("registry.allocation.required") }]}>
                                <Select options={CATEGORIES.map((c) => ({ value: c, label: t(`registry.category.${c}`) }))} />
                              </Form.Item>
                            </Col>
                            <Col xs={12} md={8}>{num([f.name, "power_mwh"], t("registry.allocation.power"))}</Col>
                            <Col xs={12} md={8}>{num([f.name, "heat_gj"], t("registry.allocation.heat"), { optional: true })}</Col>
                            <Col xs={8} md={8}>{num([f.name, "cooling"], t("registry.allocation.cooling"), { step: 0.01 })}</Col>
                            <Col xs={8} md={8}>{num([f.name, "heat_supply"], t("registry.allocation.heatSupply"), { step: 0.01, optional: true })}</Col>
                            <Col xs={8} md={8}>{num([f.name, "load"], t("registry.allocation.load"), { step: 0.01 })}</Col>
                          </Row>
                        </Card>
                      ))}
                      <Button icon={<PlusOutlined />} onClick={() => add({ ...DEFAULT_UNIT, id: `unit-${fields.length + 1}` })}>
                        {t("registry.allocation.addUnit")}
                      </Button>
                    </>
                  )}
                </Form.List>
                <div style={{ marginTop: 16 }}>
                  <Button type="primary" loading={busy} onClick={() => void fromForm().catch(() => undefined)} data-testid="calculate">
                    {t("registry.allocation.preview")}
                  </Button>
                </div>
              </Form>
            ),
          },
          {
            key: "json",
            label: t("registry.allocation.json"),
            children: (
              <>
                <Typography.Paragraph type="secondary">{t("registry.allocation.jsonHelp")}</Typography.Paragraph>
                <Input.TextArea rows={10} value={json} onChange={(e) => setJson(e.target.value)} aria-label={t("registry.allocation.json")} style={{ fontFamily: "monospace" }} status={jsonError ? "error" : undefined} />
                {jsonError ? <Typography.Text type="danger">{jsonError}</Typography.Text> : null}
                <div style={{ marginTop: 12 }}>
                  <Button type="primary" loading={busy} onClick={() => void fromJson()}>
                    {t("registry.allocation.preview")}
                  </Button>
                </div>
              </>
            ),
          },
        ]}
      />
      <div style={{ marginTop: 16 }}>
        <ProblemAlert error={error} />
        {result ? (
          <>
            <PreviewResult preview={result.preview} />
            <Button icon={<PlusOutlined />} onClick={() => onAdd(result.request, result.preview)} data-testid="add-to-batch">
              {t("registry.allocation.addToBatch")}
            </Button>
          </>
        ) : null}
      </div>
    </Card>
  );
}

let rowCounter = 0;
const newRow = (patch: Partial<BatchRow> = {}): BatchRow => ({ key: `row-${++rowCounter}`, ...patch });

function Batch({ rows, setRows, onAllocated }: { rows: BatchRow[]; setRows: (r: BatchRow[]) => void; onAllocated: () => void }) {
  const i18n = useI18n();
  const { t, fmt } = i18n;
  const { api } = useSession();
  const tonnes = useTonnes();
  const [vintage, setVintage] = useState<number | null>(2020);
  const [kind, setKind] = useState<BatchKind>("free");
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<BatchOut | null>(null);
  const [key, setKey] = useState(newIdempotencyKey);
  const [checked, setChecked] = useState(false);
  const [form] = Form.useForm();
  const enterprises = useLoad(
    () => call(api.client.GET("/api/v1/organisations", { params: { query: { kind: "enterprise", certified: true, status: "active", limit: 200, sort: "name" } } })),
    [api],
  );
  const orgs = enterprises.data?.items ?? [];
  const nameOf = (id: number | undefined) => orgs.find((o: Organisation) => o.id === id)?.name ?? (id ? `#${id}` : "—");
  const problems = checkBatch(vintage, kind, rows);
  const problemOf = (i: number) => problems.find((p) => p.row === i)?.problem;
  const total = rows.reduce((s, r) => s + rowAmount(kind, r), 0);
  const update = (i: number, patch: Partial<BatchRow>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      const items = rows.map((r) => (r.request ? { org_id: r.org_id ?? 0, request: r.request } : { org_id: r.org_id ?? 0, amount: r.amount ?? 0 }));
      const out = await call(api.client.POST("/api/v1/registry/allocations", { body: { vintage: vintage ?? 0, kind, items }, headers: { "Idempotency-Key": key } }));
      setDone(out);
      setConfirming(false);
      setRows([]);
      setKey(newIdempotencyKey());
      setChecked(false);
      onAllocated();
    } catch (err) {
      setConfirming(false);
      setError(showOnForm(form, err, i18n));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t("registry.allocation.batch")} data-testid="allocation-batch">
      <Form form={form} layout="inline" style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item name="vintage" label={t("registry.vintage")} initialValue={2020}>
          <InputNumber min={2000} max={2100} precision={0} value={vintage} onChange={setVintage} />
        </Form.Item>
        <Form.Item name="kind" label={t("registry.allocation.kind")} initialValue="free">
          <Select<BatchKind> style={{ width: 150 }} value={kind} onChange={setKind} options={(["free", "pre", "true-up"] as const).map((k) => ({ value: k, label: t(`registry.allocationKind.${k}`) }))} />
        </Form.Item>
      </Form>
      <ProblemAlert error={enterprises.error} onRetry={enterprises.reload} />
      <Table<BatchRow>
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={rows}
        scroll={{ x: 640 }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("registry.allocation.batchEmpty")} /> }}
        columns={[
          {
            title: t("registry.allocation.enterprise"),
            key: "org",
            render: (_, r, i) => (
              <Select<number>
                showSearch
                optionFilterProp="label"
                style={{ width: "100%", minWidth: 220 }}
                aria-label={t("registry.allocation.enterprise")}
                placeholder={t("registry.allocation.chooseEnterprise")}
                value={r.org_id}
                loading={enterprises.loading}
                status={checked && (problemOf(i) === "noOrganisation" || problemOf(i) === "duplicate") ? "error" : undefined}
                onChange={(org_id) => update(i, { org_id })}
                options={orgs.map((o) => ({ value: o.id, label: o.name }))}
                data-testid={`batch-org-${i}`}
              />
            ),
          },
          {
            title: t("registry.allocation.amount"),
            key: "amount",
            width: 220,
            render: (_, r, i) =>
              r.request ? (
                <Space direction="vertical" size={0}>
                  <Typography.Text>{tonnes(rowAmount(kind, r))}</Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t("registry.allocation.fromEngine", { year: r.year ?? "" })}
                  </Typography.Text>
                </Space>
              ) : (
                <InputNumber
                  min={1}
                  precision={0}
                  style={{ width: "100%" }}
                  aria-label={t("registry.allocation.amount")}
                  value={r.amount ?? undefined}
                  status={checked && problemOf(i) === "noAmount" ? "error" : undefined}
                  onChange={(amount) => update(i, { amount })}
                  data-testid={`batch-amount-${i}`}
                />
              ),
          },
          {
            title: "",
            key: "problem",
            render: (_, _r, i) => (checked && problemOf(i) ? <Typography.Text type="danger">{t(`registry.batch.${problemOf(i) ?? "noRows"}`)}</Typography.Text> : null),
          },
          {
            title: t("common.actions"),
            key: "remove",
            width: 80,
            render: (_, _r, i) => <Button size="small" type="text" aria-label={t("registry.allocation.removeRow")} icon={<DeleteOutlined />} onClick={() => setRows(rows.filter((_x, j) => j !== i))} />,
          },
        ]}
      />
      <Space wrap style={{ marginTop: 12 }}>
        <Button icon={<PlusOutlined />} onClick={() => setRows([...rows, newRow()])} data-testid="add-row">
          {t("registry.allocation.addRow")}
        </Button>
        <Button
          type="primary"
          icon={<SendOutlined />}
          onClick={() => {
            setChecked(true);
            setDone(null);
            if (problems.length === 0) setConfirming(true);
          }}
          data-testid="review-batch"
        >
          {t("registry.allocation.review")}
        </Button>
        <Typography.Text type="secondary">{t("registry.allocation.batchTotal", { n: fmt.number(total), count: rows.length })}</Typography.Text>
      </Space>
      {checked && problems.some((p) => p.row === -1) ? <Alert style={{ marginTop: 12 }} type="error" showIcon message={t("registry.batch.noRows")} /> : null}
      <div style={{ marginTop: 12 }}>
        <ProblemAlert error={error} />
      </div>
      {done ? (
        <Alert
          type="success"
          showIcon
          style={{ marginTop: 12 }}
          data-testid="allocation-done"
          message={t("registry.allocation.done", { n: fmt.number(done.total), count: done.allocations.length, vintage: done.vintage })}
          description={
            <Space direction="vertical" size={2}>
              {done.transactions.map((tx) => (
                <span key={tx.tx_hash}>
                  <TxHash hash={tx.tx_hash} /> · <BlockLink number={tx.block_number} />
                </span>
              ))}
              {done.deductions.length ? <span>{t("registry.allocation.deductions", { n: fmt.number(done.deductions.reduce((s, d) => s + d.amount, 0)) })}</span> : null}
            </Space>
          }
        />
      ) : null}
      <Modal
        open={confirming}
        title={t("registry.allocation.confirmTitle")}
        okText={t("registry.allocation.confirm")}
        cancelText={t("common.cancel")}
        okButtonProps={{ loading: busy, danger: true }}
        onOk={() => void send()}
        onCancel={() => setConfirming(false)}
        width={640}
      >
        <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={t("registry.allocation.confirmSummary", { n: fmt.number(total), count: rows.length, vintage: vintage ?? "", kind: t(`registry.allocationKind.${kind}`) })} description={t("registry.onChainIrreversible")} />
        <Descriptions column={1} size="small" bordered>
          {rows.map((r) => (
            <Descriptions.Item key={r.key} label={nameOf(r.org_id)}>
              {tonnes(rowAmount(kind, r))}
            </Descriptions.Item>
          ))}
        </Descriptions>
      </Modal>
    </Card>
  );
}

function Recorded({ version }: { version: number }) {
  const { t, fmt } = useI18n();
  const { api } = useSession();
  const list = useLoad(() => call(api.client.GET("/api/v1/registry/allocations", { params: { query: { limit: 50, sort: "-id" } } })), [api, version]);
  return (
    <Card title={t("registry.allocation.recorded")}>
      <ProblemAlert error={list.error} onRetry={list.reload} />
      <Table<AllocationOut>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: 860 }}
        locale={{ emptyText: t("registry.allocation.noneRecorded") }}
        columns={[
          { title: t("registry.allocation.enterprise"), dataIndex: "org_id", width: 90, render: (id: number) => <a href={`/explorer/account/${id}`}>#{id}</a> },
          { title: t("registry.vintage"), dataIndex: "vintage", width: 80 },
          { title: t("registry.allocation.kind"), dataIndex: "kind", width: 110, render: (k: string) => t(`registry.allocationKind.${k as BatchKind}`) },
          { title: t("registry.amount"), dataIndex: "amount", align: "right", render: (n: number) => fmt.number(n) },
          { title: t("registry.allocation.method"), dataIndex: "method" },
          { title: t("registry.block"), dataIndex: "block_number", render: (n: number) => <BlockLink number={n} /> },
          { title: t("registry.txHash"), dataIndex: "tx_hash", render: (h: string) => <TxHash hash={h} /> },
          { title: t("registry.date"), dataIndex: "created_at", render: (d: string) => fmt.dateTime(d) },
        ]}
      />
    </Card>
  );
}

export function Allocation() {
  const { t } = useI18n();
  const [rows, setRows] = useState<BatchRow[]>([newRow()]);
  const [version, setVersion] = useState(0);
  return (
    <>
      <PageHeader title={t("registry.allocation.title")} subtitle={t("registry.allocation.intro")} />
      <Row gutter={[24, 24]}>
        <Col xs={24} xxl={12}>
          <Calculator
            onAdd={(request, preview) => {
              const empty = rows.length === 1 && !rows[0]?.org_id && !rows[0]?.amount && !rows[0]?.request;
              const row = newRow({ request, year: preview.year, figures: { allowances: preview.allowances, pre_allocation: preview.pre_allocation, true_up: preview.true_up } });
              setRows(empty ? [row] : [...rows, row]);
            }}
          />
        </Col>
        <Col xs={24} xxl={12}>
          <Space direction="vertical" size={24} style={{ width: "100%" }}>
            <Batch rows={rows} setRows={setRows} onAllocated={() => setVersion((n) => n + 1)} />
            <Recorded version={version} />
          </Space>
        </Col>
      </Row>
    </>
  );
}
