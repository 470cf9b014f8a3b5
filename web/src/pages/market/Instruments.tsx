/**
 * The regulator's instruments: every listed vintage with its rules (tick, lot, daily
 * price limit and block band around the previous close, smallest block trade), its
 * surveillance thresholds and its session. The regulator lists a new vintage (its rules
 * are fixed from then on), changes the thresholds, opens or halts trading, ends the day.
 */
import { useState } from "react";
import { App, Button, Card, Flex, Form, Input, InputNumber, Modal, Popconfirm, Switch, Table, Typography } from "antd";
import { PlusOutlined, ReloadOutlined } from "@ant-design/icons";
import { call } from "../../api/client";
import type { ApiError } from "../../api/errors";
import { PageHeader } from "../../components/PageHeader";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { asApiError, showOnForm } from "../../lib/problems";
import { useSession } from "../../session";
import { ActionDialog } from "../registry/ActionDialog";
import { parsePrice } from "./orderRules";
import { money, SessionBadge, useInstruments, type Instrument } from "./widgets";

/** Open or halt trading and end the day, each after a confirmation. */
export function SessionActions({ instrument, onChanged, onError }: { instrument: Instrument; onChanged: () => void; onError: (e: ApiError | null) => void }) {
  const { t } = useI18n();
  const { api } = useSession();
  const { message } = App.useApp();
  const code = instrument.code;
  const act = async (what: "open" | "halt" | "eod") => {
    onError(null);
    try {
      if (what === "eod") {
        await call(api.client.POST("/api/v1/market/instruments/{code}/end-of-day", { params: { path: { code } } }));
      } else {
        await call(
          api.client.POST("/api/v1/market/instruments/{code}/session", { params: { path: { code } }, body: { open: what === "open" } }),
        );
      }
      void message.success(t(`market.sessionDone.${what}`, { code }));
      onChanged();
    } catch (err) {
      onError(asApiError(err));
    }
  };
  return (
    <>
      <Popconfirm
        title={instrument.open ? t("market.haltTitle", { code }) : t("market.openTitle", { code })}
        description={instrument.open ? t("market.haltText") : t("market.openText")}
        okText={instrument.open ? t("market.halt") : t("market.open")}
        cancelText={t("common.cancel")}
        okButtonProps={{ danger: instrument.open }}
        onConfirm={() => act(instrument.open ? "halt" : "open")}
      >
        <Button size="small" danger={instrument.open}>
          {instrument.open ? t("market.halt") : t("market.open")}
        </Button>
      </Popconfirm>
      <Popconfirm
        title={t("market.eodTitle", { code })}
        description={t("market.eodText")}
        okText={t("market.eod")}
        cancelText={t("common.cancel")}
        okButtonProps={{ danger: true }}
        onConfirm={() => act("eod")}
      >
        <Button size="small">{t("market.eod")}</Button>
      </Popconfirm>
    </>
  );
}

/** percent with at most two decimals → basis points */
const percentToBps = (pct: number) => Math.round(pct * 100);

interface ListingValues {
  vintage: number | null;
  reference_price: string;
  tick: string;
  lot: number | null;
  price_limit_pct: number | null;
  block_band_pct: number | null;
  block_min_quantity: number | null;
  position_alert_t: number | null;
  layering_alert_t: number | null;
  open: boolean;
}

const LISTING_DEFAULTS: ListingValues = {
  vintage: null,
  reference_price: "",
  tick: "0.01",
  lot: 1,
  price_limit_pct: 10,
  block_band_pct: 30,
  block_min_quantity: 1,
  position_alert_t: 1_000_000,
  layering_alert_t: 10_000,
  open: true,
};

/** The API's body of a listing form (the form's rules have passed). */
export function listingBody(v: ListingValues) {
  const reference = parsePrice(v.reference_price);
  const tick = parsePrice(v.tick);
  return {
    vintage: v.vintage ?? 0,
    reference_price: reference.ok ? reference.cents : 0,
    tick: tick.ok ? tick.cents : 0,
    lot: v.lot ?? 0,
    price_limit_bps: percentToBps(v.price_limit_pct ?? 0),
    block_band_bps: percentToBps(v.block_band_pct ?? 0),
    block_min_quantity: v.block_min_quantity ?? 0,
    position_alert_t: v.position_alert_t ?? 0,
    layering_alert_t: v.layering_alert_t ?? 0,
    open: v.open,
  };
}

function ListInstrumentDialog({ open, listed, onClose, onDone }: { open: boolean; listed: Instrument[]; onClose: () => void; onDone: (i: Instrument) => void }) {
  const { t, fmt } = useI18n();
  const { api } = useSession();
  const [form] = Form.useForm<ListingValues>();
  const required = (key: Parameters<typeof t>[0]) => ({ required: true, message: t(key) });
  const price = (field: "reference_price" | "tick") => ({
    validator: (_: unknown, text: string | undefined) => {
      const p = parsePrice(text);
      if (!p.ok) return Promise.reject(new Error(t(p.reason === "decimals" ? "market.rule.priceDecimals" : p.reason === "missing" ? "instruments.priceMissing" : p.reason === "positive" ? "market.rule.pricePositive" : "market.rule.priceFormat")));
      if (field === "reference_price") {
        const tick = parsePrice(form.getFieldValue("tick") as string);
        if (tick.ok && p.cents % tick.cents !== 0) return Promise.reject(new Error(t("market.rule.tick", { tick: fmt.number(tick.cents / 100, 2) })));
      }
      return Promise.resolve();
    },
  });
  const vintageFree = {
    validator: (_: unknown, v: number | null) =>
      v !== null && v !== undefined && listed.some((i) => i.vintage === v)
        ? Promise.reject(new Error(t("instruments.vintageListed", { code: `CEA-${v}` })))
        : Promise.resolve(),
  };
  return (
    <ActionDialog<ListingValues>
      open={open}
      title={t("instruments.listTitle")}
      okText={t("instruments.listNext")}
      form={form}
      testId="list-instrument"
      initialValues={LISTING_DEFAULTS}
      note={t("instruments.listNote")}
      summary={(v) => {
        const b = listingBody(v);
        return t("instruments.listSummary", {
          code: `CEA-${b.vintage}`,
          reference: money(fmt, b.reference_price),
          tick: money(fmt, b.tick),
          lot: fmt.number(b.lot),
          limit: fmt.number(b.price_limit_bps / 100, 2),
        });
      }}
      onSubmit={(v) => call(api.client.POST("/api/v1/market/instruments", { body: listingBody(v) }))}
      onDone={(i) => onDone(i as Instrument)}
      onClose={onClose}
      rename={{ price_limit_bps: "price_limit_pct", block_band_bps: "block_band_pct" }}
    >
      <Flex gap={12} wrap>
        <Form.Item name="vintage" label={t("instruments.vintage")} rules={[required("instruments.vintageMissing"), vintageFree]} style={{ flex: "1 1 160px" }}>
          <InputNumber<number> min={2000} max={2100} precision={0} style={{ width: "100%" }} />
        </Form.Item>
        <Form.Item name="open" label={t("instruments.openAtOnce")} valuePropName="checked" style={{ flex: "1 1 160px" }}>
          <Switch />
        </Form.Item>
      </Flex>
      <Flex gap={12} wrap>
        <Form.Item
          name="reference_price"
          label={t("instruments.referencePrice")}
          rules={[price("reference_price")]}
          dependencies={["tick"]}
          extra={t("instruments.referenceHelp")}
          style={{ flex: "1 1 200px" }}
        >
          <Input inputMode="decimal" suffix={t("market.priceUnit")} autoComplete="off" />
        </Form.Item>
        <Form.Item name="tick" label={t("market.tick")} rules={[price("tick")]} style={{ flex: "1 1 120px" }}>
          <Input inputMode="decimal" suffix={t("market.priceUnit")} autoComplete="off" />
        </Form.Item>
        <Form.Item name="lot" label={t("market.lot")} rules={[required("instruments.numberMissing")]} style={{ flex: "1 1 120px" }}>
          <InputNumber<number> min={1} max={1_000_000} precision={0} style={{ width: "100%" }} suffix={t("market.tonnes")} />
        </Form.Item>
      </Flex>
      <Flex gap={12} wrap>
        <Form.Item name="price_limit_pct" label={t("instruments.priceLimit")} rules={[required("instruments.numberMissing")]} style={{ flex: "1 1 150px" }}>
          <InputNumber<number> min={0.01} max={99.99} precision={2} style={{ width: "100%" }} suffix="%" />
        </Form.Item>
        <Form.Item name="block_band_pct" label={t("instruments.blockBand")} rules={[required("instruments.numberMissing")]} style={{ flex: "1 1 150px" }}>
          <InputNumber<number> min={0.01} max={99.99} precision={2} style={{ width: "100%" }} suffix="%" />
        </Form.Item>
        <Form.Item name="block_min_quantity" label={t("instruments.blockMin")} rules={[required("instruments.numberMissing")]} style={{ flex: "1 1 150px" }}>
          <InputNumber<number> min={1} max={1_000_000_000} precision={0} style={{ width: "100%" }} suffix={t("market.tonnes")} />
        </Form.Item>
      </Flex>
      <ThresholdFields />
    </ActionDialog>
  );
}

function ThresholdFields() {
  const { t } = useI18n();
  return (
    <Flex gap={12} wrap>
      <Form.Item
        name="position_alert_t"
        label={t("instruments.positionAlert")}
        rules={[{ required: true, message: t("instruments.numberMissing") }]}
        extra={t("instruments.positionHelp")}
        style={{ flex: "1 1 200px" }}
      >
        <InputNumber<number> min={1} max={1e12} precision={0} style={{ width: "100%" }} suffix={t("market.tonnes")} />
      </Form.Item>
      <Form.Item
        name="layering_alert_t"
        label={t("instruments.layeringAlert")}
        rules={[{ required: true, message: t("instruments.numberMissing") }]}
        extra={t("instruments.layeringHelp")}
        style={{ flex: "1 1 200px" }}
      >
        <InputNumber<number> min={1} max={1e12} precision={0} style={{ width: "100%" }} suffix={t("market.tonnes")} />
      </Form.Item>
    </Flex>
  );
}

interface ThresholdValues {
  position_alert_t: number | null;
  layering_alert_t: number | null;
}

function ThresholdsDialog({ instrument, onClose, onDone }: { instrument: Instrument | null; onClose: () => void; onDone: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { api } = useSession();
  const { message } = App.useApp();
  const [form] = Form.useForm<ThresholdValues>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    if (!instrument) return;
    let v: ThresholdValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await call(
        api.client.PATCH("/api/v1/market/instruments/{code}", {
          params: { path: { code: instrument.code } },
          body: { position_alert_t: v.position_alert_t, layering_alert_t: v.layering_alert_t },
        }),
      );
      void message.success(t("instruments.thresholdsSaved", { code: instrument.code }));
      onDone();
    } catch (err) {
      setError(showOnForm(form, err, i18n));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={instrument !== null}
      title={t("instruments.thresholdsTitle", { code: instrument?.code ?? "" })}
      okText={t("instruments.save")}
      cancelText={t("common.cancel")}
      okButtonProps={{ loading: busy, "data-testid": "thresholds-ok" }}
      onOk={() => void save()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t("instruments.thresholdsIntro")}</Typography.Paragraph>
      <ProblemAlert error={error} />
      <Form<ThresholdValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ position_alert_t: instrument?.position_alert_t ?? null, layering_alert_t: instrument?.layering_alert_t ?? null }}
      >
        <ThresholdFields />
      </Form>
    </Modal>
  );
}

export function Instruments() {
  const { t, fmt } = useI18n();
  const { message } = App.useApp();
  const instruments = useInstruments();
  const [listing, setListing] = useState(false);
  const [editing, setEditing] = useState<Instrument | null>(null);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const list = instruments.data ?? [];
  const pct = (bps: number) => `±${fmt.number(bps / 100, 2)}%`;

  return (
    <>
      <PageHeader
        title={t("instruments.title")}
        subtitle={t("instruments.intro")}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={instruments.reload}>
              {t("common.refresh")}
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setListing(true)} data-testid="list-instrument">
              {t("instruments.list")}
            </Button>
          </>
        }
      />
      <ProblemAlert error={instruments.error} onRetry={instruments.reload} />
      <ProblemAlert error={actionError} />
      <Card size="small">
        <Table<Instrument>
          size="small"
          rowKey="code"
          loading={instruments.loading}
          dataSource={list}
          pagination={false}
          scroll={{ x: 1020 }}
          locale={{ emptyText: t("market.noInstruments") }}
          data-testid="instruments"
          columns={[
            {
              title: t("market.instrument"),
              dataIndex: "code",
              width: 110,
              fixed: "left",
              render: (c: string, i) => (
                <Flex vertical>
                  <Typography.Text strong>{c}</Typography.Text>
                  <SessionBadge open={i.open} />
                </Flex>
              ),
            },
            { title: t("market.previousClose"), dataIndex: "previous_close", width: 80, align: "right", render: (p: number | null) => money(fmt, p) },
            {
              title: t("market.limits"),
              dataIndex: "price_limits",
              width: 120,
              render: (l: number[] | null) => (l ? `${money(fmt, l[0])} – ${money(fmt, l[1])}` : "—"),
            },
            { title: t("market.tick"), dataIndex: "tick", width: 60, align: "right", render: (c: number) => money(fmt, c) },
            { title: t("market.lot"), dataIndex: "lot", width: 70, align: "right", render: (n: number) => t("market.tonnesN", { n: fmt.number(n) }) },
            { title: t("instruments.priceLimitShort"), dataIndex: "price_limit_bps", width: 80, align: "right", render: pct },
            {
              title: t("instruments.blockShort"),
              key: "block",
              width: 130,
              render: (_, i) => (
                <Flex vertical>
                  <span>{t("instruments.blockBandValue", { pct: pct(i.block_band_bps) })}</span>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t("instruments.blockMinValue", { n: fmt.number(i.block_min_quantity) })}
                  </Typography.Text>
                </Flex>
              ),
            },
            {
              title: t("instruments.thresholdsShort"),
              key: "thresholds",
              width: 150,
              render: (_, i) => (
                <Flex vertical data-testid="thresholds">
                  <span>{t("instruments.positionValue", { n: fmt.number(i.position_alert_t) })}</span>
                  <span>{t("instruments.layeringValue", { n: fmt.number(i.layering_alert_t) })}</span>
                </Flex>
              ),
            },
            {
              title: t("common.actions"),
              key: "actions",
              width: 220,
              fixed: "right",
              render: (_, i) => (
                <Flex gap={4} wrap>
                  <Button size="small" onClick={() => setEditing(i)}>
                    {t("instruments.editThresholds")}
                  </Button>
                  <SessionActions instrument={i} onChanged={instruments.reload} onError={setActionError} />
                </Flex>
              ),
            },
          ]}
        />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t("instruments.fixedNote")}
        </Typography.Text>
      </Card>
      <ListInstrumentDialog
        open={listing}
        listed={list}
        onClose={() => setListing(false)}
        onDone={(i) => {
          setListing(false);
          void message.success(t("instruments.listed", { code: i.code }));
          instruments.reload();
        }}
      />
      <ThresholdsDialog
        instrument={editing}
        onClose={() => setEditing(null)}
        onDone={() => {
          setEditing(null);
          instruments.reload();
        }}
      />
    </>
  );
}
