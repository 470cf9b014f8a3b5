import { useEffect } from "react";
import { Alert, Badge, Button, Card, Col, Descriptions, Empty, Row, Skeleton, Typography } from "antd";
import { ReloadOutlined } from "@ant-design/icons";
import { call, type Schemas } from "../../api/client";
import { PageHeader } from "../../components/PageHeader";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useLoad } from "../../lib/useLoad";
import { useSession } from "../../session";

type Node = Schemas["NodeStatus"];

const EVERY_MS = 5000;

/** How far a node is behind the highest node seen (null when unknown). */
export function lagOf(node: Node, nodes: readonly Node[]): number | null {
  if (node.height == null) return null;
  const top = Math.max(...nodes.map((n) => n.height ?? 0));
  return top - node.height;
}

/** A compact view of the ordering service's answer (any JSON object). */
export function orderingEntries(ordering: Node["ordering"]): [string, string][] {
  if (!ordering) return [];
  return Object.entries(ordering).map(([k, v]) => [k, typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)]);
}

function NodeCard({ node, nodes, index }: { node: Node; nodes: readonly Node[]; index: number }) {
  const { t, fmt } = useI18n();
  const lag = lagOf(node, nodes);
  const title = (
    <span>
      <Badge status={node.reachable ? (node.halted ? "warning" : "success") : "error"} />{" "}
      {t("rest.nodes.node", { n: index + 1 })}
    </span>
  );
  return (
    <Card title={title} size="small" data-testid="node-card">
      <Descriptions column={1} size="small">
        <Descriptions.Item label={t("rest.nodes.url")}>
          <Typography.Text code>{node.url}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t("rest.nodes.state")}>
          {!node.reachable
            ? t("rest.nodes.unreachable")
            : node.halted
              ? t("rest.nodes.halted")
              : t("rest.nodes.running")}
        </Descriptions.Item>
      </Descriptions>
      {node.reachable ? (
        <Descriptions column={1} size="small">
          <Descriptions.Item label={t("rest.nodes.client")}>{node.client ?? "—"}</Descriptions.Item>
          <Descriptions.Item label={t("rest.nodes.role")}>
            {node.node_id ? t("rest.nodes.roleValidator") : t("rest.nodes.roleRpc")}
          </Descriptions.Item>
          {node.node_id ? (
            <Descriptions.Item label={t("rest.nodes.nodeId")}>
              <Typography.Text code>{node.node_id}</Typography.Text>
            </Descriptions.Item>
          ) : null}
          {node.address ? (
            <Descriptions.Item label={t("rest.nodes.address")}>
              <Typography.Text code copyable style={{ fontSize: 12 }}>
                {node.address}
              </Typography.Text>
            </Descriptions.Item>
          ) : null}
          <Descriptions.Item label={t("rest.nodes.height")}>
            {node.height == null ? "—" : fmt.number(node.height)}
            {lag ? <Typography.Text type="warning">{" "}{t("rest.nodes.behind", { n: fmt.number(lag) })}</Typography.Text> : null}
          </Descriptions.Item>
          <Descriptions.Item label={t("rest.nodes.finalized")}>
            {node.finalized == null ? t("rest.nodes.notReported") : fmt.number(node.finalized)}
          </Descriptions.Item>
          <Descriptions.Item label={t("rest.nodes.peers")}>
            {node.peers == null ? t("rest.nodes.notReported") : fmt.number(node.peers)}
          </Descriptions.Item>
          <Descriptions.Item label={t("rest.nodes.ordering")}>
            {node.ordering ? (
              <span>
                {orderingEntries(node.ordering).map(([k, v]) => (
                  <div key={k}>
                    <Typography.Text type="secondary">{k}:</Typography.Text> {v}
                  </div>
                ))}
              </span>
            ) : (
              t("rest.nodes.notReported")
            )}
          </Descriptions.Item>
        </Descriptions>
      ) : (
        <Alert type="error" showIcon message={t("rest.nodes.unreachableText")} description={node.error ?? undefined} />
      )}
    </Card>
  );
}

export function NodeStatus() {
  const { t } = useI18n();
  const { api } = useSession();
  const { data, error, loading, reload } = useLoad(() => call(api.client.GET("/api/v1/chain/nodes")), [api]);
  useEffect(() => {
    const timer = window.setInterval(reload, EVERY_MS);
    return () => window.clearInterval(timer);
  }, [reload]);
  const down = data?.filter((n) => !n.reachable).length ?? 0;
  return (
    <>
      <PageHeader
        title={t("rest.nodes.title")}
        subtitle={t("rest.nodes.intro")}
        extra={
          <Button icon={<ReloadOutlined />} loading={loading} onClick={reload}>
            {t("common.refresh")}
          </Button>
        }
      />
      <ProblemAlert error={error} onRetry={reload} />
      {data && down > 0 ? (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} message={t("rest.nodes.someDown", { n: down, total: data.length })} />
      ) : null}
      {!data && loading ? <Skeleton active paragraph={{ rows: 6 }} /> : null}
      {data && data.length === 0 ? <Empty description={t("rest.nodes.none")} /> : null}
      {data ? (
        <Row gutter={[16, 16]}>
          {data.map((node, i) => (
            <Col key={node.url} xs={24} md={12} xl={8}>
              <NodeCard node={node} nodes={data} index={i} />
            </Col>
          ))}
        </Row>
      ) : null}
    </>
  );
}
