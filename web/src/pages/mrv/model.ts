/**
 * The MRV screens' own logic, free of React: what a methodology's JSON template says about
 * its sources (units, parameters, material key), the wizard's activity-line rules, the
 * activity-data document the API calculates, the Excel upload's row-level problems, and
 * where a submission stands in its workflow.
 */
import type { MessageKey } from "../../i18n/zh-CN";

export const SCHEMA = "carbonledger/activity-data@1";

// -- a methodology's template ----------------------------------------------------------------
export interface ParameterGuide {
  name: string;
  symbol: string;
  unit: string;
  label_zh: string;
  label_en: string;
  default: string | null;
  required: boolean;
}

export interface SourceGuide {
  name: string;
  label_zh: string;
  label_en: string;
  formula: string;
  /** the key naming the line's fuel or material (`fuel`, `material`...), if the source has one */
  materialKey: string | null;
  /** the unit the template pre-fills for the quantity; null: the source takes no quantity */
  quantityUnit: string | null;
  parameters: ParameterGuide[];
}

export interface MethodologyGuide {
  id: string;
  sources: SourceGuide[];
  /** methodology options (`grid_region`...) and their description */
  options: Record<string, string>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A JSON scalar as text (numbers as written); `fallback` for anything else. */
export function text(v: unknown, fallback = ""): string {
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : fallback;
}

const LINE_KEYS = new Set(["id", "source", "quantity", "parameters", "period", "note"]);

/** Read `GET /methodologies/{id}/template.json` into what the form needs. */
export function parseTemplate(template: unknown): MethodologyGuide {
  if (!isRecord(template)) throw new Error("not a template");
  const guide = isRecord(template.guide) ? template.guide : {};
  const sourcesGuide = isRecord(guide.sources) ? guide.sources : {};
  const methodology = isRecord(guide.methodology) ? guide.methodology : {};
  const facilities = Array.isArray(template.facilities) ? template.facilities : [];
  const lines: Record<string, unknown>[] = [];
  for (const f of facilities) {
    if (isRecord(f) && Array.isArray(f.lines)) lines.push(...f.lines.filter(isRecord));
  }
  const sources: SourceGuide[] = Object.entries(sourcesGuide).map(([name, raw]) => {
    const g = isRecord(raw) ? raw : {};
    const line = lines.find((l) => l.source === name) ?? {};
    const materialKey = Object.keys(line).find((k) => !LINE_KEYS.has(k)) ?? null;
    const quantity = isRecord(line.quantity) ? line.quantity : null;
    return {
      name,
      label_zh: text(g.label_zh, name),
      label_en: text(g.label_en, name),
      formula: text(g.formula),
      materialKey,
      quantityUnit: quantity && typeof quantity.unit === "string" ? quantity.unit : null,
      parameters: (Array.isArray(g.parameters) ? g.parameters : []).filter(isRecord).map((p) => ({
        name: text(p.name),
        symbol: text(p.symbol, text(p.name)),
        unit: text(p.unit),
        label_zh: text(p.label_zh, text(p.name)),
        label_en: text(p.label_en, text(p.name)),
        default: typeof p.default === "string" ? p.default : null,
        required: p.required === true,
      })),
    };
  });
  const options: Record<string, string> = {};
  if (isRecord(methodology.options)) {
    for (const [k, v] of Object.entries(methodology.options)) options[k] = text(v);
  }
  return { id: text(template.methodology, text(methodology.id)), sources, options };
}

/** Sources the form can enter: those with a quantity (the others go through Excel or JSON). */
export function formSources(guide: MethodologyGuide): SourceGuide[] {
  return guide.sources.filter((s) => s.quantityUnit !== null);
}

// -- units ----------------------------------------------------------------------------------
const MASS = ["t", "kg", "kt", "万t"];
const VOLUME = ["Nm3", "万Nm3", "亿Nm3"];
const ENERGY = ["GJ", "MJ", "TJ", "MWh", "kWh", "万kWh", "GWh", "tce"];
const CARBON = ["tC", "kgC"];
const FRACTION = ["fraction", "%"];
const GASES = ["CO2", "CO2e", "CH4", "N2O", "SF6", "CF4", "C2F6", "NF3", "HFC"];

const DIMENSIONS: string[][] = [MASS, VOLUME, ENERGY, CARBON, FRACTION, ...GASES.map((g) => [`t${g}`, `kg${g}`])];

/** The units of the same dimension as `unit` (the unit itself first); `[unit]` when unknown. */
export function sameDimension(unit: string): string[] {
  const group = DIMENSIONS.find((d) => d.includes(unit));
  return group ? [unit, ...group.filter((u) => u !== unit)] : [unit];
}

/** Fuels are measured by mass, gas volume or energy; fuel-burning sources accept all three. */
const ANY_ACTIVITY = new Set(["fuel_combustion", "stationary_combustion"]);

/** The quantity units the form offers for a source. */
export function quantityUnits(source: SourceGuide): string[] {
  if (source.quantityUnit === null) return [];
  if (ANY_ACTIVITY.has(source.name)) {
    const all = [...MASS, ...VOLUME, ...ENERGY];
    return [source.quantityUnit, ...all.filter((u) => u !== source.quantityUnit)];
  }
  return sameDimension(source.quantityUnit);
}

/** The units offered for a measured parameter: `GJ/t` also as `GJ/万Nm3` (gaseous fuels)... */
export function parameterUnits(unit: string): string[] {
  const slash = unit.indexOf("/");
  if (slash === -1) return sameDimension(unit);
  const top = unit.slice(0, slash);
  const bottom = unit.slice(slash + 1);
  const bottoms = sameDimension(bottom);
  if (MASS.includes(bottom)) bottoms.push(...VOLUME);
  const tops = top === "tC" ? ["tC"] : [top];
  const out = [unit];
  for (const t of tops) for (const b of bottoms) if (!out.includes(`${t}/${b}`)) out.push(`${t}/${b}`);
  if (unit === "tC/GJ") out.push("tC/TJ");
  return out;
}

// -- activity lines ---------------------------------------------------------------------------
export interface MeasuredInput {
  value?: string;
  unit?: string;
}

export interface LineInput {
  source?: string;
  material?: string;
  quantity?: string;
  unit?: string;
  parameters?: Record<string, MeasuredInput | undefined>;
}

export type NumberProblem = "validation.required" | "mrv.validation.notNumber" | "mrv.validation.positive" | "mrv.validation.fraction" | "mrv.validation.percent";

const DECIMAL = /^\d+(\.\d+)?$/;

/** Normalise what a person types: spaces and thousands separators go, full-width digits become ASCII. */
export function cleanNumber(text: string | undefined): string {
  return (text ?? "")
    .replace(/[０-９．]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s,，]/g, "");
}

/**
 * The problem with a number field, or null. Quantities must be > 0; a fraction lies in
 * (0, 1], a percentage in (0, 100].
 */
export function numberProblem(text: string | undefined, unit?: string, required = true): NumberProblem | null {
  const v = cleanNumber(text);
  if (v === "") return required ? "validation.required" : null;
  if (!DECIMAL.test(v)) return "mrv.validation.notNumber";
  const n = Number(v);
  if (!(n > 0)) return "mrv.validation.positive";
  if (unit === "fraction" && n > 1) return "mrv.validation.fraction";
  if (unit === "%" && n > 100) return "mrv.validation.percent";
  return null;
}

export interface LineProblem {
  /** the field inside the line: `["quantity"]`, `["parameters", "ncv", "value"]` */
  field: (string | number)[];
  message: MessageKey;
}

/** Every problem of one activity line against its methodology (empty: the line is fine). */
export function lineProblems(line: LineInput, guide: MethodologyGuide): LineProblem[] {
  const out: LineProblem[] = [];
  const source = guide.sources.find((s) => s.name === line.source);
  if (!source) {
    out.push({ field: ["source"], message: line.source ? "mrv.validation.unknownSource" : "validation.required" });
    return out;
  }
  if (source.materialKey && !line.material?.trim()) out.push({ field: ["material"], message: "validation.required" });
  const q = numberProblem(line.quantity);
  if (q) out.push({ field: ["quantity"], message: q });
  if (!line.unit) out.push({ field: ["unit"], message: "validation.required" });
  else if (!quantityUnits(source).includes(line.unit)) out.push({ field: ["unit"], message: "mrv.validation.unit" });
  for (const p of source.parameters) {
    const given = line.parameters?.[p.name];
    const unit = given?.unit ?? p.unit;
    const problem = numberProblem(given?.value, unit, p.required);
    if (problem) out.push({ field: ["parameters", p.name, "value"], message: problem });
    if (cleanNumber(given?.value) !== "" && !parameterUnits(p.unit).includes(unit)) {
      out.push({ field: ["parameters", p.name, "unit"], message: "mrv.validation.unit" });
    }
  }
  return out;
}

// -- the document -----------------------------------------------------------------------------
export interface ReportSetup {
  methodology: string;
  year: number;
  facilityId: string;
  facilityName?: string;
  gridRegion?: string;
}

export type ActivityDocument = Record<string, unknown>;

/** The `activity-data@1` document of the wizard's entries (numbers stay exact strings). */
export function buildDocument(setup: ReportSetup, lines: LineInput[], guide: MethodologyGuide, enterpriseName: string): ActivityDocument {
  const out = lines.map((line, i) => {
    const source = guide.sources.find((s) => s.name === line.source);
    const doc: Record<string, unknown> = { id: `line-${i + 1}`, source: line.source };
    if (source?.materialKey) doc[source.materialKey] = line.material?.trim();
    doc.quantity = { value: cleanNumber(line.quantity), unit: line.unit };
    const parameters: Record<string, unknown> = {};
    for (const p of source?.parameters ?? []) {
      const given = line.parameters?.[p.name];
      const value = cleanNumber(given?.value);
      if (value !== "") parameters[p.name] = { value, unit: given?.unit ?? p.unit };
    }
    if (Object.keys(parameters).length) doc.parameters = parameters;
    return doc;
  });
  const options: Record<string, string> = {};
  if (setup.gridRegion && "grid_region" in guide.options) options.grid_region = setup.gridRegion;
  const facility: Record<string, unknown> = { id: setup.facilityId.trim(), lines: out };
  if (setup.facilityName?.trim()) facility.name = setup.facilityName.trim();
  return {
    schema: SCHEMA,
    enterprise: { name: enterpriseName },
    period: { year: setup.year },
    methodology: setup.methodology,
    options,
    facilities: [facility],
  };
}

/** The wizard's entries back from a stored document (to edit a draft); lines of other facilities are kept apart. */
export function readDocument(doc: ActivityDocument, guide: MethodologyGuide): { setup: Partial<ReportSetup>; lines: LineInput[] } {
  const facilities = Array.isArray(doc.facilities) ? doc.facilities.filter(isRecord) : [];
  const first = facilities[0] ?? {};
  const period = isRecord(doc.period) ? doc.period : {};
  const options = isRecord(doc.options) ? doc.options : {};
  const lines: LineInput[] = (Array.isArray(first.lines) ? first.lines.filter(isRecord) : []).map((l) => {
    const source = guide.sources.find((s) => s.name === l.source);
    const quantity = isRecord(l.quantity) ? l.quantity : {};
    const parameters: Record<string, MeasuredInput> = {};
    if (isRecord(l.parameters)) {
      for (const [k, v] of Object.entries(l.parameters)) {
        if (isRecord(v)) parameters[k] = { value: text(v.value) || undefined, unit: typeof v.unit === "string" ? v.unit : undefined };
      }
    }
    return {
      source: typeof l.source === "string" ? l.source : undefined,
      material: source?.materialKey && typeof l[source.materialKey] === "string" ? String(l[source.materialKey]) : undefined,
      quantity: text(quantity.value) || undefined,
      unit: typeof quantity.unit === "string" ? quantity.unit : undefined,
      parameters,
    };
  });
  return {
    setup: {
      methodology: typeof doc.methodology === "string" ? doc.methodology : undefined,
      year: typeof period.year === "number" ? period.year : undefined,
      facilityId: typeof first.id === "string" ? first.id : undefined,
      facilityName: typeof first.name === "string" ? first.name : undefined,
      gridRegion: typeof options.grid_region === "string" ? options.grid_region : undefined,
    },
    lines,
  };
}

// -- the Excel upload's problems --------------------------------------------------------------
export interface WorkbookProblem {
  key: string;
  sheet: string | null;
  row: number | null;
  column: string | null;
  /** where, for problems without a cell (a JSON path) */
  where: string | null;
  message: string;
  hint: string | null;
  /** the message and hint in Chinese (the server sends both languages) */
  message_zh?: string;
  hint_zh?: string | null;
}

/**
 * The rows of the error table from a 422 answer to an Excel upload: `workbook-invalid`
 * names sheet, row and column; `calculation-failed` names a document path. Sorted by sheet,
 * row, column.
 */
export function workbookProblems(body: unknown): WorkbookProblem[] {
  if (!isRecord(body) || !Array.isArray(body.errors)) return [];
  const rows = body.errors.filter(isRecord).map((e, i) => {
    const field = typeof e.field === "string" ? e.field : "";
    const inDocument = field.startsWith("body:document");
    return {
      key: String(i),
      sheet: typeof e.sheet === "string" && e.sheet ? e.sheet : null,
      row: typeof e.row === "number" ? e.row : null,
      column: typeof e.column === "string" && e.column ? e.column : null,
      where: inDocument ? field.slice("body:document".length).replace(/^\./, "") || null : null,
      message: typeof e.message === "string" ? e.message : "",
      hint: typeof e.hint === "string" && e.hint ? e.hint : null,
      ...(typeof e.message_zh === "string" && e.message_zh ? { message_zh: e.message_zh } : {}),
      ...(typeof e.hint_zh === "string" && e.hint_zh ? { hint_zh: e.hint_zh } : {}),
    };
  });
  // spreadsheet columns count in base 26: A..Z, AA..AZ, BA...
  const columnOrder = (c: string | null) => (c ? [...c.toUpperCase()].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) : -1);
  return rows.sort(
    (a, b) =>
      (a.sheet ?? "").localeCompare(b.sheet ?? "") || (a.row ?? 0) - (b.row ?? 0) || columnOrder(a.column) - columnOrder(b.column),
  );
}

// -- the workflow -----------------------------------------------------------------------------
export type Status = "draft" | "submitted" | "assigned" | "verified" | "rejected" | "confirmed" | "superseded";

export const STAGES = ["draft", "calculated", "submitted", "assigned", "decided", "confirmed"] as const;
export type Stage = (typeof STAGES)[number];

/** Where a submission stands on the status timeline (a stored draft is always calculated). */
export function stageOf(status: Status, hasEvidence = false): { index: number; failed: boolean } {
  switch (status) {
    case "draft":
      return { index: hasEvidence ? 2 : 1, failed: false };
    case "submitted":
      return { index: 3, failed: false };
    case "assigned":
      return { index: 4, failed: false };
    case "verified":
      return { index: 5, failed: false };
    case "rejected":
      return { index: 4, failed: true };
    case "confirmed":
    case "superseded":
      return { index: 6, failed: false };
  }
}

/** Statuses whose report is on chain. */
export function onChain(status: Status): boolean {
  return status !== "draft";
}

export const GRID_REGIONS = ["华北", "东北", "华东", "华中", "西北", "南方"] as const;

/** Fuels of the common NDRC 2013 fuel table (names in the dictionaries: `mrv.fuel.<key>`). */
export const FUELS = [
  "anthracite",
  "bituminous_coal",
  "lignite",
  "cleaned_coal",
  "other_washed_coal",
  "other_coal_products",
  "coke",
  "crude_oil",
  "fuel_oil",
  "gasoline",
  "diesel",
  "kerosene",
  "lpg",
  "lng",
  "refinery_dry_gas",
  "tar",
  "crude_benzene",
  "natural_gas",
  "coke_oven_gas",
  "blast_furnace_gas",
  "converter_gas",
  "other_gas",
] as const;

/** A short form of a long hash for tables (the whole one goes in a tooltip). */
export function shortHash(hash: string | null | undefined, keep = 10): string {
  if (!hash) return "—";
  const body = hash.replace(/^sha256:/, "");
  return body.length <= keep * 2 ? body : `${body.slice(0, keep)}…${body.slice(-6)}`;
}

/** Decimal strings shown at a given precision without passing through a long binary float first. */
export function decimalNumber(text: string | null | undefined): number {
  if (!text) return 0;
  const n = Number(text);
  return Number.isFinite(n) ? n : 0;
}

/**
 * The wizard's form field for a problem the server names in the document
 * (`body:document.facilities.0.lines.2.parameters.ncv` → `["lines", 2, "parameters", "ncv", "value"]`);
 * null when the problem is not about a line of the first facility.
 */
export function formFieldOf(field: string | null | undefined, guide: MethodologyGuide): (string | number)[] | null {
  if (!field) return null;
  const m = /^body:document\.facilities\.0\.lines\.(\d+)(?:\.(.+))?$/.exec(field);
  if (!m) return null;
  const index = Number(m[1]);
  const rest = (m[2] ?? "").split(".").filter(Boolean);
  const materialKeys = new Set(guide.sources.map((s) => s.materialKey).filter((k): k is string => k !== null));
  if (rest.length === 0) return ["lines", index, "quantity"];
  const [head, name] = rest;
  if (head === "quantity") return ["lines", index, rest[1] === "unit" ? "unit" : "quantity"];
  if (head === "source") return ["lines", index, "source"];
  if (head === "parameters" && name) return ["lines", index, "parameters", name, rest[2] === "unit" ? "unit" : "value"];
  if (head && materialKeys.has(head)) return ["lines", index, "material"];
  return ["lines", index, "quantity"];
}
