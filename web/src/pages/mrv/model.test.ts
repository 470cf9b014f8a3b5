import { describe, expect, it } from "vitest";
import {
  buildDocument,
  cleanNumber,
  formFieldOf,
  lineProblems,
  numberProblem,
  parameterUnits,
  parseTemplate,
  quantityUnits,
  readDocument,
  stageOf,
  workbookProblems,
  type MethodologyGuide,
} from "./model";

/** The shape of `GET /methodologies/cn-2013-cement@1/template.json`, cut down. */
const CEMENT_TEMPLATE = {
  schema: "carbonledger/activity-data@1",
  guide: {
    methodology: { id: "cn-2013-cement@1", options: { grid_region: "regional grid of purchased electricity" }, sources: null },
    sources: {
      fuel_combustion: {
        label_zh: "化石燃料燃烧",
        label_en: "fossil fuel combustion",
        formula: "E = FC × NCV × CC × OF × 44/12",
        parameters: [
          { name: "ncv", symbol: "NCV", unit: "GJ/t", label_en: "net calorific value", label_zh: "低位发热量", default: "fuel.{material}.ncv", required: false },
          { name: "carbon_content", symbol: "CC", unit: "tC/GJ", label_en: "carbon content", label_zh: "单位热值含碳量", default: "fuel.{material}.carbon_content", required: false },
          { name: "oxidation_rate", symbol: "OF", unit: "fraction", label_en: "oxidation rate", label_zh: "碳氧化率", default: "fuel.{material}.oxidation_rate", required: false },
        ],
      },
      clinker: {
        label_zh: "熟料",
        label_en: "clinker",
        formula: "E = Q × ...",
        parameters: [{ name: "cao", symbol: "CaO", unit: "fraction", label_en: "CaO", label_zh: "CaO", default: null, required: true }],
      },
      purchased_electricity: { label_zh: "净购入电力", label_en: "purchased electricity", formula: "E = AD × EF_grid", parameters: [] },
      production: { label_zh: "产量", label_en: "production", formula: "", parameters: [] },
    },
  },
  methodology: "cn-2013-cement@1",
  facilities: [
    {
      id: "facility-1",
      lines: [
        { id: "fuel_combustion-1", source: "fuel_combustion", fuel: null, quantity: { value: null, unit: "t" } },
        { id: "clinker-1", source: "clinker", quantity: { value: null, unit: "t" }, parameters: { cao: { value: null, unit: "fraction" } } },
        { id: "purchased_electricity-1", source: "purchased_electricity", quantity: { value: null, unit: "MWh" } },
        { id: "production-1", source: "production", product: null },
      ],
    },
  ],
};

const guide: MethodologyGuide = parseTemplate(CEMENT_TEMPLATE);
const source = (name: string) => guide.sources.find((s) => s.name === name)!;

describe("the methodology template", () => {
  it("yields each source's material key, quantity unit, parameters and the options", () => {
    expect(guide.id).toBe("cn-2013-cement@1");
    expect(source("fuel_combustion")).toMatchObject({ materialKey: "fuel", quantityUnit: "t" });
    expect(source("clinker")).toMatchObject({ materialKey: null, quantityUnit: "t" });
    expect(source("clinker").parameters[0]).toMatchObject({ name: "cao", required: true, unit: "fraction" });
    expect(source("production")).toMatchObject({ materialKey: "product", quantityUnit: null });
    expect(guide.options).toHaveProperty("grid_region");
  });
});

describe("unit choice", () => {
  it("offers fuels mass, gas volume and energy, the template's unit first", () => {
    const units = quantityUnits(source("fuel_combustion"));
    expect(units[0]).toBe("t");
    expect(units).toEqual(expect.arrayContaining(["kg", "万Nm3", "GJ", "tce"]));
  });

  it("keeps other sources to their own dimension", () => {
    const units = quantityUnits(source("purchased_electricity"));
    expect(units[0]).toBe("MWh");
    expect(units).toContain("kWh");
    expect(units).not.toContain("t");
    expect(quantityUnits(source("clinker"))).not.toContain("MWh");
    expect(quantityUnits(source("production"))).toEqual([]);
  });

  it("offers a per-mass parameter also per gas volume, and fractions as %", () => {
    expect(parameterUnits("GJ/t")).toEqual(expect.arrayContaining(["GJ/t", "GJ/kg", "GJ/万Nm3"]));
    expect(parameterUnits("tC/GJ")).toContain("tC/TJ");
    expect(parameterUnits("fraction")).toEqual(["fraction", "%"]);
  });
});

describe("activity line rules", () => {
  it("accepts numbers as people type them and refuses the rest", () => {
    expect(cleanNumber(" 1,200.5 ")).toBe("1200.5");
    expect(cleanNumber("１２００")).toBe("1200");
    expect(numberProblem("1200")).toBeNull();
    expect(numberProblem("")).toBe("validation.required");
    expect(numberProblem("", "t", false)).toBeNull();
    expect(numberProblem("12a")).toBe("mrv.validation.notNumber");
    expect(numberProblem("-5")).toBe("mrv.validation.notNumber");
    expect(numberProblem("0")).toBe("mrv.validation.positive");
    expect(numberProblem("0.000")).toBe("mrv.validation.positive");
    expect(numberProblem("1.2", "fraction")).toBe("mrv.validation.fraction");
    expect(numberProblem("98", "%")).toBeNull();
    expect(numberProblem("120", "%")).toBe("mrv.validation.percent");
  });

  it("requires the fuel, a positive quantity and a unit the methodology allows", () => {
    expect(lineProblems({ source: "fuel_combustion", material: "diesel", quantity: "120", unit: "t" }, guide)).toEqual([]);
    expect(lineProblems({ source: "fuel_combustion", quantity: "0", unit: "MWh/t" }, guide)).toEqual([
      { field: ["material"], message: "validation.required" },
      { field: ["quantity"], message: "mrv.validation.positive" },
      { field: ["unit"], message: "mrv.validation.unit" },
    ]);
    expect(lineProblems({ source: "purchased_electricity", quantity: "10", unit: "t" }, guide)).toEqual([
      { field: ["unit"], message: "mrv.validation.unit" },
    ]);
  });

  it("requires required parameters, checks optional ones only when given", () => {
    expect(lineProblems({ source: "clinker", quantity: "1000", unit: "t" }, guide)).toEqual([
      { field: ["parameters", "cao", "value"], message: "validation.required" },
    ]);
    expect(lineProblems({ source: "clinker", quantity: "1000", unit: "t", parameters: { cao: { value: "65.5", unit: "%" } } }, guide)).toEqual([]);
    expect(lineProblems({ source: "clinker", quantity: "1000", unit: "t", parameters: { cao: { value: "65.5", unit: "fraction" } } }, guide)).toEqual([
      { field: ["parameters", "cao", "value"], message: "mrv.validation.fraction" },
    ]);
    expect(
      lineProblems({ source: "fuel_combustion", material: "coke", quantity: "5", unit: "t", parameters: { ncv: { value: "abc", unit: "GJ/t" } } }, guide),
    ).toEqual([{ field: ["parameters", "ncv", "value"], message: "mrv.validation.notNumber" }]);
  });

  it("names an unknown or missing source", () => {
    expect(lineProblems({}, guide)).toEqual([{ field: ["source"], message: "validation.required" }]);
    expect(lineProblems({ source: "flaring" }, guide)).toEqual([{ field: ["source"], message: "mrv.validation.unknownSource" }]);
  });
});

describe("the activity-data document", () => {
  const setup = { methodology: "cn-2013-cement@1", year: 2041, facilityId: " kiln-1 ", facilityName: "1号窑", gridRegion: "华东" };
  const lines = [
    { source: "fuel_combustion", material: "bituminous_coal", quantity: "1,200", unit: "t", parameters: { ncv: { value: "21.5", unit: "GJ/t" }, carbon_content: { value: "", unit: "tC/GJ" } } },
    { source: "purchased_electricity", quantity: "500", unit: "MWh", parameters: {} },
  ];

  it("keeps numbers as exact strings, names the material by the source's key, drops blank parameters", () => {
    const doc = buildDocument(setup, lines, guide, "皖江水泥");
    expect(doc).toEqual({
      schema: "carbonledger/activity-data@1",
      enterprise: { name: "皖江水泥" },
      period: { year: 2041 },
      methodology: "cn-2013-cement@1",
      options: { grid_region: "华东" },
      facilities: [
        {
          id: "kiln-1",
          name: "1号窑",
          lines: [
            { id: "line-1", source: "fuel_combustion", fuel: "bituminous_coal", quantity: { value: "1200", unit: "t" }, parameters: { ncv: { value: "21.5", unit: "GJ/t" } } },
            { id: "line-2", source: "purchased_electricity", quantity: { value: "500", unit: "MWh" } },
          ],
        },
      ],
    });
  });

  it("reads a stored draft back into the wizard", () => {
    const back = readDocument(buildDocument(setup, lines, guide, "x"), guide);
    expect(back.setup).toEqual({ methodology: "cn-2013-cement@1", year: 2041, facilityId: "kiln-1", facilityName: "1号窑", gridRegion: "华东" });
    expect(back.lines[0]).toEqual({ source: "fuel_combustion", material: "bituminous_coal", quantity: "1200", unit: "t", parameters: { ncv: { value: "21.5", unit: "GJ/t" } } });
  });

  it("puts the server's document problems on the form field at fault", () => {
    expect(formFieldOf("body:document.facilities.0.lines.1.quantity", guide)).toEqual(["lines", 1, "quantity"]);
    expect(formFieldOf("body:document.facilities.0.lines.0.quantity.unit", guide)).toEqual(["lines", 0, "unit"]);
    expect(formFieldOf("body:document.facilities.0.lines.0.fuel", guide)).toEqual(["lines", 0, "material"]);
    expect(formFieldOf("body:document.facilities.0.lines.2.parameters.emission_factor", guide)).toEqual(["lines", 2, "parameters", "emission_factor", "value"]);
    expect(formFieldOf("body:document.period", guide)).toBeNull();
    expect(formFieldOf(undefined, guide)).toBeNull();
  });
});

describe("the Excel upload's problems", () => {
  it("lists workbook-invalid cells sorted by sheet, row and column", () => {
    const rows = workbookProblems({
      code: "workbook-invalid",
      errors: [
        { field: "body:file", sheet: "fuel_combustion", row: 6, column: "F", message: "not a number: 'abc'" },
        { field: "body:file", sheet: "fuel_combustion", row: 5, column: "AA", message: "unknown unit", hint: "one of t, kg" },
        { field: "body:file", sheet: "fuel_combustion", row: 5, column: "E", message: "unknown fuel" },
        { field: "body:file", sheet: "Submission", row: 8, column: "C", message: "year is required" },
        { field: "body:file", sheet: "fuel_combustion", row: 5, column: "BA", message: "b" },
        { field: "body:file", sheet: "fuel_combustion", row: 5, column: "AB", message: "a" },
      ],
    });
    expect(rows.map((r) => [r.sheet, r.row, r.column])).toEqual([
      ["fuel_combustion", 5, "E"],
      ["fuel_combustion", 5, "AA"],
      ["fuel_combustion", 5, "AB"],
      ["fuel_combustion", 5, "BA"],
      ["fuel_combustion", 6, "F"],
      ["Submission", 8, "C"],
    ]);
    expect(rows[1]).toMatchObject({ message: "unknown unit", hint: "one of t, kg", where: null });
  });

  it("shows a calculation problem by its place in the document", () => {
    const rows = workbookProblems({
      code: "calculation-failed",
      errors: [{ field: "body:document.facilities.0.lines.0.parameters.emission_factor", message: "no grid emission factor" }],
    });
    expect(rows).toEqual([
      { key: "0", sheet: null, row: null, column: null, where: "facilities.0.lines.0.parameters.emission_factor", message: "no grid emission factor", hint: null },
    ]);
  });

  it("has no rows for anything else", () => {
    expect(workbookProblems(null)).toEqual([]);
    expect(workbookProblems("Internal Server Error")).toEqual([]);
    expect(workbookProblems({ code: "file-too-large" })).toEqual([]);
  });
});

describe("the status timeline", () => {
  it("places each status, a rejection as a failed decision", () => {
    expect(stageOf("draft")).toEqual({ index: 1, failed: false });
    expect(stageOf("draft", true)).toEqual({ index: 2, failed: false });
    expect(stageOf("assigned")).toEqual({ index: 4, failed: false });
    expect(stageOf("rejected")).toEqual({ index: 4, failed: true });
    expect(stageOf("confirmed")).toEqual({ index: 6, failed: false });
  });
});
