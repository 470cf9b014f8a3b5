import { useState } from "react";
import { Alert, Card, Col, Empty, Row, Select, Skeleton, Statistic, Table } from "antd";
import { call, type Schemas } from "../../api/client";
import { Chart } from "../../components/Chart";
import { PageHeader } from "../../components/PageHeader";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useIndustryName, useRegionName } from "../../lib/labels";
import { useLoad } from "../../lib/useLoad";
import { useSession } from "../../session";
import { useTonnes, useYears } from "./common";

type Group = Schemas["EmissionsGroup"];

export interface Ranked {
  code: string;
  enterprises: number;
  emissions: number;
}

/** Published groups summed by one dimension, largest emissions first. */
export function rank(groups: Group[], by: "industry" | "region"): Ranked[] {
  const totals = new Map<string, Ranked>();
  for (const g of groups) {
    const code = g[by];
    const r = totals.get(code) ?? { code, enterprises: 0, emissions: 0 };
    r.enterprises += g.enterprises;
    r.emissions += g.confirmed_emissions_t;
    totals.set(code, r);
  }
  return [...totals.values()].sort((a, b) => b.emissions - a.emissions || a.code.localeCompare(b.code));
}

function Ranking({ title, rows, name }: { title: string; rows: Ranked[]; name: (c: string) => string }) {
  const { t, fmt } = useI18n();
  return (
    <Card title={title} style={{ height: "100%" }}>
      <Table<Ranked>
        rowKey="code"
        size="small"
        pagination={false}
        dataSource={rows}
        locale={{ emptyText: t("registry.statistics.noEmissions") }}
        columns={[
          { title: t("registry.statistics.rank"), key: "rank", width: 60, render: (_, _r, i) => i + 1 },
          { title: title, dataIndex: "code", render: name },
          { title: t("registry.statistics.enterprises"), dataIndex: "enterprises", align: "right", render: (n: number) => fmt.number(n) },
          { title: t("registry.statistics.emissions"), dataIndex: "emissions", align: "right", render: (n: number) => fmt.number(n) },
        ]}
      />
    </Card>
  );
}

export function Statistics() {
  const { t, fmt } = useI18n();
  const { api } = useSession();
  const years = useYears();
  const [year, setYear] = useState<number | undefined>();
  const figures = useLoad(() => call(api.client.GET("/api/v1/public/figures", { params: { query: { year } } })), [api, year]);
  const industryName = useIndustryName();
  const regionName = useRegionName();
  const tonnes = useTonnes();
  const data = figures.data;
  const groups = (data?.emissions ?? []).flatMap((e) => e.groups);
  const suppressed = (data?.emissions ?? []).reduce((s, e) => s + e.suppressed_enterprises, 0);
  const allocated = (data?.allowances ?? []).reduce((s, a) => s + a.allocated, 0);
  const retired = (data?.offsets ?? []).reduce((s, o) => s + o.retired, 0);
  const emissions = groups.reduce((s, g) => s + g.confirmed_emissions_t, 0);

  return (
    <>
      <PageHeader
        title={t("registry.statistics.title")}
        subtitle={t("registry.statistics.intro", { n: data?.min_group_size ?? 3 })}
        extra={
          <Select<number>
            allowClear
            aria-label={t("registry.year")}
            placeholder={t("registry.statistics.allYears")}
            value={year}
            onChange={setYear}
            style={{ width: 140 }}
            options={years.map((y) => ({ value: y, label: t("registry.yearLabel", { year: y }) }))}
          />
        }
      />
      <ProblemAlert error={figures.error} onRetry={figures.reload} />
      {figures.loading && !data ? <Skeleton active /> : null}
      {data ? (
        <>
          <Row gutter={[16, 16]} style={{ marginBottom: 24 }}>
            <Col xs={24} sm={8}>
              <Card>
                <Statistic title={t("registry.statistics.allocated")} value={tonnes(allocated)} />
              </Card>
            </Col>
            <Col xs={24} sm={8}>
              <Card>
                <Statistic title={t("registry.statistics.retired")} value={tonnes(retired)} />
              </Card>
            </Col>
            <Col xs={24} sm={8}>
              <Card>
                <Statistic title={t("registry.statistics.confirmedEmissions")} value={tonnes(emissions)} />
              </Card>
            </Col>
          </Row>
          {suppressed > 0 ? <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t("registry.statistics.suppressed", { n: fmt.number(suppressed), min: data.min_group_size })} /> : null}
          <Row gutter={[24, 24]} style={{ marginBottom: 24 }}>
            <Col xs={24} lg={12}>
              <Card title={t("registry.statistics.allowancesByVintage")} style={{ height: "100%" }}>
                {data.allowances.length === 0 ? (
                  <Empty description={t("registry.statistics.noAllowances")} />
                ) : (
                  <Chart
                    label={t("registry.statistics.allowancesByVintage")}
                    option={{
                      grid: { left: 72, right: 16, top: 16, bottom: 32 },
                      tooltip: { trigger: "axis" },
                      xAxis: { type: "category", data: data.allowances.map((a) => String(a.vintage)) },
                      yAxis: { type: "value" },
                      series: [
                        { type: "bar", name: t("registry.statistics.allocatedShort"), data: data.allowances.map((a) => a.allocated), itemStyle: { color: "#0f7b5f" } },
                        { type: "bar", name: t("registry.statistics.surrendered"), data: data.allowances.map((a) => a.surrendered), itemStyle: { color: "#1668dc" } },
                        { type: "bar", name: t("registry.statistics.deducted"), data: data.allowances.map((a) => a.deducted), itemStyle: { color: "#d4380d" } },
                      ],
                    }}
                  />
                )}
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card title={t("registry.statistics.compliance")} style={{ height: "100%" }}>
                <Table
                  rowKey="year"
                  size="small"
                  pagination={false}
                  dataSource={data.compliance}
                  locale={{ emptyText: t("registry.statistics.noCompliance") }}
                  columns={[
                    { title: t("registry.year"), dataIndex: "year" },
                    { title: t("registry.statistics.enterprises"), dataIndex: "enterprises", align: "right" },
                    { title: t("registry.standing.compliant"), dataIndex: "compliant", align: "right" },
                    { title: t("registry.standing.pending"), dataIndex: "pending", align: "right" },
                    { title: t("registry.standing.deficit"), dataIndex: "deficit", align: "right" },
                  ]}
                />
              </Card>
            </Col>
          </Row>
          <Row gutter={[24, 24]}>
            <Col xs={24} lg={12}>
              <Ranking title={t("field.industry")} rows={rank(groups, "industry")} name={industryName} />
            </Col>
            <Col xs={24} lg={12}>
              <Ranking title={t("field.region")} rows={rank(groups, "region")} name={regionName} />
            </Col>
          </Row>
        </>
      ) : null}
    </>
  );
}
