import { beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import { testUser } from "../../test/user";
import { App as AntApp } from "antd";
import { createApi, memoryTokenStore } from "../../api/client";
import type { ChoroplethProps } from "../../components/ChinaMapChart";
import { I18nProvider, type Locale } from "../../i18n";
import { enUS } from "../../i18n/en-US";
import { zhCN } from "../../i18n/zh-CN";
import { SessionProvider } from "../../session";
import { MAP_SETTING, ProvincePanel } from "./ProvincePanel";

// the chart itself is tested in ChinaMapChart.test.tsx; here: what the panel gives it
const drawn: ChoroplethProps[] = [];
vi.mock("../../components/ChinaMapChart", () => ({
  ChinaMapChart: (props: ChoroplethProps) => {
    drawn.push(props);
    return <div role="img" aria-label={props.label} />;
  },
}));

const json = (body: unknown, status = 200, type = "application/json") => new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });
const square = { type: "Polygon", coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] };
const feature = (region: string, adcode: string) => ({ type: "Feature", properties: { region, adcode, name: "", name_en: "" }, geometry: square });
const MAP = {
  type: "FeatureCollection",
  attribution: "SYNTHETIC TEST DATA — not a map",
  features: [feature("CN-BJ", "110000"), feature("CN-HE", "130000"), feature("CN-TW", "710000"), feature("", "100000_JD")],
};
const fig = (region: string, enterprises: number, deficit: number, obligation: number, gap: number, province = true) => ({
  region, province, enterprises, compliant: enterprises - deficit, pending: 0, deficit, obligation, gap,
});
const FIGURES = [fig("CN-BJ", 2, 1, 500, 100), fig("CN-HE", 4, 0, 900, 0), fig("US-CA", 1, 1, 10, 10, false)];
const NOT_CONFIGURED = { type: "https://carbonledger.dev/problems/china-map-not-configured", title: "China map not configured", status: 404, detail: "no map", code: "china-map-not-configured" };

type Answer = () => Response;

function renderPanel(mapAnswer: Answer, locale: Locale = "zh-CN") {
  const calls: string[] = [];
  const fetch = vi.fn((req: Request) => {
    const url = new URL(req.url);
    calls.push(url.pathname + url.search);
    if (url.pathname === "/api/v1/auth/me") return Promise.resolve(json({}, 401));
    if (url.pathname === "/api/v1/public/map/china") return Promise.resolve(mapAnswer());
    if (url.pathname === "/api/v1/compliance/overview/provinces") return Promise.resolve(json(FIGURES));
    return Promise.resolve(json({}, 404));
  });
  const api = createApi({ baseUrl: "http://platform.test", tokens: memoryTokenStore(null), fetch });
  const ui = (year: number) => (
    <I18nProvider locale={locale}>
      <AntApp>
        <SessionProvider api={api}>
          <ProvincePanel query={{ year, industry: "steel" }} version={0} />
        </SessionProvider>
      </AntApp>
    </I18nProvider>
  );
  let view = render(ui(2024));
  return {
    calls,
    /** unmount the panel and mount it again, as navigating away and back does */
    remount: () => {
      view.unmount();
      view = render(ui(2024));
    },
  };
}

beforeEach(() => {
  drawn.length = 0;
});

describe("the overview by province", () => {
  it("draws the operator's map with the figures joined by region, and its attribution", async () => {
    const { calls } = renderPanel(() => json(MAP));
    const map = await screen.findByTestId("province-map");
    expect(screen.queryByTestId("province-grid")).toBeNull();
    expect(screen.getByTestId("map-attribution")).toHaveTextContent("SYNTHETIC TEST DATA — not a map");
    const last = drawn.at(-1);
    expect(last?.geojson).toEqual(MAP);
    // the default metric: the share of enterprises short
    expect(last?.data).toEqual([
      { name: "CN-BJ", value: 0.5 },
      { name: "CN-HE", value: 0 },
    ]);
    expect(last?.max).toBe(1);
    expect(last?.label).toBe("分省地图：未足额清缴占比");
    expect(last?.tooltip("CN-BJ")).toEqual(["北京", "2 家企业，1 家未足额清缴", "未足额清缴占比: 50%"]);
    expect(last?.tooltip("CN-TW")).toEqual(["台湾", "无已确认报告"]);
    // a region outside China is counted but said to be off the map
    expect(within(map).getByTestId("off-map")).toHaveTextContent("未在地图上显示的地区：US-CA (1)");
    expect(calls).toContain("/api/v1/compliance/overview/provinces?year=2024&industry=steel");
  });

  it("recolours by another metric, with tooltips in the UI's language", async () => {
    window.localStorage.setItem("carbonledger.locale", "en-US");
    renderPanel(() => json(MAP), "en-US");
    await screen.findByTestId("province-map");
    const user = testUser();
    await user.click(screen.getByText(enUS["registry.overview.metric.obligation"]));
    await waitFor(() => expect(drawn.at(-1)?.max).toBe(900));
    const last = drawn.at(-1);
    expect(last?.data).toEqual([
      { name: "CN-BJ", value: 500 },
      { name: "CN-HE", value: 900 },
    ]);
    expect(last?.scaleText).toEqual(["900 t", "0 t"]);
    expect(last?.tooltip("CN-HE")).toEqual(["Hebei", "4 enterprises, 0 short", "Obligation: 900 t"]);
    window.localStorage.removeItem("carbonledger.locale");
  });

  it("shows the tile grid and how to configure a map when none is configured", async () => {
    renderPanel(() => json(NOT_CONFIGURED, 404, "application/problem+json"));
    const grid = await screen.findByTestId("province-grid");
    expect(screen.queryByTestId("province-map")).toBeNull();
    expect(drawn).toEqual([]);
    expect(within(grid).getByTestId("map-note")).toHaveTextContent(zhCN["registry.overview.mapNote"].replace("{setting}", MAP_SETTING));
    // the same figures: Beijing 1 of 2 short, Hebei none, the region outside China last
    expect(within(grid).getByTestId("tile-CN-BJ")).toHaveTextContent("北京50%");
    expect(within(grid).getByTestId("tile-CN-HE")).toHaveTextContent("河北0%");
    expect(within(grid).getAllByTestId(/^tile-/).map((e) => e.dataset.testid)).toEqual(["tile-CN-BJ", "tile-CN-HE", "tile-US-CA"]);
  });

  it("keeps the grid without the note when the map cannot be loaded, and asks again next time", async () => {
    let answers = 0;
    const { calls, remount } = renderPanel(() => {
      answers += 1;
      return answers === 1 ? json({ detail: "boom" }, 500) : json(MAP);
    });
    await screen.findByTestId("province-grid");
    expect(screen.queryByTestId("map-note")).toBeNull();
    remount();
    await screen.findByTestId("province-map");
    // once loaded, the map is not asked for again
    remount();
    expect(await screen.findAllByTestId("province-map")).toHaveLength(1);
    expect(calls.filter((c) => c.startsWith("/api/v1/public/map/china"))).toHaveLength(2);
  });
});
