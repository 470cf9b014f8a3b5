import { Link } from "react-router-dom";
import { Card, Col, Empty, Row, Skeleton, Statistic, Table, Typography } from "antd";
import { ArrowDownOutlined, ArrowUpOutlined } from "@ant-design/icons";
import { useI18n } from "../../i18n";
import { ProblemAlert } from "../../components/ProblemAlert";
import { allowanceHolding, remainingGap } from "./amounts";
import { CoinHoldingStatistic, StandingTag, useBalances, useTonnes } from "./common";
import { useComplianceStatus } from "./Compliance";

/** An enterprise's figures at a glance: emissions, holdings and the compliance year. */
export function EnterpriseDashboard() {
  const { t, fmt } = useI18n();
  const tonnes = useTonnes();
  const thisYear = new Date().getFullYear();
  // the year being settled now is the last one (reports are confirmed the year after)
  const current = useComplianceStatus(thisYear - 1);
  const before = useComplianceStatus(thisYear - 2);
  const balances = useBalances();
  const now = current.data?.obligation ?? 0;
  const prev = before.data?.obligation ?? 0;
  const change = prev > 0 ? ((now - prev) / prev) * 100 : null;
  return (
    <div data-testid="enterprise-dashboard" style={{ marginBottom: 24 }}>
      <ProblemAlert error={current.error ?? before.error ?? balances.error} onRetry={() => { current.reload(); before.reload(); balances.reload(); }} />
      <Row gutter={[16, 16]}>
        <Col xs={24} md={8}>
          <Card style={{ height: "100%" }}>
            {current.loading || before.loading ? (
              <Skeleton active paragraph={false} />
            ) : (
              <>
                <Statistic
                  title={t("registry.dashboard.emissions", { year: thisYear - 1 })}
                  value={now > 0 ? tonnes(now) : t("registry.dashboard.noReport")}
                  prefix={change === null ? undefined : change > 0 ? <ArrowUpOutlined /> : <ArrowDownOutlined />}
                />
                <Typography.Text type="secondary">
                  {prev > 0
                    ? t("registry.dashboard.versus", { year: thisYear - 2, value: tonnes(prev), change: change === null ? "—" : fmt.number(change, 1) })
                    : t("registry.dashboard.noPrevious", { year: thisYear - 2 })}
                </Typography.Text>
              </>
            )}
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card style={{ height: "100%" }}>
            {current.loading ? (
              <Skeleton active paragraph={false} />
            ) : (
              <>
                <Statistic title={t("registry.dashboard.gap", { year: thisYear - 1 })} value={tonnes(remainingGap(current.data))} />
                <div style={{ marginTop: 4 }}>
                  <StandingTag status={current.data} />{" "}
                  <Typography.Text type="secondary">
                    {current.data?.deadline ? t("registry.dashboard.deadline", { date: fmt.date(current.data.deadline) }) : t("registry.compliance.noDeadline")}
                  </Typography.Text>
                </div>
                <Link to="/app/compliance">{t("registry.dashboard.toCompliance")}</Link>
              </>
            )}
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card style={{ height: "100%" }}>
            {balances.loading ? (
              <Skeleton active paragraph={false} />
            ) : (
              <>
                {balances.data ? <CoinHoldingStatistic balances={balances.data} /> : null}
                <Link to="/app/assets">{t("registry.dashboard.toAssets")}</Link>
              </>
            )}
          </Card>
        </Col>
        <Col xs={24}>
          <Card size="small" title={t("registry.dashboard.perVintage")}>
            <Table
              rowKey="vintage"
              size="small"
              pagination={false}
              loading={balances.loading}
              dataSource={balances.data?.allowances ?? []}
              locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("registry.assets.noAllowances")} /> }}
              columns={[
                { title: t("registry.vintage"), dataIndex: "vintage" },
                { title: t("registry.available"), dataIndex: "balance", align: "right", render: (n: number) => fmt.number(n) },
                { title: t("registry.escrowed"), dataIndex: "escrowed", align: "right", render: (n: number) => fmt.number(n) },
                { title: t("registry.holdingTotal"), key: "total", align: "right", render: (_, a) => fmt.number(allowanceHolding(a).total) },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
