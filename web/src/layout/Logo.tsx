import { Flex, Typography } from "antd";
import { useI18n } from "../i18n";

export function Logo({ compact = false }: { compact?: boolean }) {
  const { t } = useI18n();
  return (
    <Flex align="center" gap={10} style={{ height: 64, padding: compact ? "0 16px" : "0 20px" }}>
      <img src="/favicon.svg" alt="" width={30} height={30} />
      {compact ? null : (
        <Typography.Text strong style={{ fontSize: 17, whiteSpace: "nowrap" }}>
          {t("app.name")}
        </Typography.Text>
      )}
    </Flex>
  );
}
