/** Pieces the registry, compliance and explorer screens share. */
import { useMemo } from "react";
import { Link } from "react-router-dom";
import { Flex, Statistic, Tag, Tooltip, Typography } from "antd";
import { call } from "../../api/client";
import { useI18n } from "../../i18n";
import { useLoad } from "../../lib/useLoad";
import { useSession } from "../../session";
import { coinHolding, standing, type Balances, type ComplianceStatus, type Standing } from "./amounts";

/** A transaction hash, shortened, linking to the explorer's view of it. */
export function TxHash({ hash }: { hash: string | null | undefined }) {
  if (!hash) return <>—</>;
  return (
    <Tooltip title={hash}>
      <Link to={`/explorer/tx/${hash}`} data-testid="tx-hash">
        <Typography.Text code style={{ fontSize: 12 }}>
          {hash.slice(0, 10)}…{hash.slice(-6)}
        </Typography.Text>
      </Link>
    </Tooltip>
  );
}

export function BlockLink({ number }: { number: number | null | undefined }) {
  const { fmt } = useI18n();
  if (number === null || number === undefined) return <>—</>;
  return (
    <Link to={`/explorer/block/${number}`} data-testid="block-link">
      #{fmt.number(number)}
    </Link>
  );
}

const STANDING_COLOURS: Record<Standing, string> = {
  compliant: "success",
  pending: "processing",
  deficit: "error",
  penalised: "magenta",
  none: "default",
};

export function StandingTag({ status }: { status: ComplianceStatus | undefined }) {
  const { t } = useI18n();
  const s = standing(status);
  return (
    <Tag color={STANDING_COLOURS[s]} data-testid="standing">
      {t(`registry.standing.${s}`)}
    </Tag>
  );
}

/** The status word of an overview row (the API's `status`, and penalties). */
export function RowStanding({ status, penalties }: { status: string; penalties: number }) {
  const { t } = useI18n();
  const s: Standing = status === "deficit" && penalties > 0 ? "penalised" : (["compliant", "pending", "deficit"].includes(status) ? (status as Standing) : "pending");
  return <Tag color={STANDING_COLOURS[s]}>{t(`registry.standing.${s}`)}</Tag>;
}

/** Whole tonnes with the unit, in the reader's locale. */
export function useTonnes() {
  const { t, fmt } = useI18n();
  return (n: number) => t("registry.tonnes", { n: fmt.number(n) });
}

/** Cents as yuan with two decimals. */
export function useYuan() {
  const { t, fmt } = useI18n();
  return (cents: number) => t("registry.yuan", { n: fmt.number(cents / 100, 2) });
}

/** Carbon coin that can be spent now, with what open buy orders lock and the two together. */
export function CoinHoldingStatistic({ balances }: { balances: Balances }) {
  const { t } = useI18n();
  const yuan = useYuan();
  const coin = coinHolding(balances);
  return (
    <>
      <Statistic title={t("registry.assets.coinAvailable")} value={yuan(coin.available)} data-testid="coin-available" />
      <Flex gap={12} wrap>
        <Typography.Text type="secondary" data-testid="coin-locked">
          {t("registry.assets.coinLocked", { amount: yuan(coin.locked) })}
        </Typography.Text>
        <Typography.Text type="secondary" data-testid="coin-total">
          {t("registry.assets.coinTotal", { amount: yuan(coin.total) })}
        </Typography.Text>
      </Flex>
    </>
  );
}

export function useBalances(version = 0) {
  const { api } = useSession();
  return useLoad(() => call(api.client.GET("/api/v1/registry/balances")), [api, version]);
}

/** A fresh key for one user intention: a retry of the same dialog is not sent twice. */
export function newIdempotencyKey(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : `k-${Date.now()}-${Math.random()}`;
}

/** The years a compliance screen offers: this year and the four before. */
export function useYears(): number[] {
  return useMemo(() => {
    const now = new Date().getFullYear();
    return [now, now - 1, now - 2, now - 3, now - 4];
  }, []);
}

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

/** An event's arguments in one short line: `key: value` pairs, organisations by id. */
export function ArgsSummary({ args, parties }: { args: Record<string, unknown>; parties: Record<string, number> }) {
  const { t } = useI18n();
  const parts = Object.entries(args).map(([k, v]) => {
    const text =
      typeof v === "string" && v in parties
        ? t("registry.orgRef", { id: parties[v] ?? "" })
        : v === ZERO_ADDRESS
          ? t("registry.noAccount")
          : typeof v === "string"
            ? v
            : JSON.stringify(v);
    return `${k}: ${text}`;
  });
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis={{ tooltip: parts.join(", ") }}>
      {parts.join(", ")}
    </Typography.Text>
  );
}
