/**
 * Negotiated (block) trades: propose to a named enterprise (found by name, credit code or
 * organisation number) at a price inside the block band; the counterparty accepts —
 * settling at once on chain — or either party withdraws.
 */
import { useEffect, useState } from "react";
import { App, Button, Flex, Form, Input, InputNumber, Modal, Popconfirm, Radio, Select, Table, Tag, Typography } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import { call, type Schemas } from "../../api/client";
import type { ApiError } from "../../api/errors";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { asApiError, showOnForm } from "../../lib/problems";
import { useSession } from "../../session";
import { blockBand, parsePrice, validateDeal, type DealField } from "./orderRules";
import { localVars, money, TxHash, type Instrument } from "./widgets";
import { usePolled, type Polled } from "./live";

type Deal = Schemas["DealPublic"];

const DEAL_COLOURS: Record<string, string> = { proposed: "processing", settled: "success", cancelled: "default" };

interface ProposeValues {
  side: "sell" | "buy";
  counterparty_id: number | null;
  price: string;
  quantity: number | null;
}

type Participant = Schemas["Participant"];

/** How long typing must pause before the directory is asked [ms]. */
const SEARCH_PAUSE_MS = 250;

/**
 * The counterparty: a search of the enterprises that can trade (by name, credit code or
 * organisation number), the chosen one's id as the value.
 */
function CounterpartySelect({ id, value, onChange }: { id?: string; value?: number | null; onChange?: (value: number | null) => void }) {
  const { t, tx } = useI18n();
  const { api } = useSession();
  const [typed, setTyped] = useState("");
  const [q, setQ] = useState("");
  useEffect(() => {
    const timer = window.setTimeout(() => setQ(typed.trim()), SEARCH_PAUSE_MS);
    return () => window.clearTimeout(timer);
  }, [typed]);
  const found = usePolled(() => call(api.client.GET("/api/v1/market/participants", { params: { query: { q, limit: 20 } } })), [api, q]);
  const [chosen, setChosen] = useState<Participant | null>(null);
  const options = [...(found.data ?? [])];
  if (chosen && !options.some((p) => p.id === chosen.id)) options.unshift(chosen);
  const where = (p: Participant) =>
    [`#${p.id}`, p.region ? tx(`region.${p.region}`, p.region) : "", p.industry ? tx(`industry.${p.industry}`, p.industry) : ""]
      .filter(Boolean)
      .join(" · ");
  return (
    <Select<number>
      id={id}
      showSearch
      allowClear
      filterOption={false}
      value={value ?? undefined}
      placeholder={t("market.deal.counterpartySearch")}
      onSearch={setTyped}
      onChange={(v) => {
        setChosen(options.find((p) => p.id === v) ?? null);
        onChange?.(v ?? null);
      }}
      loading={found.loading}
      notFoundContent={found.error ? t("market.deal.counterpartyLookupFailed") : t("market.deal.noParticipants")}
      options={options.map((p) => ({ value: p.id, label: p.name, participant: p }))}
      optionRender={(o) => {
        const p = (o.data as { participant: Participant }).participant;
        return (
          <Flex vertical>
            <span>{p.name}</span>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {where(p)}
            </Typography.Text>
          </Flex>
        );
      }}
      data-testid="counterparty-select"
    />
  );
}

function ProposeDialog({
  open,
  instrument,
  onClose,
  onProposed,
}: {
  open: boolean;
  instrument: Instrument;
  onClose: () => void;
  onProposed: () => void;
}) {
  const i18n = useI18n();
  const { t, fmt } = i18n;
  const { api, me } = useSession();
  const [form] = Form.useForm<ProposeValues>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const check = (field: DealField) => () => {
    const v = form.getFieldsValue(true) as ProposeValues;
    const issue = validateDeal(
      { asSeller: v.side === "sell", counterparty: v.counterparty_id, self: me?.organisation.id, price: v.price, quantity: v.quantity },
      instrument,
    ).find((i) => i.field === field);
    return issue ? Promise.reject(new Error(t(issue.key, localVars(fmt, issue.vars)))) : Promise.resolve();
  };
  const band = instrument.previous_close ? blockBand(instrument.previous_close, instrument.block_band_bps, instrument.tick) : null;

  const submit = async () => {
    let v: ProposeValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const price = parsePrice(v.price);
    if (!price.ok || v.counterparty_id === null || v.quantity === null) return;
    setBusy(true);
    setError(null);
    try {
      await call(
        api.client.POST("/api/v1/market/deals", {
          body: {
            instrument: instrument.code,
            counterparty_id: v.counterparty_id,
            as_seller: v.side === "sell",
            quantity: v.quantity,
            price: price.cents,
          },
        }),
      );
      form.resetFields();
      onProposed();
      onClose();
    } catch (err) {
      setError(showOnForm(form, err, i18n));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t("market.deal.proposeTitle", { code: instrument.code })}
      okText={t("market.deal.propose")}
      cancelText={t("common.cancel")}
      okButtonProps={{ loading: busy }}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t("market.deal.intro")}</Typography.Paragraph>
      <ProblemAlert error={error} />
      <Form<ProposeValues> form={form} name="deal" layout="vertical" preserve={false} initialValues={{ side: "sell", counterparty_id: null, price: "", quantity: null }}>
        <Form.Item name="side" label={t("market.side")}>
          <Radio.Group optionType="button">
            <Radio.Button value="sell">{t("market.deal.iSell")}</Radio.Button>
            <Radio.Button value="buy">{t("market.deal.iBuy")}</Radio.Button>
          </Radio.Group>
        </Form.Item>
        <Form.Item
          name="counterparty_id"
          label={t("market.deal.counterparty")}
          rules={[{ validator: check("counterparty") }]}
          extra={t("market.deal.counterpartyHelp")}
        >
          <CounterpartySelect />
        </Form.Item>
        <Form.Item
          name="price"
          label={t("market.priceField")}
          rules={[{ validator: check("price") }]}
          extra={band ? t("market.deal.bandHelp", { low: money(fmt, band[0]), high: money(fmt, band[1]) }) : undefined}
        >
          <Input inputMode="decimal" suffix={t("market.priceUnit")} autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="quantity"
          label={t("market.quantityField")}
          rules={[{ validator: check("quantity") }]}
          extra={t("market.deal.quantityHelp", { n: fmt.number(instrument.block_min_quantity), lot: fmt.number(instrument.lot) })}
        >
          <InputNumber<number> min={0} step={instrument.lot} precision={0} style={{ width: "100%" }} suffix={t("market.tonnes")} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function DealsPanel({ deals, instrument, onChanged }: { deals: Polled<Deal[]>; instrument: Instrument; onChanged: () => void }) {
  const { t, tx, fmt } = useI18n();
  const { api, me } = useSession();
  const { message } = App.useApp();
  const [proposing, setProposing] = useState(false);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const mine = me?.organisation.id;

  const decide = async (deal: Deal, accept: boolean) => {
    setActionError(null);
    try {
      const path = { params: { path: { deal_id: deal.id } } };
      if (accept) await call(api.client.POST("/api/v1/market/deals/{deal_id}/accept", path));
      else await call(api.client.POST("/api/v1/market/deals/{deal_id}/cancel", path));
      void message.success(t(accept ? "market.deal.accepted" : "market.deal.withdrawn", { id: deal.id }));
      onChanged();
    } catch (err) {
      setActionError(asApiError(err));
    }
  };

  const rows = (deals.data ?? []).filter((d) => d.instrument === instrument.code).reverse();
  return (
    <>
      <Flex justify="space-between" align="center" style={{ marginBottom: 12 }} wrap gap={8}>
        <Typography.Text type="secondary">{t("market.deal.listIntro", { id: mine ?? "—" })}</Typography.Text>
        <Button icon={<PlusOutlined />} onClick={() => setProposing(true)} disabled={!instrument.previous_close}>
          {t("market.deal.propose")}
        </Button>
      </Flex>
      <ProblemAlert error={deals.error} onRetry={deals.reload} />
      <ProblemAlert error={actionError} />
      <Table<Deal>
        size="small"
        rowKey="id"
        loading={deals.loading}
        dataSource={rows}
        scroll={{ x: 1000 }}
        pagination={{ pageSize: 10, showSizeChanger: false, hideOnSinglePage: true }}
        locale={{ emptyText: t("market.deal.none") }}
        data-testid="my-deals"
        columns={[
          { title: "#", dataIndex: "id", width: 60 },
          { title: t("market.time"), dataIndex: "created_at", width: 150, render: (d: string) => fmt.dateTime(d) },
          {
            title: t("market.side"),
            key: "side",
            width: 70,
            render: (_, d) => (d.seller_org === mine ? t("market.side.sell") : t("market.side.buy")),
          },
          {
            title: t("market.deal.counterparty"),
            key: "counterparty",
            width: 260,
            render: (_, d) => {
              const byMe = d.proposer_org === mine;
              const other = byMe ? d.counterparty_org : d.proposer_org;
              const name = byMe ? d.counterparty_name : d.proposer_name;
              return (
                <Flex vertical>
                  <span>{name ? `${name} (#${other})` : `#${other}`}</span>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {d.proposer_org === mine ? t("market.deal.proposedByYou") : t("market.deal.proposedToYou")}
                  </Typography.Text>
                </Flex>
              );
            },
          },
          { title: t("market.price"), dataIndex: "price", align: "right", render: (p: number) => money(fmt, p) },
          { title: t("market.quantityT"), dataIndex: "quantity", align: "right", render: (q: number) => fmt.number(q) },
          {
            title: t("market.orderState"),
            dataIndex: "state",
            render: (s: string) => <Tag color={DEAL_COLOURS[s] ?? "default"}>{tx(`market.deal.state.${s}`, s)}</Tag>,
          },
          { title: t("market.txHash"), key: "tx", render: (_, d) => <TxHash hash={d.tx_hash ?? d.proposed_tx} /> },
          {
            title: t("common.actions"),
            key: "actions",
            width: 170,
            fixed: "right",
            render: (_, d) =>
              d.state === "proposed" ? (
                <Flex gap={4}>
                  {d.counterparty_org === mine ? (
                    <Popconfirm
                      title={t("market.deal.acceptTitle", { id: d.id })}
                      description={t("market.deal.acceptText", {
                        side: d.seller_org === mine ? t("market.side.sell") : t("market.side.buy"),
                        n: fmt.number(d.quantity),
                        price: money(fmt, d.price),
                        amount: money(fmt, d.price * d.quantity),
                      })}
                      okText={t("market.deal.accept")}
                      cancelText={t("common.cancel")}
                      onConfirm={() => decide(d, true)}
                    >
                      <Button size="small" type="primary">
                        {t("market.deal.accept")}
                      </Button>
                    </Popconfirm>
                  ) : null}
                  <Popconfirm
                    title={t("market.deal.withdrawTitle", { id: d.id })}
                    okText={t("market.deal.withdraw")}
                    cancelText={t("common.cancel")}
                    okButtonProps={{ danger: true }}
                    onConfirm={() => decide(d, false)}
                  >
                    <Button size="small" danger>
                      {d.counterparty_org === mine ? t("market.deal.decline") : t("market.deal.withdraw")}
                    </Button>
                  </Popconfirm>
                </Flex>
              ) : null,
          },
        ]}
      />
      <ProposeDialog open={proposing} instrument={instrument} onClose={() => setProposing(false)} onProposed={onChanged} />
    </>
  );
}
