import { useState } from "react";
import { Button, Card, Col, Descriptions, Empty, Form, Input, InputNumber, Modal, Row, Select, Skeleton, Space, Statistic, Table, Tabs, Tag, Typography } from "antd";
import { PrinterOutlined, ReloadOutlined, SendOutlined, SafetyCertificateOutlined } from "@ant-design/icons";
import { call, type Schemas } from "../../api/client";
import { PageHeader } from "../../components/PageHeader";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { asApiError, problemText } from "../../lib/problems";
import { useLoad } from "../../lib/useLoad";
import { useSession } from "../../session";
import { ActionDialog } from "./ActionDialog";
import { allowanceHolding, allowancesHeld, available, blockAvailable, checkAmount, type Balances, type OffsetBlock } from "./amounts";
import { ArgsSummary, BlockLink, CoinHoldingStatistic, TxHash, useBalances, useTonnes } from "./common";

type Certificate = Schemas["Certificate"];
type HistoryItem = Schemas["HistoryItem"];

/** The amount rule of every form here: a message when checkAmount refuses it. */
export function useAmountRule(held: () => number) {
  const { t, fmt } = useI18n();
  return {
    validator: (_: unknown, value: number | null | undefined) => {
      const problem = checkAmount(value, held());
      return problem ? Promise.reject(new Error(t(`registry.amount.${problem}`, { n: fmt.number(held()) }))) : Promise.resolve();
    },
  };
}

interface TransferValues {
  to_org_id: number;
  vintage: number;
  amount: number;
}

function TransferDialog({ balances, vintage, onClose, onDone }: { balances: Balances | undefined; vintage: number | null; onClose: () => void; onDone: () => void }) {
  const { t, fmt } = useI18n();
  const { api } = useSession();
  const [form] = Form.useForm<TransferValues>();
  const chosen = Form.useWatch("vintage", form) ?? vintage ?? undefined;
  const rule = useAmountRule(() => available(balances, form.getFieldValue("vintage") as number | undefined));
  const vintages = (balances?.allowances ?? []).filter((a) => a.balance > 0);
  return (
    <ActionDialog<TransferValues>
      open={vintage !== null}
      title={t("registry.transfer.title")}
      okText={t("registry.transfer.next")}
      form={form}
      testId="transfer"
      initialValues={{ vintage: vintage ?? undefined }}
      summary={(v) => t("registry.transfer.summary", { amount: fmt.number(v.amount), vintage: v.vintage, org: v.to_org_id })}
      onSubmit={(v, key) =>
        call(api.client.POST("/api/v1/registry/transfers/allowances", { body: v, headers: { "Idempotency-Key": key } }))
      }
      onDone={onDone}
      onClose={onClose}
    >
      <Form.Item name="to_org_id" label={t("registry.transfer.to")} extra={t("registry.transfer.toHelp")} rules={[{ required: true, message: t("registry.transfer.toRequired") }]}>
        <InputNumber min={1} precision={0} style={{ width: "100%" }} />
      </Form.Item>
      <Form.Item required={false} name="vintage" label={t("registry.vintage")} rules={[{ required: true, message: t("registry.vintageRequired") }]}>
        <Select options={vintages.map((a) => ({ value: a.vintage, label: String(a.vintage) }))} />
      </Form.Item>
      <Form.Item
        name="amount"
        label={t("registry.amountTonnes")}
        dependencies={["vintage"]}
        extra={t("registry.availableHint", { n: fmt.number(available(balances, chosen)) })}
        rules={[rule]}
      >
        <InputNumber style={{ width: "100%" }} />
      </Form.Item>
    </ActionDialog>
  );
}

interface RetireValues {
  block_id: number;
  amount: number;
  beneficiary: string;
  reason: string;
}

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

function RetireDialog({ balances, block, onClose, onDone }: { balances: Balances | undefined; block: OffsetBlock | null; onClose: () => void; onDone: (c: Certificate) => void }) {
  const { t, fmt } = useI18n();
  const { api } = useSession();
  const [form] = Form.useForm<RetireValues>();
  const rule = useAmountRule(() => blockAvailable(balances, block?.block_id));
  const bytes = (max: number) => ({
    validator: (_: unknown, v: string | undefined) =>
      v && utf8Bytes(v) > max ? Promise.reject(new Error(t("registry.retire.tooLong", { n: max }))) : Promise.resolve(),
  });
  return (
    <ActionDialog<RetireValues>
      open={block !== null}
      title={t("registry.retire.title", { id: block?.block_id ?? "" })}
      okText={t("registry.retire.next")}
      form={form}
      testId="retire"
      initialValues={{ amount: block?.amount }}
      summary={(v) => t("registry.retire.summary", { amount: fmt.number(v.amount), block: block?.block_id ?? "", beneficiary: v.beneficiary })}
      onSubmit={(v, key) =>
        call(
          api.client.POST("/api/v1/registry/offsets/retirements", {
            body: { ...v, block_id: block?.block_id ?? 0, reason: v.reason ?? "" },
            headers: { "Idempotency-Key": key },
          }),
        )
      }
      onDone={(c) => onDone(c as Certificate)}
      onClose={onClose}
    >
      <Form.Item name="amount" label={t("registry.amountTonnes")} extra={t("registry.availableHint", { n: fmt.number(block?.amount ?? 0) })} rules={[rule]}>
        <InputNumber style={{ width: "100%" }} />
      </Form.Item>
      <Form.Item name="beneficiary" label={t("registry.retire.beneficiary")} rules={[{ required: true, message: t("registry.retire.beneficiaryRequired") }, bytes(64)]}>
        <Input />
      </Form.Item>
      <Form.Item name="reason" label={t("registry.retire.reason")} rules={[bytes(128)]}>
        <Input.TextArea rows={2} />
      </Form.Item>
    </ActionDialog>
  );
}

/** A retirement certificate, and its printable document in the reader's language. */
export function CertificateDialog({ certificate, onClose }: { certificate: Certificate | null; onClose: () => void }) {
  const i18n = useI18n();
  const { t, fmt, locale } = i18n;
  const { api } = useSession();
  const tonnes = useTonnes();
  const [printError, setPrintError] = useState<string | null>(null);
  const print = async () => {
    if (!certificate) return;
    setPrintError(null);
    try {
      const response = await api.client.GET("/api/v1/registry/offsets/retirements/{block_id}/certificate", {
        params: { path: { block_id: certificate.block_id }, query: { format: "html", lang: locale } },
        parseAs: "text",
      });
      if (!response.response.ok) throw new Error(response.response.statusText);
      const html = String(response.data ?? "");
      const url = URL.createObjectURL(new Blob([html], { type: "text/html" }));
      const win = window.open(url, "_blank");
      win?.addEventListener("load", () => win.print());
    } catch (err) {
      setPrintError(problemText(asApiError(err), i18n));
    }
  };
  return (
    <Modal
      open={certificate !== null}
      title={t("registry.certificate.title")}
      onCancel={onClose}
      footer={[
        <Button key="print" icon={<PrinterOutlined />} onClick={() => void print()}>
          {t("registry.certificate.print")}
        </Button>,
        <Button key="close" type="primary" onClick={onClose}>
          {t("registry.close")}
        </Button>,
      ]}
      width={640}
    >
      {printError ? <Typography.Text type="danger">{printError}</Typography.Text> : null}
      {certificate ? (
        <Descriptions column={1} size="small" bordered data-testid="certificate">
          <Descriptions.Item label={t("registry.certificate.id")}>{certificate.certificate_id}</Descriptions.Item>
          <Descriptions.Item label={t("registry.certificate.holder")}>{certificate.holder}</Descriptions.Item>
          <Descriptions.Item label={t("registry.retire.beneficiary")}>{certificate.beneficiary}</Descriptions.Item>
          <Descriptions.Item label={t("registry.retire.reason")}>{certificate.reason || "—"}</Descriptions.Item>
          <Descriptions.Item label={t("registry.project")}>
            {certificate.project_name} ({certificate.methodology})
          </Descriptions.Item>
          <Descriptions.Item label={t("registry.vintage")}>{certificate.vintage}</Descriptions.Item>
          <Descriptions.Item label={t("registry.serials")}>
            {fmt.number(certificate.first_serial)} – {fmt.number(certificate.last_serial)}
          </Descriptions.Item>
          <Descriptions.Item label={t("registry.amount")}>{tonnes(certificate.amount)}</Descriptions.Item>
          <Descriptions.Item label={t("registry.retiredAt")}>{fmt.dateTime(certificate.retired_at)}</Descriptions.Item>
          <Descriptions.Item label={t("registry.txHash")}>
            <TxHash hash={certificate.tx_hash} />
          </Descriptions.Item>
          <Descriptions.Item label={t("registry.block")}>
            <BlockLink number={certificate.block_number} />
          </Descriptions.Item>
        </Descriptions>
      ) : null}
    </Modal>
  );
}

/** Every on-chain event naming the organisation, newest first. */
export function OrgHistory({ orgId, version = 0 }: { orgId?: number; version?: number }) {
  const { t, tx } = useI18n();
  const { api } = useSession();
  const history = useLoad(
    () => call(api.client.GET("/api/v1/explorer/transactions", { params: { query: { org_id: orgId, limit: 1000 } } })),
    [api, orgId, version],
  );
  const items = [...(history.data?.items ?? [])].reverse();
  return (
    <>
      <ProblemAlert error={history.error} onRetry={history.reload} />
      <Table<HistoryItem>
        rowKey={(i) => `${i.block_number}-${i.log_index}`}
        loading={history.loading}
        dataSource={items}
        size="small"
        scroll={{ x: 760 }}
        pagination={{ pageSize: 10, showSizeChanger: false }}
        locale={{ emptyText: t("registry.history.empty") }}
        columns={[
          { title: t("registry.block"), dataIndex: "block_number", width: 100, render: (n: number) => <BlockLink number={n} /> },
          { title: t("registry.event"), key: "event", width: 220, render: (_, i) => <Tag>{tx(`registry.eventName.${i.event}`, i.event)}</Tag> },
          { title: t("registry.details"), key: "args", render: (_, i) => <ArgsSummary args={i.args} parties={i.parties} /> },
          { title: t("registry.txHash"), dataIndex: "tx_hash", width: 190, render: (h: string) => <TxHash hash={h} /> },
        ]}
      />
    </>
  );
}

export function Assets() {
  const { t, fmt } = useI18n();
  const { api } = useSession();
  const [version, setVersion] = useState(0);
  const balances = useBalances(version);
  const tonnes = useTonnes();
  const [transferring, setTransferring] = useState<number | null>(null);
  const [retiring, setRetiring] = useState<OffsetBlock | null>(null);
  const [certificate, setCertificate] = useState<Certificate | null>(null);
  const retirements = useLoad(() => call(api.client.GET("/api/v1/registry/offsets/retirements", { params: { query: { limit: 200, sort: "-block_id" } } })), [api, version]);
  const changed = () => setVersion((n) => n + 1);
  const data = balances.data;
  const held = (data?.offsets ?? []).filter((b) => b.state === "held");
  const totalAllowances = allowancesHeld(data);

  return (
    <>
      <PageHeader
        title={t("registry.assets.title")}
        subtitle={t("registry.assets.intro")}
        extra={
          <Space wrap>
            <Button icon={<ReloadOutlined />} onClick={changed}>
              {t("common.refresh")}
            </Button>
            <Button type="primary" icon={<SendOutlined />} disabled={!data?.allowances.length} onClick={() => setTransferring(data?.allowances[0]?.vintage ?? 0)} data-testid="open-transfer">
              {t("registry.transfer.action")}
            </Button>
          </Space>
        }
      />
      <ProblemAlert error={balances.error} onRetry={balances.reload} />
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={24} sm={8}>
          <Card>{balances.loading && !data ? <Skeleton active paragraph={false} /> : <Statistic title={t("registry.assets.allowancesTotal")} value={tonnes(totalAllowances)} />}</Card>
        </Col>
        <Col xs={24} sm={8}>
          <Card>{balances.loading && !data ? <Skeleton active paragraph={false} /> : <Statistic title={t("registry.assets.offsetsHeld")} value={tonnes(held.reduce((s, b) => s + b.amount, 0))} />}</Card>
        </Col>
        <Col xs={24} sm={8}>
          <Card>{balances.loading && !data ? <Skeleton active paragraph={false} /> : data ? <CoinHoldingStatistic balances={data} /> : null}</Card>
        </Col>
      </Row>
      <Card>
        <Tabs
          items={[
            {
              key: "allowances",
              label: t("registry.assets.allowances"),
              children: (
                <Table
                  rowKey="vintage"
                  loading={balances.loading}
                  dataSource={data?.allowances ?? []}
                  pagination={false}
                  data-testid="allowance-balances"
                  locale={{ emptyText: <Empty description={t("registry.assets.noAllowances")} /> }}
                  columns={[
                    { title: t("registry.vintage"), dataIndex: "vintage", width: 100 },
                    { title: t("registry.available"), dataIndex: "balance", align: "right", render: (n: number) => fmt.number(n) },
                    { title: t("registry.escrowed"), dataIndex: "escrowed", align: "right", render: (n: number) => fmt.number(n) },
                    { title: t("registry.holdingTotal"), key: "total", align: "right", render: (_, a) => fmt.number(allowanceHolding(a).total) },
                    {
                      title: t("common.actions"),
                      key: "actions",
                      width: 120,
                      render: (_, a) => (
                        <Button size="small" icon={<SendOutlined />} disabled={a.balance <= 0} onClick={() => setTransferring(a.vintage)}>
                          {t("registry.transfer.short")}
                        </Button>
                      ),
                    },
                  ]}
                />
              ),
            },
            {
              key: "offsets",
              label: t("registry.assets.offsets"),
              children: (
                <Table<OffsetBlock>
                  rowKey="block_id"
                  loading={balances.loading}
                  dataSource={data?.offsets ?? []}
                  pagination={false}
                  scroll={{ x: 720 }}
                  locale={{ emptyText: <Empty description={t("registry.assets.noOffsets")} /> }}
                  columns={[
                    { title: t("registry.offsetBlock"), dataIndex: "block_id", width: 90 },
                    { title: t("registry.project"), dataIndex: "project", width: 90 },
                    { title: t("registry.vintage"), dataIndex: "vintage", width: 80 },
                    { title: t("registry.serials"), key: "serials", render: (_, b) => `${fmt.number(b.first_serial)} – ${fmt.number(b.last_serial)}` },
                    { title: t("registry.amount"), dataIndex: "amount", align: "right", render: (n: number) => fmt.number(n) },
                    { title: t("registry.state"), dataIndex: "state", render: (s: string) => <Tag>{t(`registry.blockState.${s as "held"}`)}</Tag> },
                    {
                      title: t("common.actions"),
                      key: "actions",
                      width: 110,
                      render: (_, b) =>
                        b.state === "held" ? (
                          <Button size="small" danger onClick={() => setRetiring(b)}>
                            {t("registry.retire.action")}
                          </Button>
                        ) : null,
                    },
                  ]}
                />
              ),
            },
            {
              key: "retirements",
              label: t("registry.assets.retirements"),
              children: (
                <>
                  <ProblemAlert error={retirements.error} onRetry={retirements.reload} />
                  <Table<Certificate>
                    rowKey="certificate_id"
                    loading={retirements.loading}
                    dataSource={retirements.data?.items ?? []}
                    pagination={false}
                    scroll={{ x: 720 }}
                    locale={{ emptyText: <Empty description={t("registry.assets.noRetirements")} /> }}
                    columns={[
                      { title: t("registry.certificate.id"), dataIndex: "certificate_id" },
                      { title: t("registry.retire.beneficiary"), dataIndex: "beneficiary" },
                      { title: t("registry.amount"), dataIndex: "amount", align: "right", render: (n: number) => fmt.number(n) },
                      { title: t("registry.retiredAt"), dataIndex: "retired_at", render: (d: string) => fmt.dateTime(d) },
                      {
                        title: t("common.actions"),
                        key: "view",
                        render: (_, c) => (
                          <Button size="small" icon={<SafetyCertificateOutlined />} onClick={() => setCertificate(c)}>
                            {t("registry.certificate.view")}
                          </Button>
                        ),
                      },
                    ]}
                  />
                </>
              ),
            },
            { key: "history", label: t("registry.assets.history"), children: <OrgHistory version={version} /> },
          ]}
        />
      </Card>
      <TransferDialog
        balances={data}
        vintage={transferring}
        onClose={() => setTransferring(null)}
        onDone={() => {
          setTransferring(null);
          changed();
        }}
      />
      <RetireDialog
        balances={data}
        block={retiring}
        onClose={() => setRetiring(null)}
        onDone={(c) => {
          setRetiring(null);
          setCertificate(c);
          changed();
        }}
      />
      <CertificateDialog certificate={certificate} onClose={() => setCertificate(null)} />
    </>
  );
}
