import { useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { Alert, Badge, Button, Card, Col, Descriptions, Empty, Form, Input, InputNumber, Row, Space, Switch, Table, Tabs, Tag, Typography } from "antd";
import { SearchOutlined } from "@ant-design/icons";
import { call, type Schemas } from "../../api/client";
import type { ApiError } from "../../api/errors";
import { PageHeader } from "../../components/PageHeader";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useLoad, type Loaded } from "../../lib/useLoad";
import { useSession } from "../../session";
import { ArgsSummary, BlockLink, TxHash } from "./common";

type History = Schemas["History"];
type HistoryItem = Schemas["HistoryItem"];
type BlockSummary = Schemas["BlockSummary"];

/** What the search box was given: a transaction hash, a block number, or nothing it knows. */
export function classify(query: string): { kind: "tx"; hash: string } | { kind: "block"; number: number } | null {
  const q = query.trim();
  if (/^0x[0-9a-fA-F]{64}$/.test(q)) return { kind: "tx", hash: q.toLowerCase() };
  const n = q.replace(/^#/, "").replace(/[,\s]/g, "");
  if (/^\d{1,15}$/.test(n)) return { kind: "block", number: Number(n) };
  return null;
}

function EventTag({ contract, event }: { contract: string; event: string }) {
  const { tx } = useI18n();
  return (
    <Tag color="geekblue">
      {tx(`contract.${contract}`, contract)} · {tx(`registry.eventName.${event}`, event)}
    </Tag>
  );
}

/** A traced history: every event with its block, log, transaction and (verified) proof. */
export function HistoryTable({ history, loading, error, onRetry }: { history: History | undefined; loading: boolean; error: ApiError | null; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <>
      <ProblemAlert error={error} onRetry={onRetry} />
      {history?.all_verified !== undefined && history.all_verified !== null ? (
        <Alert
          type={history.all_verified ? "success" : "error"}
          showIcon
          style={{ marginBottom: 12 }}
          message={history.all_verified ? t("registry.explorer.allVerified") : t("registry.explorer.notVerified")}
          data-testid="verification"
        />
      ) : null}
      <Table<HistoryItem>
        rowKey={(i) => `${i.block_number}-${i.log_index}`}
        size="small"
        loading={loading}
        dataSource={history?.items ?? []}
        scroll={{ x: 900 }}
        pagination={{ pageSize: 20, showSizeChanger: false }}
        locale={{ emptyText: t("registry.history.empty") }}
        data-testid="history"
        columns={[
          { title: t("registry.block"), dataIndex: "block_number", width: 100, render: (n: number) => <BlockLink number={n} /> },
          { title: t("registry.explorer.log"), dataIndex: "log_index", width: 60 },
          { title: t("registry.event"), key: "e", width: 240, render: (_, i) => <EventTag contract={i.contract} event={i.event} /> },
          { title: t("registry.details"), key: "args", render: (_, i) => <ArgsSummary args={i.args} parties={i.parties} /> },
          { title: t("registry.txHash"), dataIndex: "tx_hash", width: 190, render: (h: string) => <TxHash hash={h} /> },
          ...(history?.all_verified !== undefined && history.all_verified !== null
            ? [{ title: t("registry.explorer.verified"), key: "v", width: 90, render: (_: unknown, i: HistoryItem) => <Badge status={i.verified ? "success" : "error"} text={i.verified ? t("common.yes") : t("common.no")} /> }]
            : []),
        ]}
      />
    </>
  );
}

function Blocks({ blocks, loading }: { blocks: BlockSummary[]; loading: boolean }) {
  const { t, tx } = useI18n();
  return (
    <Table<BlockSummary>
      rowKey="block_number"
      loading={loading}
      dataSource={blocks}
      pagination={false}
      size="small"
      scroll={{ x: 720 }}
      data-testid="blocks"
      locale={{ emptyText: <Empty description={t("registry.explorer.noBlocks")} /> }}
      columns={[
        { title: t("registry.block"), dataIndex: "block_number", width: 110, render: (n: number) => <BlockLink number={n} /> },
        {
          title: t("registry.explorer.transactions"),
          key: "txs",
          render: (_, b) => (
            <Space direction="vertical" size={4}>
              {b.transactions.map((x) => (
                <Space key={x.tx_hash} wrap size={4}>
                  <TxHash hash={x.tx_hash} />
                  {x.events.map((e, i) => {
                    const [contract = "", event = ""] = e.split(".");
                    return (
                      <Tag key={i}>
                        {tx(`contract.${contract}`, contract)} · {tx(`registry.eventName.${event}`, event)}
                      </Tag>
                    );
                  })}
                </Space>
              ))}
            </Space>
          ),
        },
      ]}
    />
  );
}

function SearchBox() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [wrong, setWrong] = useState(false);
  return (
    <Form.Item validateStatus={wrong ? "error" : undefined} help={wrong ? t("registry.explorer.searchInvalid") : undefined} style={{ marginBottom: 16 }}>
      <Input.Search
        allowClear
        enterButton={<SearchOutlined aria-label={t("registry.explorer.search")} />}
        placeholder={t("registry.explorer.searchPlaceholder")}
        aria-label={t("registry.explorer.search")}
        style={{ maxWidth: 640 }}
        onSearch={(q) => {
          const what = classify(q);
          setWrong(what === null && q.trim() !== "");
          if (what?.kind === "tx") void navigate(`/explorer/tx/${what.hash}`);
          if (what?.kind === "block") void navigate(`/explorer/block/${what.number}`);
        }}
      />
    </Form.Item>
  );
}

type TraceKind = "allowances" | "offsets" | "report";

/** Trace an allowance holding, a serial range or block, or a report (query parameters keep it linkable). */
function Trace() {
  const { t } = useI18n();
  const { api, me } = useSession();
  const [params, setParams] = useSearchParams();
  const kind = (params.get("trace") as TraceKind | null) ?? "allowances";
  const num = (k: string) => (params.get(k) ? Number(params.get(k)) : undefined);
  const verify = params.get("verify") === "true";
  const query = { vintage: num("vintage"), org: num("org"), block: num("block"), first: num("first"), last: num("last"), report: num("report") };
  const ready = kind === "allowances" ? query.vintage !== undefined : kind === "offsets" ? query.block !== undefined || (query.first !== undefined && query.last !== undefined) : query.report !== undefined;
  const history: Loaded<History | undefined> = useLoad(async () => {
    if (!ready) return undefined;
    if (kind === "allowances")
      return call(api.client.GET("/api/v1/explorer/allowances/history", { params: { query: { vintage: query.vintage ?? 0, org_id: query.org, verify } } }));
    if (kind === "offsets")
      return call(api.client.GET("/api/v1/explorer/offsets/history", { params: { query: { block_id: query.block, first: query.first, last: query.last, verify } } }));
    return call(api.client.GET("/api/v1/explorer/reports/{report_id}/history", { params: { path: { report_id: query.report ?? 0 }, query: { verify } } }));
  }, [api, params.toString()]);
  const [form] = Form.useForm<Record<string, number | undefined>>();
  const go = (values: Record<string, number | boolean | undefined>) => {
    const next = new URLSearchParams({ trace: kind });
    for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== null && v !== false) next.set(k, String(v));
    setParams(next);
  };
  const field = (name: string, label: string) => (
    <Form.Item name={name} label={label}>
      <InputNumber min={1} precision={0} style={{ width: 150 }} />
    </Form.Item>
  );
  return (
    <>
      <Tabs
        activeKey={kind}
        onChange={(k) => setParams(new URLSearchParams({ trace: k }))}
        items={(["allowances", "offsets", "report"] as const).map((k) => ({ key: k, label: t(`registry.explorer.trace.${k}`) }))}
      />
      <Form
        key={kind + params.toString()}
        form={form}
        layout="inline"
        style={{ marginBottom: 16, rowGap: 8 }}
        initialValues={{ ...query, verify, org: query.org ?? (kind === "allowances" ? me?.organisation.id : undefined) }}
        onFinish={(v) => go(v)}
      >
        {kind === "allowances" ? (
          <>
            {field("vintage", t("registry.vintage"))}
            {field("org", t("registry.explorer.holder"))}
          </>
        ) : null}
        {kind === "offsets" ? (
          <>
            {field("block", t("registry.offsetBlock"))}
            {field("first", t("registry.explorer.firstSerial"))}
            {field("last", t("registry.explorer.lastSerial"))}
          </>
        ) : null}
        {kind === "report" ? field("report", t("registry.explorer.reportId")) : null}
        <Form.Item name="verify" label={t("registry.explorer.verify")} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" data-testid="trace">
            {t("registry.explorer.traceAction")}
          </Button>
        </Form.Item>
      </Form>
      {ready ? <HistoryTable history={history.data} loading={history.loading} error={history.error} onRetry={history.reload} /> : <Typography.Text type="secondary">{t(`registry.explorer.traceHelp.${kind}`)}</Typography.Text>}
    </>
  );
}

export function Explorer() {
  const { t, fmt } = useI18n();
  const { api, me } = useSession();
  const [params] = useSearchParams();
  const [before, setBefore] = useState<number | undefined>();
  const latest = useLoad(() => call(api.client.GET("/api/v1/explorer/blocks", { params: { query: { limit: 15, before } } })), [api, before]);
  const blocks = latest.data?.blocks ?? [];
  const oldest = blocks[blocks.length - 1]?.block_number;
  const latestCard = (
    <Card
      title={t("registry.explorer.latest")}
      extra={
        latest.data ? (
          <Typography.Text type="secondary">
            {t("registry.explorer.head", { n: fmt.number(latest.data.head_block), indexed: fmt.number(latest.data.indexed_block) })}
          </Typography.Text>
        ) : null
      }
    >
      <ProblemAlert error={latest.error} onRetry={latest.reload} />
      <Blocks blocks={blocks} loading={latest.loading} />
      <Space style={{ marginTop: 12 }}>
        <Button disabled={before === undefined} onClick={() => setBefore(undefined)}>
          {t("registry.explorer.newest")}
        </Button>
        <Button disabled={oldest === undefined || blocks.length < 15} onClick={() => setBefore(oldest)}>
          {t("registry.explorer.older")}
        </Button>
      </Space>
    </Card>
  );
  return (
    <>
      <PageHeader title={t("registry.explorer.title")} subtitle={t("registry.explorer.intro")} />
      <SearchBox />
      {me ? (
        <Tabs
          defaultActiveKey={params.get("trace") ? "trace" : "blocks"}
          items={[
            { key: "blocks", label: t("registry.explorer.latest"), children: latestCard },
            { key: "trace", label: t("registry.explorer.traceTab"), children: <Card><Trace /></Card> },
            {
              key: "account",
              label: t("registry.explorer.accountTab"),
              children: (
                <Card>
                  <Typography.Paragraph>{t("registry.explorer.accountHelp")}</Typography.Paragraph>
                  <Link to={`/explorer/account/${me.organisation.id}`}>{t("registry.explorer.myAccount")}</Link>
                </Card>
              ),
            },
          ]}
        />
      ) : (
        <>
          <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t("registry.explorer.publicNote")} />
          {latestCard}
        </>
      )}
    </>
  );
}

export function ExplorerBlock() {
  const { t, fmt } = useI18n();
  const { api } = useSession();
  const { number = "" } = useParams();
  const n = Number(number);
  const block = useLoad(() => call(api.client.GET("/api/v1/explorer/blocks/{number}", { params: { path: { number: n } } })), [api, n]);
  return (
    <>
      <PageHeader title={t("registry.explorer.blockTitle", { n: Number.isFinite(n) ? fmt.number(n) : number })} subtitle={<Link to="/explorer">{t("registry.explorer.back")}</Link>} />
      <SearchBox />
      <Card>
        <ProblemAlert error={block.error} onRetry={block.reload} />
        <Space style={{ marginBottom: 12 }}>
          {n > 0 ? <Link to={`/explorer/block/${n - 1}`}>← #{fmt.number(n - 1)}</Link> : null}
          <Link to={`/explorer/block/${n + 1}`}>#{fmt.number(n + 1)} →</Link>
        </Space>
        <Blocks blocks={block.data?.blocks ?? []} loading={block.loading} />
      </Card>
    </>
  );
}

export function ExplorerTransaction() {
  const { t } = useI18n();
  const { api, me } = useSession();
  const { hash = "" } = useParams();
  const history = useLoad(async () => (me ? call(api.client.GET("/api/v1/explorer/transactions/{tx_hash}", { params: { path: { tx_hash: hash } } })) : undefined), [api, hash, me]);
  const first = history.data?.items[0];
  return (
    <>
      <PageHeader title={t("registry.explorer.txTitle")} subtitle={<Link to="/explorer">{t("registry.explorer.back")}</Link>} />
      <Card style={{ marginBottom: 16 }}>
        <Descriptions column={1} size="small">
          <Descriptions.Item label={t("registry.txHash")}>
            <Typography.Text code copyable style={{ fontSize: 12, wordBreak: "break-all" }}>
              {hash}
            </Typography.Text>
          </Descriptions.Item>
          {first ? (
            <Descriptions.Item label={t("registry.block")}>
              <BlockLink number={first.block_number} />
            </Descriptions.Item>
          ) : null}
        </Descriptions>
      </Card>
      {me ? (
        <Card title={t("registry.explorer.decodedEvents")}>
          <HistoryTable history={history.data} loading={history.loading} error={history.error} onRetry={history.reload} />
        </Card>
      ) : (
        <Alert type="info" showIcon message={t("registry.explorer.signInForTx")} />
      )}
    </>
  );
}

export function ExplorerAccount() {
  const { t } = useI18n();
  const { api } = useSession();
  const { orgId = "" } = useParams();
  const id = Number(orgId);
  const org = useLoad(() => call(api.client.GET("/api/v1/organisations/{org_id}", { params: { path: { org_id: id } } })), [api, id]);
  const history = useLoad(() => call(api.client.GET("/api/v1/explorer/transactions", { params: { query: { org_id: id, limit: 1000 } } })), [api, id]);
  return (
    <>
      <PageHeader title={t("registry.explorer.accountTitle", { name: org.data?.name ?? `#${orgId}` })} subtitle={<Link to="/explorer">{t("registry.explorer.back")}</Link>} />
      <Row gutter={[24, 24]}>
        <Col xs={24}>
          <Card>
            <ProblemAlert error={org.error} />
            {org.data ? (
              <Descriptions column={{ xs: 1, md: 2 }} size="small">
                <Descriptions.Item label={t("field.organisation")}>{org.data.name}</Descriptions.Item>
                <Descriptions.Item label={t("registry.explorer.address")}>
                  <Typography.Text code copyable style={{ fontSize: 12 }}>
                    {org.data.address ?? "—"}
                  </Typography.Text>
                </Descriptions.Item>
              </Descriptions>
            ) : null}
          </Card>
        </Col>
        <Col xs={24}>
          <Card title={t("registry.explorer.accountEvents")}>
            <HistoryTable history={history.data} loading={history.loading} error={history.error} onRetry={history.reload} />
          </Card>
        </Col>
      </Row>
    </>
  );
}
