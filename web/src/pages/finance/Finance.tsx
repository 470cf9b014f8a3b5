import { useState } from "react";
import { App, Button, Card, Form, Input, InputNumber, Popconfirm, Space, Table, Tag, Typography } from "antd";
import { PlusOutlined, ReloadOutlined } from "@ant-design/icons";
import { Link } from "react-router-dom";
import { call, type Schemas } from "../../api/client";
import type { ApiError } from "../../api/errors";
import { PageHeader } from "../../components/PageHeader";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { asApiError } from "../../lib/problems";
import { useLoad } from "../../lib/useLoad";
import { useSession } from "../../session";
import { ActionDialog } from "../registry/ActionDialog";
import { newIdempotencyKey } from "../registry/common";
import { checkCoin, checkReference, toCents } from "./money";

type Deposit = Schemas["DepositOut"];
type Withdrawal = Schemas["WithdrawalOut"];

interface DepositValues {
  org_id: number;
  amount: number;
  reference: string;
}

function TxHash({ hash }: { hash: string | null | undefined }) {
  if (!hash) return <>—</>;
  return (
    <Link to={`/explorer/tx/${hash}`}>
      <Typography.Text code style={{ fontSize: 12 }}>
        {hash.slice(0, 10)}…{hash.slice(-6)}
      </Typography.Text>
    </Link>
  );
}

export function Finance() {
  const { t, tx, fmt } = useI18n();
  const { api } = useSession();
  const { message } = App.useApp();
  const [form] = Form.useForm<DepositValues>();
  const [open, setOpen] = useState(false);
  const [deciding, setDeciding] = useState<number | null>(null);
  const [decideError, setDecideError] = useState<ApiError | null>(null);
  const coin = (cents: number) => fmt.number(cents / 100, 2);

  const deposits = useLoad(
    () => call(api.client.GET("/api/v1/registry/coin/deposits", { params: { query: { limit: 50 } } })),
    [api],
  );
  const withdrawals = useLoad(
    () => call(api.client.GET("/api/v1/registry/coin/withdrawals", { params: { query: { limit: 50 } } })),
    [api],
  );

  const decide = async (w: Withdrawal, execute: boolean) => {
    setDeciding(w.id);
    setDecideError(null);
    try {
      const path = execute
        ? "/api/v1/registry/coin/withdrawals/{withdrawal_id}/execute"
        : "/api/v1/registry/coin/withdrawals/{withdrawal_id}/reject";
      await call(
        api.client.POST(path, {
          params: { path: { withdrawal_id: w.id } },
          body: { note: "" },
          headers: { "Idempotency-Key": newIdempotencyKey() },
        }),
      );
      void message.success(t(execute ? "rest.finance.executed" : "rest.finance.rejected", { id: w.id }));
      withdrawals.reload();
    } catch (err) {
      setDecideError(asApiError(err));
    } finally {
      setDeciding(null);
    }
  };

  return (
    <>
      <PageHeader
        title={t("rest.finance.title")}
        subtitle={t("rest.finance.intro")}
        extra={
          <>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)} data-testid="deposit-open">
              {t("rest.finance.deposit")}
            </Button>
            <Button
              icon={<ReloadOutlined />}
              onClick={() => {
                deposits.reload();
                withdrawals.reload();
              }}
            >
              {t("common.refresh")}
            </Button>
          </>
        }
      />
      <Space direction="vertical" size={24} style={{ width: "100%" }}>
        <Card title={t("rest.finance.withdrawals")}>
          <ProblemAlert error={withdrawals.error} onRetry={withdrawals.reload} />
          <ProblemAlert error={decideError} />
          <Table<Withdrawal>
            rowKey="id"
            size="small"
            scroll={{ x: 760 }}
            loading={withdrawals.loading}
            dataSource={withdrawals.data?.items ?? []}
            locale={{ emptyText: t("rest.finance.noWithdrawals") }}
            pagination={false}
            columns={[
              { title: "#", dataIndex: "id", width: 60 },
              { title: t("rest.finance.enterprise"), dataIndex: "org_id" },
              { title: t("rest.finance.amount"), dataIndex: "amount_cents", align: "right", render: (v: number) => coin(v) },
              {
                title: t("rest.finance.status"),
                dataIndex: "status",
                render: (s: string) => (
                  <Tag color={s === "executed" ? "green" : s === "rejected" ? "red" : "gold"}>
                    {tx(`rest.finance.state.${s}`, s)}
                  </Tag>
                ),
              },
              { title: t("rest.finance.requestTx"), dataIndex: "request_tx", render: (h: string) => <TxHash hash={h} /> },
              { title: t("rest.finance.settleTx"), dataIndex: "settle_tx", render: (h: string | null) => <TxHash hash={h} /> },
              { title: t("rest.finance.when"), dataIndex: "created_at", render: (d: string) => fmt.dateTime(d) },
              {
                title: t("rest.finance.actions"),
                key: "actions",
                render: (_: unknown, w) =>
                  w.status === "requested" ? (
                    <Space>
                      <Popconfirm
                        title={t("rest.finance.executeTitle", { id: w.id })}
                        description={t("rest.finance.executeText", { amount: coin(w.amount_cents), org: w.org_id })}
                        okText={t("rest.finance.execute")}
                        cancelText={t("common.cancel")}
                        onConfirm={() => decide(w, true)}
                      >
                        <Button size="small" type="primary" loading={deciding === w.id}>
                          {t("rest.finance.execute")}
                        </Button>
                      </Popconfirm>
                      <Popconfirm
                        title={t("rest.finance.rejectTitle", { id: w.id })}
                        description={t("rest.finance.rejectText")}
                        okText={t("rest.finance.reject")}
                        cancelText={t("common.cancel")}
                        onConfirm={() => decide(w, false)}
                      >
                        <Button size="small" danger disabled={deciding === w.id}>
                          {t("rest.finance.reject")}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ) : (
                    w.note || "—"
                  ),
              },
            ]}
          />
        </Card>
        <Card title={t("rest.finance.deposits")}>
          <ProblemAlert error={deposits.error} onRetry={deposits.reload} />
          <Table<Deposit>
            rowKey="id"
            size="small"
            scroll={{ x: 700 }}
            loading={deposits.loading}
            dataSource={deposits.data?.items ?? []}
            locale={{ emptyText: t("rest.finance.noDeposits") }}
            pagination={false}
            columns={[
              { title: "#", dataIndex: "id", width: 60 },
              { title: t("rest.finance.enterprise"), dataIndex: "org_id" },
              { title: t("rest.finance.amount"), dataIndex: "amount_cents", align: "right", render: (v: number) => coin(v) },
              { title: t("rest.finance.reference"), dataIndex: "reference" },
              { title: t("rest.finance.tx"), dataIndex: "tx_hash", render: (h: string) => <TxHash hash={h} /> },
              { title: t("rest.finance.block"), dataIndex: "block_number", render: (n: number) => fmt.number(n) },
              { title: t("rest.finance.when"), dataIndex: "created_at", render: (d: string) => fmt.dateTime(d) },
            ]}
          />
        </Card>
      </Space>
      <ActionDialog<DepositValues>
        open={open}
        title={t("rest.finance.depositTitle")}
        okText={t("rest.finance.next")}
        form={form}
        testId="deposit"
        rename={{ amount_cents: "amount" }}
        summary={(v) => t("rest.finance.depositSummary", { amount: fmt.number(v.amount, 2), org: v.org_id, ref: v.reference.trim() })}
        onSubmit={(v, key) =>
          call(
            api.client.POST("/api/v1/registry/coin/deposits", {
              body: { org_id: v.org_id, amount_cents: toCents(v.amount) ?? 0, reference: v.reference.trim() },
              headers: { "Idempotency-Key": key },
            }),
          )
        }
        onDone={(r) => {
          const d = r as Deposit;
          setOpen(false);
          void message.success(t("rest.finance.deposited", { id: d.id }));
          deposits.reload();
        }}
        onClose={() => setOpen(false)}
      >
        <Form.Item
          name="org_id"
          label={t("rest.finance.enterprise")}
          extra={t("rest.finance.enterpriseHelp")}
          rules={[{ required: true, message: t("rest.finance.enterpriseRequired") }]}
        >
          <InputNumber min={1} precision={0} style={{ width: "100%" }} />
        </Form.Item>
        <Form.Item
          name="amount"
          label={t("rest.finance.amount")}
          rules={[
            {
              validator: (_, v: number | null | undefined) => {
                const p = checkCoin(v);
                return p ? Promise.reject(new Error(t(`rest.finance.amount.${p}`))) : Promise.resolve();
              },
            },
          ]}
        >
          <InputNumber style={{ width: "100%" }} />
        </Form.Item>
        <Form.Item
          name="reference"
          label={t("rest.finance.reference")}
          extra={t("rest.finance.referenceHelp")}
          rules={[
            {
              validator: (_, v: string | undefined) => {
                const p = checkReference(v);
                return p ? Promise.reject(new Error(t(`rest.finance.reference.${p}`))) : Promise.resolve();
              },
            },
          ]}
        >
          <Input maxLength={32} />
        </Form.Item>
      </ActionDialog>
    </>
  );
}
