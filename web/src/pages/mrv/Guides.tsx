/**
 * The guidance centre: each accounting methodology's guide — its page in the reader's
 * language, its emission sources with formulas and parameters (what must be measured, what
 * falls back to a default) and the default factors with where they come from — and its
 * templates to download.
 */
import { useMemo, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { Button, Card, Collapse, Descriptions, Empty, Input, Select, Skeleton, Space, Table, Tabs, Tag, Typography, theme } from "antd";
import { DownloadOutlined } from "@ant-design/icons";
import { call, type Schemas } from "../../api/client";
import { PageHeader } from "../../components/PageHeader";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useLoad } from "../../lib/useLoad";
import { useSession } from "../../session";
import { methodologyName, useMethodologies } from "./Wizard";

type Guide = Schemas["MethodologyGuideOut"];
type GuideSource = Schemas["GuideSource"];
type GuideDefault = Schemas["GuideDefault"];

/** The defaults whose material, parameter or label contains `query` (any case). */
export function filterDefaults(defaults: readonly GuideDefault[], query: string): GuideDefault[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...defaults];
  return defaults.filter((d) =>
    [d.material ?? "", d.parameter, d.label_zh, d.label_en, d.key].some((s) => s.toLowerCase().includes(q)),
  );
}

function SourcePanel({ source, zh }: { source: GuideSource; zh: boolean }) {
  const { t } = useI18n();
  const [query, setQuery] = useState("");
  const shown = useMemo(() => filterDefaults(source.defaults, query), [source.defaults, query]);
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="middle">
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t("guides.formula")}>
          <Typography.Text code>{source.formula}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t("guides.quantity")}>
          {zh ? source.quantity_label_zh : source.quantity_label_en}
          {source.quantity_unit ? ` (${source.quantity_unit})` : ""}
        </Descriptions.Item>
      </Descriptions>
      <Table
        size="small"
        rowKey="name"
        pagination={false}
        dataSource={source.parameters}
        scroll={{ x: true }}
        columns={[
          { title: t("guides.symbol"), dataIndex: "symbol", render: (s: string) => <Typography.Text code>{s}</Typography.Text> },
          { title: t("guides.parameter"), key: "label", render: (_: unknown, p) => (zh ? p.label_zh : p.label_en) },
          { title: t("guides.unit"), dataIndex: "unit" },
          {
            title: t("guides.when"),
            key: "when",
            render: (_: unknown, p) =>
              p.required ? (
                <Tag color="red">{t("guides.mustMeasure")}</Tag>
              ) : p.default && /^[\d.]+$/.test(p.default) ? (
                <Tag>{t("guides.constant", { value: p.default })}</Tag>
              ) : (
                <Tag color="blue">{t("guides.defaultIfBlank")}</Tag>
              ),
          },
        ]}
      />
      {source.defaults.length > 0 ? (
        <>
          <Input.Search
            allowClear
            placeholder={t("guides.searchDefaults")}
            aria-label={t("guides.searchDefaults")}
            onChange={(e) => setQuery(e.target.value)}
            style={{ maxWidth: 360 }}
          />
          <Table
            size="small"
            data-testid="guide-defaults"
            rowKey="key"
            dataSource={shown}
            pagination={{ pageSize: 10, showSizeChanger: false }}
            scroll={{ x: true }}
            columns={[
              { title: t("guides.factor"), key: "label", render: (_: unknown, d) => (zh ? d.label_zh : d.label_en) },
              { title: t("guides.value"), key: "value", align: "right", render: (_: unknown, d) => `${d.value} ${d.unit}` },
              {
                title: t("guides.provenance"),
                key: "source",
                render: (_: unknown, d) => (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {d.document}
                    {d.table ? ` · ${d.table}` : ""}
                  </Typography.Text>
                ),
              },
              { title: t("guides.status"), dataIndex: "status", render: (s: string) => <Tag>{s}</Tag> },
            ]}
          />
        </>
      ) : null}
    </Space>
  );
}

function GuideView({ guide }: { guide: Guide }) {
  const { t, locale, fmt } = useI18n();
  const { token } = theme.useToken();
  const zh = locale === "zh-CN";
  const html = zh ? guide.html_zh : guide.html_en;
  const lang = zh ? "zh-CN" : "en-US";
  const ref = encodeURIComponent(guide.id);
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="large">
      <Card size="small">
        <Descriptions column={{ xs: 1, sm: 1, md: 1, lg: 2, xl: 2, xxl: 2 }} size="small" title={zh ? guide.name_zh : guide.name_en}>
          <Descriptions.Item label={t("guides.document")}>{guide.document}</Descriptions.Item>
          <Descriptions.Item label={t("guides.valid")}>
            {fmt.date(guide.valid_from)} – {guide.valid_to ? fmt.date(guide.valid_to) : t("guides.current")}
          </Descriptions.Item>
          <Descriptions.Item label={t("guides.factorSets")}>
            <Space size={[0, 4]} wrap>
              {[...guide.factor_sets, ...guide.alternative_factor_sets].map((s, i) => (
                <Tag key={s} color={i < guide.factor_sets.length ? "green" : undefined}>
                  {s}
                </Tag>
              ))}
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label={t("guides.gwp")}>
            {guide.gwp}
            {guide.gwp_choice ? ` · ${t("guides.gwpChoice")}` : ""}
          </Descriptions.Item>
          {guide.options.map((o) => (
            <Descriptions.Item key={o.name} label={<Typography.Text code>{o.name}</Typography.Text>}>
              {o.description}
            </Descriptions.Item>
          ))}
        </Descriptions>
        <Space wrap>
          <Button icon={<DownloadOutlined />} href={`/api/v1/mrv/methodologies/${ref}/template.xlsx?lang=${lang}`} download>
            {t("guides.excel")}
          </Button>
          <Button icon={<DownloadOutlined />} href={`/api/v1/mrv/methodologies/${ref}/template.json`} download>
            {t("guides.json")}
          </Button>
        </Space>
      </Card>
      <Tabs
        items={[
          {
            key: "page",
            label: t("guides.page"),
            children: html ? (
              <Card size="small">
                <style>{`
                  .guide-page table { border-collapse: collapse; margin: 12px 0; display: block; overflow-x: auto; }
                  .guide-page th, .guide-page td { border: 1px solid ${token.colorBorderSecondary}; padding: 4px 8px; vertical-align: top; }
                  .guide-page th { background: ${token.colorFillAlter}; }
                  .guide-page pre { background: ${token.colorFillAlter}; padding: 12px; overflow-x: auto; font-size: 12px; }
                  .guide-page code { font-size: 90%; }
                `}</style>
                {/* the API renders the packaged page with raw HTML escaped */}
                <div className="guide-page" data-testid="guide-page" lang={lang} dangerouslySetInnerHTML={{ __html: html }} />
              </Card>
            ) : (
              <Empty description={t("guides.noPage")} />
            ),
          },
          {
            key: "sources",
            label: t("guides.sources", { n: guide.sources.length }),
            children: (
              <Collapse
                data-testid="guide-sources"
                items={guide.sources.map((s) => ({
                  key: s.source,
                  label: (
                    <Space wrap>
                      <Typography.Text strong>{zh ? s.label_zh : s.label_en}</Typography.Text>
                      <Typography.Text code>{s.source}</Typography.Text>
                    </Space>
                  ),
                  children: <SourcePanel source={s} zh={zh} />,
                }))}
              />
            ),
          },
        ]}
      />
    </Space>
  );
}

export function Guides() {
  const { t, locale } = useI18n();
  const { api } = useSession();
  const [params, setParams] = useSearchParams();
  const list = useMethodologies();
  const chosen = params.get("m") ?? list.data?.[0]?.id;
  const guide = useLoad<Guide | null>(
    async () => (chosen ? call(api.client.GET("/api/v1/mrv/methodologies/{ref}/guide", { params: { path: { ref: chosen } } })) : null),
    [api, chosen],
  );
  return (
    <>
      <PageHeader title={t("guides.title")} subtitle={t("guides.intro")} />
      <ProblemAlert error={list.error} onRetry={list.reload} />
      <Space direction="vertical" style={{ width: "100%" }} size="large">
        <Select
          data-testid="guide-choose"
          aria-label={t("guides.choose")}
          style={{ width: "min(640px, 100%)" }}
          loading={list.loading}
          value={chosen}
          showSearch
          optionFilterProp="label"
          onChange={(m: string) => setParams({ m })}
          options={(list.data ?? []).map((m) => ({ value: m.id, label: `${methodologyName(m, locale)} (${m.id})` }))}
        />
        <ProblemAlert error={guide.error} onRetry={guide.reload} />
        {guide.loading && !guide.data ? <Skeleton active /> : guide.data ? <GuideView guide={guide.data} /> : null}
      </Space>
    </>
  );
}
