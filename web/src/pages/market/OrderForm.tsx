/**
 * Order entry: side, type (limit/market), price on the instrument's tick, quantity in
 * whole lots, time in force. Every rule of {@link validateOrder} is checked at its field
 * before anything is sent; the server's refusal shows at the field it names.
 */
import { useEffect, useImperativeHandle, useState, forwardRef } from "react";
import { Alert, Button, Descriptions, Form, Input, InputNumber, Modal, Radio, Typography } from "antd";
import type { Rule } from "antd/es/form";
import { call } from "../../api/client";
import { ProblemAlert } from "../../components/ProblemAlert";
import type { ApiError } from "../../api/errors";
import { useI18n } from "../../i18n";
import { showOnForm } from "../../lib/problems";
import { useSession } from "../../session";
import {
  centsToText,
  escrowOf,
  parsePrice,
  validateOrder,
  type BookSide,
  type Field,
  type Funds,
  type OrderDraft,
} from "./orderRules";
import { useMarketColours } from "./charts";
import { localVars, money, type Instrument, type Order } from "./widgets";

interface Values {
  side: OrderDraft["side"];
  type: OrderDraft["type"];
  price?: string;
  quantity?: number | null;
  tif: OrderDraft["tif"];
}

export interface OrderFormHandle {
  /** put a price into the form (a click on the book ladder) */
  setPrice: (cents: number) => void;
}

const INITIAL: Values = { side: "buy", type: "limit", price: "", quantity: null, tif: "day" };

function draftOf(v: Partial<Values>): OrderDraft {
  return {
    side: v.side ?? "buy",
    type: v.type ?? "limit",
    price: v.price ?? "",
    quantity: v.quantity ?? null,
    tif: v.tif ?? "day",
  };
}

export const OrderForm = forwardRef<
  OrderFormHandle,
  {
    instrument: Instrument;
    funds: Funds | null;
    book: BookSide | null;
    onPlaced: (order: Order) => void;
  }
>(function OrderForm({ instrument, funds, book, onPlaced }, ref) {
  const i18n = useI18n();
  const { t, fmt } = i18n;
  const { api } = useSession();
  const colours = useMarketColours();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<OrderDraft | null>(null);
  const values = Form.useWatch([], form) as Partial<Values> | undefined;
  const draft = draftOf(values ?? INITIAL);

  useImperativeHandle(ref, () => ({
    setPrice: (cents: number) => {
      form.setFieldsValue({ price: centsToText(cents), type: "limit" });
      void form.validateFields(["price"]).catch(() => undefined);
    },
  }));

  // a new instrument: a fresh form
  useEffect(() => {
    form.resetFields();
    setError(null);
  }, [form, instrument.code]);

  const rulesFor = (field: Field): Rule[] => {
    const check = (level: "error" | "warning") => () => {
      const issues = validateOrder(draftOf(form.getFieldsValue(true) as Values), instrument, funds, book).filter(
        (i) => i.field === field && i.level === level,
      );
      const first = issues[0];
      return first ? Promise.reject(new Error(t(first.key, localVars(fmt, first.vars)))) : Promise.resolve();
    };
    return [{ validator: check("error") }, { validator: check("warning"), warningOnly: true }];
  };

  const closed = validateOrder(draft, instrument).some((i) => i.field === "instrument");
  const escrow = escrowOf(draft, instrument);

  const review = async () => {
    setError(null);
    try {
      await form.validateFields();
    } catch {
      return;
    }
    setConfirming(draftOf(form.getFieldsValue(true) as Values));
  };

  const place = async (d: OrderDraft) => {
    setBusy(true);
    setError(null);
    try {
      const price = d.type === "limit" ? parsePrice(d.price) : null;
      const order = await call(
        api.client.POST("/api/v1/market/orders", {
          body: {
            instrument: instrument.code,
            side: d.side,
            type: d.type,
            tif: d.tif,
            quantity: d.quantity ?? 0,
            price: price?.ok ? price.cents : null,
            client_ref: "",
          },
          headers: { "Idempotency-Key": idempotencyKey() },
        }),
      );
      setConfirming(null);
      form.setFieldsValue({ quantity: null });
      onPlaced(order);
    } catch (err) {
      setConfirming(null);
      setError(showOnForm(form, err, i18n));
    } finally {
      setBusy(false);
    }
  };

  const sideColour = draft.side === "buy" ? colours.bid : colours.ask;
  return (
    <>
      {closed ? <Alert type="warning" showIcon message={t("market.rule.closed")} style={{ marginBottom: 12 }} /> : null}
      <ProblemAlert error={error} />
      <Form<Values>
        form={form}
        name="order"
        layout="vertical"
        initialValues={INITIAL}
        requiredMark={false}
        onValuesChange={(changed: Partial<Values>) => {
          if (changed.type === "market") {
            form.setFieldsValue({ price: "", tif: form.getFieldValue("tif") === "day" ? "ioc" : form.getFieldValue("tif") as Values["tif"] });
            void form.validateFields(["price", "tif"]).catch(() => undefined);
          }
        }}
        data-testid="order-form"
      >
        <Form.Item name="side" label={t("market.side")}>
          <Radio.Group buttonStyle="solid" optionType="button">
            <Radio.Button value="buy">{t("market.side.buy")}</Radio.Button>
            <Radio.Button value="sell">{t("market.side.sell")}</Radio.Button>
          </Radio.Group>
        </Form.Item>
        <Form.Item name="type" label={t("market.orderType")}>
          <Radio.Group optionType="button">
            <Radio.Button value="limit">{t("market.type.limit")}</Radio.Button>
            <Radio.Button value="market">{t("market.type.market")}</Radio.Button>
          </Radio.Group>
        </Form.Item>
        <Form.Item
          name="price"
          label={t("market.priceField")}
          rules={rulesFor("price")}
          dependencies={["type"]}
          extra={
            draft.type === "market"
              ? t("market.marketPriceHelp")
              : instrument.price_limits
                ? t("market.priceHelp", {
                    tick: money(fmt, instrument.tick),
                    low: money(fmt, instrument.price_limits[0]),
                    high: money(fmt, instrument.price_limits[1]),
                  })
                : t("market.priceHelpNoLimits", { tick: money(fmt, instrument.tick) })
          }
        >
          <Input inputMode="decimal" disabled={draft.type === "market"} suffix={t("market.priceUnit")} autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="quantity"
          label={t("market.quantityField")}
          rules={rulesFor("quantity")}
          dependencies={["side", "type", "price"]}
          extra={t("market.quantityHelp", { lot: fmt.number(instrument.lot) })}
        >
          <InputNumber<number> min={0} step={instrument.lot} precision={0} style={{ width: "100%" }} suffix={t("market.tonnes")} />
        </Form.Item>
        <Form.Item name="tif" label={t("market.tif")} rules={rulesFor("tif")} dependencies={["type", "side", "price", "quantity"]}>
          <Radio.Group optionType="button">
            <Radio.Button value="day" disabled={draft.type === "market"}>
              {t("market.tif.day")}
            </Radio.Button>
            <Radio.Button value="ioc">{t("market.tif.ioc")}</Radio.Button>
            <Radio.Button value="fok">{t("market.tif.fok")}</Radio.Button>
          </Radio.Group>
        </Form.Item>
        <Descriptions size="small" column={1} style={{ marginBottom: 12 }} data-testid="escrow-hint">
          <Descriptions.Item label={t("market.escrow")}>
            {escrow
              ? draft.side === "buy"
                ? t(escrow.protective ? "market.escrowCoinProtective" : "market.escrowCoin", { amount: money(fmt, escrow.coinCents) })
                : t("market.escrowAllowances", { n: fmt.number(escrow.allowances) })
              : "—"}
          </Descriptions.Item>
          <Descriptions.Item label={t("market.available")}>
            {draft.side === "buy"
              ? funds?.coinCents === null || funds?.coinCents === undefined
                ? "—"
                : t("market.coinAmount", { amount: money(fmt, funds.coinCents) })
              : funds?.allowances === null || funds?.allowances === undefined
                ? "—"
                : t("market.tonnesN", { n: fmt.number(funds.allowances) })}
          </Descriptions.Item>
        </Descriptions>
        <Button
          type="primary"
          block
          disabled={closed}
          style={closed ? undefined : { background: sideColour, borderColor: sideColour }}
          onClick={() => void review()}
          data-testid="order-submit"
        >
          {draft.side === "buy" ? t("market.placeBuy") : t("market.placeSell")}
        </Button>
      </Form>
      <Modal
        open={confirming !== null}
        title={t("market.confirmTitle")}
        okText={t("market.confirmPlace")}
        cancelText={t("common.cancel")}
        okButtonProps={{ loading: busy }}
        onOk={() => confirming && void place(confirming)}
        onCancel={() => setConfirming(null)}
        destroyOnHidden
      >
        {confirming ? <OrderSummary draft={confirming} instrument={instrument} /> : null}
      </Modal>
    </>
  );
});

/** One key per order the user confirmed: a retried request never places it twice. */
function idempotencyKey(): string {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function OrderSummary({ draft, instrument }: { draft: OrderDraft; instrument: Instrument }) {
  const { t, fmt } = useI18n();
  const escrow = escrowOf(draft, instrument);
  const price = parsePrice(draft.price);
  return (
    <Descriptions column={1} size="small" bordered data-testid="order-summary">
      <Descriptions.Item label={t("market.instrument")}>{instrument.code}</Descriptions.Item>
      <Descriptions.Item label={t("market.side")}>{t(`market.side.${draft.side}`)}</Descriptions.Item>
      <Descriptions.Item label={t("market.orderType")}>
        {t(`market.type.${draft.type}`)} · {t(`market.tif.${draft.tif}`)}
      </Descriptions.Item>
      <Descriptions.Item label={t("market.price")}>
        {draft.type === "limit" && price.ok ? money(fmt, price.cents) : t("market.atMarket")}
      </Descriptions.Item>
      <Descriptions.Item label={t("market.quantityT")}>{fmt.number(draft.quantity ?? 0)}</Descriptions.Item>
      <Descriptions.Item label={t("market.escrow")}>
        {escrow
          ? draft.side === "buy"
            ? t("market.coinAmount", { amount: money(fmt, escrow.coinCents) })
            : t("market.tonnesN", { n: fmt.number(escrow.allowances) })
          : "—"}
      </Descriptions.Item>
      <Descriptions.Item label={t("market.note")}>
        <Typography.Text type="secondary">{t("market.escrowNote")}</Typography.Text>
      </Descriptions.Item>
    </Descriptions>
  );
}
