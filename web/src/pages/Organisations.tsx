import { useState } from "react";
import { Button, Card, Col, Empty, Flex, Input, Row, Select, Skeleton, Table, Typography } from "antd";
import { ReloadOutlined, SafetyCertificateOutlined } from "@ant-design/icons";
import { call, type Kind, type Organisation } from "../api/client";
import { Chart } from "../components/Chart";
import { PageHeader } from "../components/PageHeader";
import { ProblemAlert } from "../components/ProblemAlert";
import { useI18n } from "../i18n";
import { INDUSTRIES, REGIONS } from "../lib/codes";
import { CertifiedTag, KindTag, StatusBadge, useIndustryName, useRegionName } from "../lib/labels";
import { useLoad } from "../lib/useLoad";
import { useSession } from "../session";
import { CertifyDialog } from "./CertifyDialog";

const PAGE = 20;

interface Filters {
  q?: string;
  kind?: Kind;
  status?: string;
  certified?: boolean;
  industry?: string;
  region?: string;
}

/** Certified enterprises per industry: each bar is the API's own count (`total`). */
function IndustryChart({ version }: { version: number }) {
  const { t } = useI18n();
  const { api } = useSession();
  const industryName = useIndustryName();
  const counts = useLoad(
    () =>
      Promise.all(
        INDUSTRIES.map((industry) =>
          call(
            api.client.GET("/api/v1/organisations", {
              params: { query: { kind: "enterprise", certified: true, industry, limit: 1 } },
            }),
          ).then((page) => ({ industry, total: page.total })),
        ),
      ),
    [api, version],
  );
  const rows = (counts.data ?? []).filter((r) => r.total > 0);
  return (
    <Card title={t("organisations.chartTitle")} style={{ height: "100%" }}>
      <ProblemAlert error={counts.error} onRetry={counts.reload} />
      {counts.loading ? <Skeleton active /> : null}
      {!counts.loading && !counts.error && rows.length === 0 ? <Empty description={t("organisations.chartEmpty")} /> : null}
      {rows.length > 0 ? (
        <Chart
          label={t("organisations.chartTitle")}
          height={240}
          option={{
            grid: { left: 96, right: 16, top: 8, bottom: 24 },
            tooltip: { trigger: "axis" },
            xAxis: { type: "value", minInterval: 1 },
            yAxis: { type: "category", data: rows.map((r) => industryName(r.industry)) },
            series: [{ type: "bar", data: rows.map((r) => r.total), name: t("organisations.enterprises") }],
          }}
        />
      ) : null}
    </Card>
  );
}

export function Organisations() {
  const { t, fmt } = useI18n();
  const { api, role } = useSession();
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const [certifying, setCertifying] = useState<Organisation | null>(null);
  // bumped by each certification, so the chart counts again
  const [certified, setCertified] = useState(0);
  const industryName = useIndustryName();
  const regionName = useRegionName();

  const list = useLoad(
    () =>
      call(
        api.client.GET("/api/v1/organisations", {
          params: { query: { ...filters, q: filters.q || undefined, offset: (page - 1) * PAGE, limit: PAGE, sort: "name" } },
        }),
      ),
    [api, filters, page],
  );
  const set = (patch: Filters) => {
    setFilters((f) => ({ ...f, ...patch }));
    setPage(1);
  };

  return (
    <>
      <PageHeader
        title={t("organisations.title")}
        subtitle={role === "regulator" ? t("organisations.introRegulator") : t("organisations.introAdmin")}
        extra={
          <Button icon={<ReloadOutlined />} onClick={list.reload}>
            {t("common.refresh")}
          </Button>
        }
      />
      <Row gutter={[24, 24]}>
        <Col xs={24} xxl={16}>
          <Card>
            <Flex gap={12} wrap style={{ marginBottom: 16 }}>
              <Input.Search
                allowClear
                placeholder={t("organisations.search")}
                aria-label={t("organisations.search")}
                style={{ width: 240 }}
                onSearch={(q) => set({ q })}
              />
              <Select<Kind>
                allowClear
                placeholder={t("field.kind")}
                aria-label={t("field.kind")}
                style={{ width: 130 }}
                value={filters.kind}
                onChange={(kind) => set({ kind })}
                options={(["enterprise", "verifier", "regulator", "finance", "admin"] as const).map((k) => ({ value: k, label: t(`kind.${k}`) }))}
              />
              <Select<string>
                allowClear
                placeholder={t("field.status")}
                aria-label={t("field.status")}
                style={{ width: 120 }}
                value={filters.status}
                onChange={(status) => set({ status })}
                options={(["pending", "active", "rejected"] as const).map((s) => ({ value: s, label: t(`status.${s}`) }))}
              />
              <Select<string>
                allowClear
                placeholder={t("organisations.certification")}
                aria-label={t("organisations.certification")}
                style={{ width: 130 }}
                value={filters.certified === undefined ? undefined : String(filters.certified)}
                onChange={(v) => set({ certified: v === undefined ? undefined : v === "true" })}
                options={[
                  { value: "true", label: t("org.certified") },
                  { value: "false", label: t("org.uncertified") },
                ]}
              />
              <Select<string>
                allowClear
                showSearch
                optionFilterProp="label"
                placeholder={t("field.industry")}
                aria-label={t("field.industry")}
                style={{ width: 140 }}
                value={filters.industry}
                onChange={(industry) => set({ industry })}
                options={INDUSTRIES.map((c) => ({ value: c, label: industryName(c) }))}
              />
              <Select<string>
                allowClear
                showSearch
                optionFilterProp="label"
                placeholder={t("field.region")}
                aria-label={t("field.region")}
                style={{ width: 140 }}
                value={filters.region}
                onChange={(region) => set({ region })}
                options={REGIONS.map((c) => ({ value: c, label: regionName(c) }))}
              />
            </Flex>
            <ProblemAlert error={list.error} onRetry={list.reload} />
            <Table<Organisation>
              rowKey="id"
              loading={list.loading}
              dataSource={list.data?.items ?? []}
              scroll={{ x: 960 }}
              locale={{ emptyText: t("organisations.empty") }}
              pagination={{
                current: page,
                pageSize: PAGE,
                total: list.data?.total ?? 0,
                onChange: setPage,
                showTotal: (n) => t("common.total", { n: fmt.number(n) }),
              }}
              columns={[
                {
                  title: t("field.organisation"),
                  dataIndex: "name",
                  render: (name: string, org) => (
                    <Flex vertical>
                      <Typography.Text strong>{name}</Typography.Text>
                      {org.credit_code ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{org.credit_code}</Typography.Text> : null}
                    </Flex>
                  ),
                },
                { title: t("field.kind"), dataIndex: "kind", width: 110, render: (k: Kind) => <KindTag kind={k} /> },
                { title: t("field.industry"), dataIndex: "industry", width: 110, render: (c: string) => industryName(c) },
                { title: t("field.region"), dataIndex: "region", width: 110, render: (c: string) => regionName(c) },
                { title: t("field.status"), dataIndex: "status", width: 100, render: (s: string) => <StatusBadge status={s} /> },
                { title: t("organisations.certification"), key: "certified", width: 110, render: (_, org) => <CertifiedTag org={org} /> },
                {
                  title: t("common.actions"),
                  key: "actions",
                  width: 120,
                  fixed: "right",
                  render: (_, org) =>
                    role === "regulator" && org.kind === "enterprise" && org.status === "active" && !org.certified ? (
                      <Button
                        size="small"
                        type="primary"
                        icon={<SafetyCertificateOutlined />}
                        onClick={() => setCertifying(org)}
                        data-testid={`certify-${org.id}`}
                      >
                        {t("certify.action")}
                      </Button>
                    ) : null,
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xxl={8}>
          <IndustryChart version={certified} />
        </Col>
      </Row>
      <CertifyDialog org={certifying} onClose={() => setCertifying(null)} onCertified={() => {
          list.reload();
          setCertified((n) => n + 1);
        }} />
    </>
  );
}
