/**
 * Opening an auction (the seller's allowances are escrowed at once) and bidding in one
 * (the bid's coin is escrowed at its price). Every rule of {@link validateAuction} and
 * {@link validateBid} is checked at its field first; then a confirmation of what will be
 * locked on chain; one idempotency key per opened dialog; the server's refusal at its field.
 */
import { Descriptions, Form, Input, InputNumber, Select, Typography } from "antd";
import { call, type Schemas } from "../../api/client";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";
import { ActionDialog } from "../registry/ActionDialog";
import { bidEscrow, validateAuction, validateBid, type AuctionDraft, type AuctionField, type BidDraft, type BidField } from "./auctionRules";
import { parsePrice } from "./orderRules";
import { localVars, money, type Instrument } from "./widgets";

export type Auction = Schemas["AuctionPublic"];

interface CreateValues {
  instrument?: string;
  quantity?: number | null;
  reserve?: string;
}

/** Open an auction: instrument, quantity (escrowed now), reserve price. */
export function CreateAuctionDialog({
  open,
  instruments,
  allowancesOf,
  onClose,
  onDone,
}: {
  open: boolean;
  instruments: Instrument[];
  /** allowances of a vintage the seller may escrow (null: not known) */
  allowancesOf: (vintage: number) => number | null;
  onClose: () => void;
  onDone: (auction: Auction) => void;
}) {
  const { t, fmt } = useI18n();
  const { api } = useSession();
  const [form] = Form.useForm<CreateValues>();
  const chosenCode = Form.useWatch("instrument", form);
  const chosen = instruments.find((i) => i.code === chosenCode);
  const instrumentOf = (code: string | undefined) => instruments.find((i) => i.code === code);

  const check = (field: AuctionField) => () => {
    const v = form.getFieldsValue(true) as CreateValues;
    const inst = instrumentOf(v.instrument);
    const issue = validateAuction(v as AuctionDraft, inst, inst ? allowancesOf(inst.vintage) : null).find((i) => i.field === field);
    return issue ? Promise.reject(new Error(t(issue.key, localVars(fmt, issue.vars)))) : Promise.resolve();
  };
  const held = chosen ? allowancesOf(chosen.vintage) : null;

  return (
    <ActionDialog<CreateValues>
      open={open}
      title={t("auction.create.title")}
      okText={t("auction.create.next")}
      form={form}
      testId="create-auction"
      initialValues={{ instrument: instruments.length === 1 ? instruments[0]?.code : undefined, quantity: null, reserve: "" }}
      note={t("auction.create.note")}
      summary={(v) => {
        const reserve = parsePrice(v.reserve);
        return t("auction.create.summary", {
          n: fmt.number(v.quantity ?? 0),
          code: v.instrument ?? "",
          reserve: reserve.ok ? money(fmt, reserve.cents) : "—",
        });
      }}
      onSubmit={(v, key) => {
        const reserve = parsePrice(v.reserve);
        return call(
          api.client.POST("/api/v1/market/auctions", {
            body: { instrument: v.instrument ?? "", quantity: v.quantity ?? 0, reserve: reserve.ok ? reserve.cents : 0 },
            headers: { "Idempotency-Key": key },
          }),
        );
      }}
      onDone={(a) => onDone(a as Auction)}
      onClose={onClose}
    >
      <Typography.Paragraph type="secondary">{t("auction.create.intro")}</Typography.Paragraph>
      <Form.Item name="instrument" label={t("market.instrument")} rules={[{ validator: check("instrument") }]}>
        <Select<string> options={instruments.map((i) => ({ value: i.code, label: i.code }))} placeholder={t("auction.create.chooseInstrument")} />
      </Form.Item>
      <Form.Item
        name="quantity"
        label={t("auction.quantityField")}
        rules={[{ validator: check("quantity") }]}
        dependencies={["instrument"]}
        extra={
          chosen
            ? t("auction.create.quantityHelp", { lot: fmt.number(chosen.lot), n: held === null ? "—" : fmt.number(held) })
            : undefined
        }
      >
        <InputNumber<number> min={0} step={chosen?.lot ?? 1} precision={0} style={{ width: "100%" }} suffix={t("market.tonnes")} />
      </Form.Item>
      <Form.Item
        name="reserve"
        label={t("auction.reserveField")}
        rules={[{ validator: check("reserve") }]}
        dependencies={["instrument"]}
        extra={chosen ? t("auction.create.reserveHelp", { tick: money(fmt, chosen.tick) }) : undefined}
      >
        <Input inputMode="decimal" suffix={t("market.priceUnit")} autoComplete="off" />
      </Form.Item>
    </ActionDialog>
  );
}

interface BidValues {
  price?: string;
  quantity?: number | null;
}

/** A sealed bid in an open auction: its coin is escrowed at the bid price. */
export function BidDialog({
  auction,
  instrument,
  coinCents,
  onClose,
  onDone,
}: {
  auction: Auction | null;
  instrument: Instrument | undefined;
  /** the bidder's carbon coin (null: not known) */
  coinCents: number | null;
  onClose: () => void;
  onDone: (bid: Schemas["OrderPublic"]) => void;
}) {
  const { t, fmt } = useI18n();
  const { api } = useSession();
  const [form] = Form.useForm<BidValues>();
  const draft = (Form.useWatch([], form) ?? {}) as BidDraft;
  const escrow = bidEscrow(draft);
  const rules = instrument ?? { lot: 1, tick: 1 };

  const check = (field: BidField, level: "error" | "warning") => () => {
    if (!auction) return Promise.resolve();
    const v = form.getFieldsValue(true) as BidValues;
    const issue = validateBid(v, auction, rules, coinCents).find((i) => i.field === field && i.level === level);
    return issue ? Promise.reject(new Error(t(issue.key, localVars(fmt, issue.vars)))) : Promise.resolve();
  };
  const rulesFor = (field: BidField) => [{ validator: check(field, "error") }, { validator: check(field, "warning"), warningOnly: true }];

  return (
    <ActionDialog<BidValues>
      open={auction !== null}
      title={t("auction.bid.title", { id: auction?.id ?? "", code: auction?.instrument ?? "" })}
      okText={t("auction.bid.next")}
      form={form}
      testId="bid"
      initialValues={{ price: "", quantity: null }}
      note={t("auction.bid.note")}
      summary={(v) => {
        const price = parsePrice(v.price);
        return t("auction.bid.summary", {
          n: fmt.number(v.quantity ?? 0),
          price: price.ok ? money(fmt, price.cents) : "—",
          amount: money(fmt, bidEscrow(v) ?? 0),
          id: auction?.id ?? "",
        });
      }}
      onSubmit={(v, key) => {
        const price = parsePrice(v.price);
        return call(
          api.client.POST("/api/v1/market/auctions/{auction_id}/bids", {
            params: { path: { auction_id: auction?.id ?? 0 } },
            body: { price: price.ok ? price.cents : 0, quantity: v.quantity ?? 0 },
            headers: { "Idempotency-Key": key },
          }),
        );
      }}
      onDone={(o) => onDone(o as Schemas["OrderPublic"])}
      onClose={onClose}
    >
      {auction ? (
        <Descriptions size="small" column={1} style={{ marginBottom: 12 }} data-testid="bid-auction">
          <Descriptions.Item label={t("auction.offered")}>{t("market.tonnesN", { n: fmt.number(auction.quantity) })}</Descriptions.Item>
          <Descriptions.Item label={t("auction.reserve")}>{money(fmt, auction.reserve)}</Descriptions.Item>
          <Descriptions.Item label={t("market.coinAvailable")}>{coinCents === null ? "—" : money(fmt, coinCents)}</Descriptions.Item>
        </Descriptions>
      ) : null}
      <Typography.Paragraph type="secondary">{t("auction.bid.intro")}</Typography.Paragraph>
      <Form.Item
        name="price"
        label={t("auction.bidPriceField")}
        rules={rulesFor("price")}
        extra={t("auction.bid.priceHelp", { tick: money(fmt, rules.tick) })}
      >
        <Input inputMode="decimal" suffix={t("market.priceUnit")} autoComplete="off" />
      </Form.Item>
      <Form.Item
        name="quantity"
        label={t("auction.quantityField")}
        rules={rulesFor("quantity")}
        dependencies={["price"]}
        extra={
          escrow === null
            ? t("market.quantityHelp", { lot: fmt.number(rules.lot) })
            : t("auction.bid.escrowHelp", { amount: money(fmt, escrow) })
        }
      >
        <InputNumber<number> min={0} step={rules.lot} precision={0} style={{ width: "100%" }} suffix={t("market.tonnes")} />
      </Form.Item>
    </ActionDialog>
  );
}
