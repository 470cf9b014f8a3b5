/**
 * The compliance overview by province: a choropleth on the operator's reviewed map of China
 * when the platform serves one, else a grid of province tiles with a note on how to set a
 * map up. Both colour the same figures by the same metric.
 */
import { useCallback, useEffect, useMemo, useState } from "react";
import { Alert, Card, Col, Empty, Row, Segmented, Skeleton, Space, Tooltip, Typography } from "antd";
import { call, type Api } from "../../api/client";
import { ChinaMapChart } from "../../components/ChinaMapChart";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { REGIONS } from "../../lib/codes";
import { useRegionName } from "../../lib/labels";
import { asApiError } from "../../lib/problems";
import { useLoad } from "../../lib/useLoad";
import { useSession } from "../../session";
import { intensity, joinToMap, METRICS, metricValue, SCALE, scaleMax, type ChinaMap, type Metric, type ProvinceFigures } from "./provinces";

/** the setting that names the map (shown to regulators who see no map) */
export const MAP_SETTING = "CARBONLEDGER_CHINA_MAP";

export type MapState = { kind: "map"; map: ChinaMap } | { kind: "none" } | { kind: "failed" };

// one request a session: the map does not change while the platform runs
const maps = new WeakMap<Api, Promise<MapState>>();

/** The operator's map, or why there is none (not configured, or it could not be loaded). */
export function loadChinaMap(api: Api): Promise<MapState> {
  let pending = maps.get(api);
  if (!pending) {
    pending = call(api.client.GET("/api/v1/public/map/china")).then(
      (map): MapState => ({ kind: "map", map }),
      (err: unknown): MapState => {
        maps.delete(api); // a failure is asked again next time
        return asApiError(err).code === "china-map-not-configured" ? { kind: "none" } : { kind: "failed" };
      },
    );
    maps.set(api, pending);
  }
  return pending;
}

function useChinaMap(api: Api): MapState | undefined {
  const [state, setState] = useState<MapState>();
  useEffect(() => {
    let live = true;
    void loadChinaMap(api).then((s) => live && setState(s));
    return () => {
      live = false;
    };
  }, [api]);
  return state;
}

export interface OverviewQuery {
  year: number;
  industry?: string;
  region?: string;
  status?: "compliant" | "pending" | "deficit";
}

export function ProvincePanel({ query, version }: { query: OverviewQuery; version: number }) {
  const { t, tx, fmt } = useI18n();
  const { api } = useSession();
  // stable while the language is: the chart's option is rebuilt only when its input changes
  const regionName = useCallback((code: string) => tx(`region.${code}`, code), [tx]);
  const [metric, setMetric] = useState<Metric>("deficitShare");
  const map = useChinaMap(api);
  const { year, industry, region, status } = query;
  const figures = useLoad(
    () => call(api.client.GET("/api/v1/compliance/overview/provinces", { params: { query: { year, industry, region, status } } })),
    [api, year, industry, region, status, version],
  );
  const format = useCallback(
    (value: number, m: Metric) => (m === "deficitShare" ? `${fmt.number(value * 100)}%` : m === "enterprises" ? fmt.number(value) : t("registry.tonnes", { n: fmt.number(value) })),
    [fmt, t],
  );
  const rows = figures.data;
  const byRegion = useMemo(() => new Map((rows ?? []).map((f) => [f.region, f])), [rows]);
  const tooltip = useCallback(
    (code: string) => {
      const f = byRegion.get(code);
      if (!f) return [regionName(code), t("registry.overview.noFigures")];
      return [regionName(code), t("registry.overview.provinceTip", { n: f.enterprises, deficit: f.deficit }), `${t(`registry.overview.metric.${metric}`)}: ${format(metricValue(f, metric), metric)}`];
    },
    [byRegion, regionName, t, metric, format],
  );

  let body;
  if (figures.error) body = <ProblemAlert error={figures.error} onRetry={figures.reload} />;
  else if (!rows || !map) body = <Skeleton active />;
  else if (map.kind === "map") body = <MapView map={map.map} rows={rows} metric={metric} tooltip={tooltip} format={format} />;
  else body = <TileGrid rows={rows} metric={metric} format={format} note={map.kind === "none"} />;

  return (
    <Card
      title={t("registry.overview.byProvince")}
      data-testid="province-panel"
      extra={
        <Segmented<Metric>
          size="small"
          aria-label={t("registry.overview.metric")}
          value={metric}
          onChange={setMetric}
          options={METRICS.map((m) => ({ value: m, label: t(`registry.overview.metric.${m}`) }))}
        />
      }
    >
      {body}
    </Card>
  );
}

interface ViewProps {
  rows: ProvinceFigures[];
  metric: Metric;
  format: (value: number, metric: Metric) => string;
}

function MapView({ map, rows, metric, tooltip, format }: ViewProps & { map: ChinaMap; tooltip: (code: string) => string[] }) {
  const { t } = useI18n();
  const regionName = useRegionName();
  const joined = useMemo(() => joinToMap(rows, map, metric), [rows, map, metric]);
  const data = useMemo(() => joined.data.map(({ name, value }) => ({ name, value })), [joined]);
  const scaleText = useMemo<[string, string]>(() => [format(joined.max, metric), format(0, metric)], [joined.max, metric, format]);
  return (
    <div data-testid="province-map" data-regions={joined.data.map((d) => `${d.name}=${d.value}`).join(" ")}>
      <ChinaMapChart
        geojson={map}
        data={data}
        max={joined.max}
        tooltip={tooltip}
        scaleText={scaleText}
        colours={SCALE}
        label={t("registry.overview.mapLabel", { metric: t(`registry.overview.metric.${metric}`) })}
      />
      <Space direction="vertical" size={4} style={{ width: "100%" }}>
        {rows.length === 0 ? <Typography.Text type="secondary">{t("registry.overview.empty")}</Typography.Text> : null}
        {joined.offMap.length > 0 ? (
          <Typography.Text type="secondary" data-testid="off-map">
            {t("registry.overview.offMap", { regions: joined.offMap.map((f) => `${regionName(f.region)} (${f.enterprises})`).join(", ") })}
          </Typography.Text>
        ) : null}
        <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="map-attribution">
          {map.attribution}
        </Typography.Text>
      </Space>
    </div>
  );
}

/** Each province with figures as a tile coloured by the metric (when no map is configured). */
function TileGrid({ rows, metric, format, note }: ViewProps & { note: boolean }) {
  const { t } = useI18n();
  const regionName = useRegionName();
  // provinces in the platform's order, then regions outside China
  const order = (code: string) => {
    const i = (REGIONS as readonly string[]).indexOf(code);
    return i < 0 ? REGIONS.length : i;
  };
  const shown = [...rows].sort((a, b) => order(a.region) - order(b.region) || a.region.localeCompare(b.region));
  const max = scaleMax(
    shown.map((f) => metricValue(f, metric)),
    metric,
  );
  return (
    <div data-testid="province-grid">
      {shown.length === 0 ? (
        <Empty description={t("registry.overview.empty")} />
      ) : (
        <Row gutter={[8, 8]}>
          {shown.map((f) => {
            const value = metricValue(f, metric);
            const level = intensity(value, max);
            return (
              <Col key={f.region} xs={12} sm={8} md={6} lg={4}>
                <Tooltip title={t("registry.overview.provinceTip", { n: f.enterprises, deficit: f.deficit })}>
                  <div
                    data-testid={`tile-${f.region}`}
                    style={{ padding: 8, borderRadius: 6, background: `rgba(212, 56, 13, ${0.08 + level * 0.6})`, color: level > 0.6 ? "#fff" : "#1f1f1f", textAlign: "center" }}
                  >
                    <div style={{ fontWeight: 600 }}>{regionName(f.region)}</div>
                    <div style={{ fontSize: 12 }}>{format(value, metric)}</div>
                  </div>
                </Tooltip>
              </Col>
            );
          })}
        </Row>
      )}
      {note ? <Alert style={{ marginTop: 16 }} type="info" showIcon data-testid="map-note" message={t("registry.overview.mapNote", { setting: MAP_SETTING })} /> : null}
    </div>
  );
}
