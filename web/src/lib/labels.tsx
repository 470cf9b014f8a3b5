import { Badge, Tag } from "antd";
import type { Organisation } from "../api/client";
import { useI18n } from "../i18n";

const STATUS_COLOURS: Record<string, "warning" | "success" | "error" | "default"> = {
  pending: "warning",
  active: "success",
  rejected: "error",
  disabled: "default",
};

export function StatusBadge({ status }: { status: string }) {
  const { tx } = useI18n();
  return <Badge status={STATUS_COLOURS[status] ?? "default"} text={tx(`status.${status}`, status)} />;
}

export function KindTag({ kind }: { kind: Organisation["kind"] }) {
  const { t } = useI18n();
  const colour = { enterprise: "blue", verifier: "purple", regulator: "green", finance: "gold", admin: "default" }[kind];
  return <Tag color={colour}>{t(`kind.${kind}`)}</Tag>;
}

export function CertifiedTag({ org }: { org: Organisation }) {
  const { t } = useI18n();
  if (org.kind !== "enterprise") return null;
  return org.certified ? <Tag color="success">{t("org.certified")}</Tag> : <Tag>{t("org.uncertified")}</Tag>;
}

export function useRegionName() {
  const { tx } = useI18n();
  return (code: string) => (code ? tx(`region.${code}`, code) : "—");
}

export function useIndustryName() {
  const { tx } = useI18n();
  return (code: string) => (code ? tx(`industry.${code}`, code) : "—");
}
