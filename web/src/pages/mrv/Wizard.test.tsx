import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { testUser } from "../../test/user";
import { App } from "../../App";
import { createApi, memoryTokenStore } from "../../api/client";
import { zhCN } from "../../i18n/zh-CN";
import { WorkbookProblems } from "./Wizard";
import { I18nProvider, formatters } from "../../i18n";
import { fieldMessages, toApiError } from "../../api/errors";
import { ProblemAlert } from "../../components/ProblemAlert";
import { fieldText } from "../../lib/problems";
import { workbookProblems } from "./model";

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

const ME = {
  user: { id: 5, username: "cement", display_name: "", email: "", org_admin: true, active: true },
  organisation: { id: 9, name: "皖江水泥（演示）", kind: "enterprise", status: "active", certified: true, industry: "cement", region: "CN-AH", credit_code: "" },
};

const TEMPLATE = {
  schema: "carbonledger/activity-data@1",
  guide: {
    methodology: { id: "cn-2013-cement@1", options: {}, sources: null },
    sources: {
      fuel_combustion: {
        label_zh: "化石燃料燃烧",
        label_en: "fossil fuel combustion",
        formula: "E = FC × NCV × CC × OF × 44/12",
        parameters: [{ name: "ncv", symbol: "NCV", unit: "GJ/t", label_en: "net calorific value", label_zh: "低位发热量", default: "fuel.{material}.ncv", required: false }],
      },
    },
  },
  methodology: "cn-2013-cement@1",
  facilities: [{ id: "facility-1", lines: [{ id: "fuel_combustion-1", source: "fuel_combustion", fuel: null, quantity: { value: null, unit: "t" } }] }],
};

function platform() {
  const posted: unknown[] = [];
  const fetch = vi.fn(async (req: Request) => {
    const url = new URL(req.url);
    if (url.pathname === "/api/v1/auth/me") return json(ME);
    if (url.pathname === "/api/v1/mrv/methodologies")
      return json([{ id: "cn-2013-cement@1", industry: "cement", name_zh: "水泥指南", name_en: "Cement guideline", document: "", sectors: ["cement"], valid_from: "2013-10-15", valid_to: null, sources: [] }]);
    if (url.pathname.endsWith("/template.json")) return json(TEMPLATE);
    if (url.pathname === "/api/v1/mrv/submissions" && req.method === "POST") {
      posted.push(await req.json());
      return json(
        {
          status: 422,
          code: "calculation-failed",
          detail: "unknown fuel",
          field: "body:document.facilities.0.lines.0.fuel",
          errors: [{ field: "body:document.facilities.0.lines.0.quantity", message: "服务器：数量超出范围" }],
        },
        422,
      );
    }
    return json({ items: [], total: 0, offset: 0, limit: 20 });
  });
  return { fetch, posted };
}

beforeEach(() => window.localStorage.clear());

// Ant Design in jsdom is slow on a busy machine: wait up to 15 s for each change to show
const SLOW = { timeout: 15_000 };

describe("the reporting wizard", () => {
  it("checks activity lines before calculating, then sends exact numbers and shows the server's problem at the line", async () => {
    const { fetch, posted } = platform();
    window.history.pushState({}, "", "/app/mrv/new");
    const api = createApi({ baseUrl: "http://platform.test", tokens: memoryTokenStore({ access_token: "a", refresh_token: "r", token_type: "bearer", expires_in: 900 }), fetch });
    render(<App api={api} />);
    const user = testUser();

    // getByRole is slow on a page of Ant Design; the fields are found by their form ids
    const byId = (id: string) => document.getElementById(id) as HTMLElement;
    const button = (text: string) => screen.getByText(text).closest("button") as HTMLButtonElement;

    // step 1: methodology (the only one), year and facility have defaults
    await waitFor(() => expect(byId("methodology")).toBeInTheDocument(), SLOW);
    fireEvent.mouseDown(byId("methodology"));
    await user.click(await screen.findByTitle("水泥指南 (cn-2013-cement@1)", undefined, SLOW));
    await waitFor(() => expect(button(zhCN["mrv.next"])).toBeEnabled(), SLOW);
    await user.click(button(zhCN["mrv.next"]));

    // step 2: a line with no fuel and a zero quantity is refused at the fields
    const line = await screen.findByTestId("line-0", undefined, SLOW);
    fireEvent.change(byId("activity_lines_0_quantity"), { target: { value: "0" } });
    await user.click(button(zhCN["mrv.calculate"]));
    expect(await within(line).findByText(zhCN["mrv.validation.positive"], undefined, SLOW)).toBeInTheDocument();
    expect(within(line).getByText(zhCN["validation.required"])).toBeInTheDocument();
    expect(posted).toEqual([]);

    // a measured NCV that is not a number is refused too
    await user.click(within(line).getByText(zhCN["mrv.form.measured"]));
    fireEvent.change(byId("activity_lines_0_parameters_ncv_value"), { target: { value: "2l.5" } });
    expect(await within(line).findByText(zhCN["mrv.validation.notNumber"], undefined, SLOW)).toBeInTheDocument();
    fireEvent.change(byId("activity_lines_0_parameters_ncv_value"), { target: { value: "21.5" } });

    fireEvent.mouseDown(byId("activity_lines_0_material"));
    await user.click(await screen.findByTitle(zhCN["mrv.fuel.bituminous_coal"], undefined, SLOW));
    fireEvent.change(byId("activity_lines_0_quantity"), { target: { value: "1,200" } });
    await user.click(button(zhCN["mrv.calculate"]));

    await waitFor(() => expect(posted).toHaveLength(1), SLOW);
    expect(posted[0]).toMatchObject({
      document: {
        enterprise: { name: "皖江水泥（演示）" },
        methodology: "cn-2013-cement@1",
        facilities: [
          { id: "facility-1", lines: [{ source: "fuel_combustion", fuel: "bituminous_coal", quantity: { value: "1200", unit: "t" }, parameters: { ncv: { value: "21.5", unit: "GJ/t" } } }] },
        ],
      },
    });
    // the server's problem sits at the quantity, the summary above the form
    expect(await within(line).findByText("服务器：数量超出范围", undefined, SLOW)).toBeInTheDocument();
    expect(screen.getByText(zhCN["error.calculation-failed"])).toBeInTheDocument();
  }, 240_000);
});

describe("the Excel error table", () => {
  it("shows each problem's sheet, row, column and hint", () => {
    const problems = workbookProblems({
      code: "workbook-invalid",
      errors: [{ field: "body:file", sheet: "fuel_combustion", row: 5, column: "F", message: "expected a number, got 'abc'", hint: "type a plain number" }],
    });
    render(
      <I18nProvider locale="zh-CN">
        <WorkbookProblems problems={problems} />
      </I18nProvider>,
    );
    const row = screen.getAllByRole("row")[1] as HTMLElement;
    expect(within(row).getByText("fuel_combustion")).toBeInTheDocument();
    expect(within(row).getByText("5")).toBeInTheDocument();
    expect(within(row).getByText("F")).toBeInTheDocument();
    expect(within(row).getByText("type a plain number")).toBeInTheDocument();
    expect(screen.getByText(zhCN["mrv.excel.problems"].replace("{n}", "1"))).toBeInTheDocument();
  });

  // an engine problem as the server sends it: its code, params and both languages' texts
  const ENGINE_PROBLEM = {
    code: "workbook-invalid",
    errors: [
      {
        field: "body:file",
        sheet: "fuel_combustion",
        row: 5,
        column: "F",
        type: "not-a-number",
        params: { value: "'abc'" },
        message: "expected a number, got 'abc'",
        message_zh: "应为数值，实际为 'abc'",
        hint: "type a plain number such as 1234.5",
        hint_zh: "请填写普通数字，例如 1234.5",
      },
    ],
  };

  it("shows an engine problem in Chinese to a Chinese user", () => {
    render(
      <I18nProvider locale="zh-CN">
        <WorkbookProblems problems={workbookProblems(ENGINE_PROBLEM)} />
      </I18nProvider>,
    );
    const row = screen.getAllByRole("row")[1] as HTMLElement;
    expect(within(row).getByText("应为数值，实际为 'abc'")).toBeInTheDocument();
    expect(within(row).getByText("请填写普通数字，例如 1234.5")).toBeInTheDocument();
    expect(within(row).queryByText(/expected a number/)).toBeNull();
  });

  it("shows it in English to an English user", () => {
    render(
      <I18nProvider locale="en-US">
        <WorkbookProblems problems={workbookProblems(ENGINE_PROBLEM)} />
      </I18nProvider>,
    );
    const row = screen.getAllByRole("row")[1] as HTMLElement;
    expect(within(row).getByText("expected a number, got 'abc'")).toBeInTheDocument();
    expect(within(row).getByText("type a plain number such as 1234.5")).toBeInTheDocument();
    expect(within(row).queryByText(/应为数值/)).toBeNull();
  });
});

describe("a calculation the engine refuses", () => {
  it("lists the engine's problems in the user's language under the problem", () => {
    const error = toApiError(422, {
      code: "calculation-failed",
      detail: "body:document.period.year: year 2300 is outside 1990-2100",
      field: "body:document.period.year",
      params: { count: 1 },
      errors: [
        {
          field: "body:document.period.year",
          type: "year-out-of-range",
          params: { year: 2300 },
          message: "year 2300 is outside 1990-2100",
          message_zh: "年份 2300 不在 1990–2100 之间",
        },
      ],
    });
    render(
      <I18nProvider locale="zh-CN">
        <ProblemAlert error={error} />
      </I18nProvider>,
    );
    expect(within(screen.getByTestId("engine-problems")).getByText("年份 2300 不在 1990–2100 之间")).toBeInTheDocument();
    expect(screen.queryByText(/is outside/)).toBeNull();
    const [m] = fieldMessages(error);
    const i18n = { tx: (_k: string, fallback: string) => fallback, fmt: formatters("zh-CN") };
    expect(fieldText(m!, { ...i18n, locale: "zh-CN" })).toBe("年份 2300 不在 1990–2100 之间");
    expect(fieldText(m!, { ...i18n, locale: "en-US" })).toBe("year 2300 is outside 1990-2100");
  });
});
