/** The enterprise's own orders (cancel with confirmation, amend) and trades with their settlement. */
import { useState } from "react";
import { App, Button, Flex, Form, Input, InputNumber, Modal, Popconfirm, Table, Tag, Typography } from "antd";
import { call } from "../../api/client";
import type { ApiError } from "../../api/errors";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { asApiError, showOnForm } from "../../lib/problems";
import { useSession } from "../../session";
import { centsToText, parsePrice, validateOrder } from "./orderRules";
import { localVars, money, TradeStateTag, TxHash, type Instrument, type Order, type Trade } from "./widgets";
import type { Polled } from "./live";

interface Page<T> {
  items: T[];
  total: number;
}

const ORDER_COLOURS: Record<string, string> = {
  open: "processing",
  filled: "success",
  cancelled: "default",
  expired: "default",
  rejected: "error",
};

export function OrdersTable({
  orders,
  instrument,
  onChanged,
}: {
  orders: Polled<Page<Order>>;
  instrument: Instrument;
  onChanged: () => void;
}) {
  const { t, tx, fmt } = useI18n();
  const { api } = useSession();
  const { message } = App.useApp();
  const [cancelError, setCancelError] = useState<ApiError | null>(null);
  const [amending, setAmending] = useState<Order | null>(null);

  const cancel = async (order: Order) => {
    setCancelError(null);
    try {
      await call(api.client.DELETE("/api/v1/market/orders/{order_id}", { params: { path: { order_id: order.id } } }));
      void message.success(t("market.cancelled", { id: order.id }));
      onChanged();
    } catch (err) {
      setCancelError(asApiError(err));
    }
  };

  return (
    <>
      <ProblemAlert error={orders.error} onRetry={orders.reload} />
      <ProblemAlert error={cancelError} />
      <Table<Order>
        size="small"
        rowKey="id"
        loading={orders.loading}
        dataSource={orders.data?.items ?? []}
        scroll={{ x: 980 }}
        pagination={{ pageSize: 10, showSizeChanger: false, hideOnSinglePage: true }}
        locale={{ emptyText: t("market.noOrders") }}
        data-testid="my-orders"
        columns={[
          { title: "#", dataIndex: "id", width: 60 },
          { title: t("market.time"), dataIndex: "created_at", width: 150, render: (d: string) => fmt.dateTime(d) },
          { title: t("market.side"), dataIndex: "side", width: 70, render: (s: string) => tx(`market.side.${s}`, s) },
          {
            title: t("market.orderType"),
            key: "type",
            width: 120,
            render: (_, o) => `${tx(`market.type.${o.type}`, o.type)} · ${tx(`market.tif.${o.tif}`, o.tif)}`,
          },
          {
            title: t("market.price"),
            dataIndex: "price",
            align: "right",
            render: (p: number | null) => (p === null ? t("market.atMarket") : money(fmt, p)),
          },
          {
            title: t("market.filledOf"),
            key: "filled",
            align: "right",
            render: (_, o) => `${fmt.number(o.filled)} / ${fmt.number(o.quantity)}`,
          },
          {
            title: t("market.orderState"),
            dataIndex: "state",
            render: (s: string, o) => (
              <Flex vertical>
                <span>
                  <Tag color={ORDER_COLOURS[s] ?? "default"}>{tx(`market.orderState.${s}`, s)}</Tag>
                </span>
                {o.reason ? (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {tx(`market.reason.${o.reason.split(":")[0] ?? ""}`, o.reason)}
                  </Typography.Text>
                ) : null}
              </Flex>
            ),
          },
          {
            title: t("market.escrow"),
            key: "escrow",
            render: (_, o) => (
              <Flex vertical>
                <span>
                  {o.side === "buy"
                    ? t("market.coinAmount", { amount: money(fmt, o.escrow_price * o.escrow_quantity) })
                    : t("market.tonnesN", { n: fmt.number(o.escrow_quantity) })}
                </span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="escrow-state">
                  {o.released ? t("market.released") : o.state === "open" ? t("market.held") : t("market.releasing")}
                </Typography.Text>
              </Flex>
            ),
          },
          {
            title: t("common.actions"),
            key: "actions",
            width: 150,
            fixed: "right",
            render: (_, o) =>
              o.state === "open" && o.kind === "book" ? (
                <Flex gap={4}>
                  {o.type === "limit" ? (
                    <Button size="small" onClick={() => setAmending(o)}>
                      {t("market.amend")}
                    </Button>
                  ) : null}
                  <Popconfirm
                    title={t("market.cancelTitle", { id: o.id })}
                    description={t("market.cancelText")}
                    okText={t("market.cancelOrder")}
                    cancelText={t("market.keepOrder")}
                    okButtonProps={{ danger: true }}
                    onConfirm={() => cancel(o)}
                  >
                    <Button size="small" danger>
                      {t("market.cancelOrder")}
                    </Button>
                  </Popconfirm>
                </Flex>
              ) : null,
          },
        ]}
      />
      <AmendDialog order={amending} instrument={instrument} onClose={() => setAmending(null)} onAmended={onChanged} />
    </>
  );
}

interface AmendValues {
  price: string;
  quantity: number | null;
}

function AmendDialog({
  order,
  instrument,
  onClose,
  onAmended,
}: {
  order: Order | null;
  instrument: Instrument;
  onClose: () => void;
  onAmended: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { api } = useSession();
  const [form] = Form.useForm<AmendValues>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const check = (field: "price" | "quantity") => () => {
    if (!order) return Promise.resolve();
    const v = form.getFieldsValue(true) as AmendValues;
    const issue = validateOrder(
      { side: order.side === "sell" ? "sell" : "buy", type: "limit", price: v.price, quantity: v.quantity, tif: "day" },
      instrument,
    ).find((i) => i.field === field && i.level === "error");
    if (!issue && field === "quantity" && v.quantity !== null && v.quantity <= order.filled) {
      return Promise.reject(new Error(t("market.amendAboveFilled", { n: order.filled })));
    }
    return issue ? Promise.reject(new Error(t(issue.key, localVars(i18n.fmt, issue.vars)))) : Promise.resolve();
  };

  const submit = async () => {
    if (!order) return;
    let v: AmendValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const price = parsePrice(v.price);
    const body: { price?: number; quantity?: number } = {};
    if (price.ok && price.cents !== order.price) body.price = price.cents;
    if (v.quantity !== null && v.quantity !== order.quantity) body.quantity = v.quantity;
    if (body.price === undefined && body.quantity === undefined) {
      form.setFields([{ name: "price", errors: [t("market.amendNoChange")] }]);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await call(api.client.PATCH("/api/v1/market/orders/{order_id}", { params: { path: { order_id: order.id } }, body }));
      onAmended();
      onClose();
    } catch (err) {
      setError(showOnForm(form, err, i18n));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={order !== null}
      title={order ? t("market.amendTitle", { id: order.id }) : ""}
      okText={t("market.amend")}
      cancelText={t("common.cancel")}
      okButtonProps={{ loading: busy }}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t("market.amendHelp")}</Typography.Paragraph>
      <ProblemAlert error={error} />
      {order ? (
        <Form<AmendValues>
          form={form}
          name="amend"
          layout="vertical"
          preserve={false}
          initialValues={{ price: order.price === null ? "" : centsToText(order.price), quantity: order.quantity }}
        >
          <Form.Item name="price" label={t("market.priceField")} rules={[{ validator: check("price") }]}>
            <Input inputMode="decimal" suffix={t("market.priceUnit")} autoComplete="off" />
          </Form.Item>
          <Form.Item name="quantity" label={t("market.quantityField")} rules={[{ validator: check("quantity") }]}>
            <InputNumber<number> min={0} step={instrument.lot} precision={0} style={{ width: "100%" }} suffix={t("market.tonnes")} />
          </Form.Item>
        </Form>
      ) : null}
    </Modal>
  );
}

export function TradesTable({ trades, orgId }: { trades: Polled<Page<Trade>>; orgId: number | undefined }) {
  const { t, tx, fmt } = useI18n();
  return (
    <>
      <ProblemAlert error={trades.error} onRetry={trades.reload} />
      <Table<Trade>
        size="small"
        rowKey="id"
        loading={trades.loading}
        dataSource={trades.data?.items ?? []}
        scroll={{ x: 900 }}
        pagination={{ pageSize: 10, showSizeChanger: false, hideOnSinglePage: true }}
        locale={{ emptyText: t("market.noTrades") }}
        data-testid="my-trades"
        columns={[
          { title: "#", dataIndex: "id", width: 60 },
          { title: t("market.time"), dataIndex: "matched_at", width: 150, render: (d: string) => fmt.dateTime(d) },
          {
            title: t("market.side"),
            key: "side",
            width: 70,
            render: (_, tr) => (tr.buyer_org === orgId ? t("market.side.buy") : t("market.side.sell")),
          },
          { title: t("market.price"), dataIndex: "price", align: "right", render: (p: number) => money(fmt, p) },
          { title: t("market.quantityT"), dataIndex: "quantity", align: "right", render: (q: number) => fmt.number(q) },
          {
            title: t("market.amount"),
            key: "amount",
            align: "right",
            render: (_, tr) => money(fmt, tr.price * tr.quantity),
          },
          { title: t("market.kind"), dataIndex: "kind", render: (k: string) => tx(`market.tradeKind.${k}`, k) },
          { title: t("market.settlement"), dataIndex: "state", render: (s: string) => <TradeStateTag state={s} /> },
          { title: t("market.txHash"), dataIndex: "tx_hash", render: (h: string | null) => <TxHash hash={h} /> },
          { title: t("market.settledAt"), dataIndex: "settled_at", width: 150, render: (d: string | null) => fmt.dateTime(d) },
        ]}
      />
    </>
  );
}
