import { Badge, Card, Descriptions, Skeleton, Typography } from "antd";
import { call, type ChainStatus } from "../api/client";
import { useI18n } from "../i18n";
import { useLoad } from "../lib/useLoad";
import { useSession } from "../session";
import { ProblemAlert } from "./ProblemAlert";

export function useChainStatus() {
  const { api } = useSession();
  return useLoad<ChainStatus>(() => call(api.client.GET("/api/v1/chain/status")), [api]);
}

export function ChainStatusCard({ compact = false }: { compact?: boolean }) {
  const { t, tx, fmt } = useI18n();
  const { data, error, loading, reload } = useChainStatus();
  return (
    <Card title={t("chain.title")} data-testid="chain-status">
      {error ? <ProblemAlert error={error} onRetry={reload} /> : null}
      {loading && !data ? <Skeleton active paragraph={{ rows: 3 }} /> : null}
      {data ? (
        <Descriptions column={1} size="small">
          <Descriptions.Item label={t("chain.state")}>
            <Badge
              status={data.indexed_block >= data.block ? "success" : "processing"}
              text={data.indexed_block >= data.block ? t("chain.synced") : t("chain.indexing")}
            />
          </Descriptions.Item>
          <Descriptions.Item label={t("chain.id")}>{data.chain_id}</Descriptions.Item>
          <Descriptions.Item label={t("chain.block")}>{fmt.number(data.block)}</Descriptions.Item>
          <Descriptions.Item label={t("chain.indexed")}>
            {fmt.number(data.indexed_block)}
          </Descriptions.Item>
          <Descriptions.Item label={t("chain.permissioned")}>
            {data.permissioned ? t("common.yes") : t("common.no")}
          </Descriptions.Item>
          {compact
            ? null
            : Object.entries(data.contracts).map(([name, address]) => (
                <Descriptions.Item key={name} label={tx(`contract.${name}`, name)}>
                  <Typography.Text code copyable style={{ fontSize: 12 }}>
                    {address}
                  </Typography.Text>
                </Descriptions.Item>
              ))}
        </Descriptions>
      ) : null}
    </Card>
  );
}
