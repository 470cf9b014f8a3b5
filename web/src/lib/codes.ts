/** Codes the platform stores; their names are in the dictionaries (`industry.*`, `region.*`). */

/** The industries of the bundled methodologies (accounting: `carbonledger methods`). */
export const INDUSTRIES = [
  "power",
  "grid",
  "steel",
  "chemicals",
  "aluminium",
  "magnesium",
  "glass",
  "cement",
  "ceramics",
  "aviation",
] as const;

/** ISO 3166-2:CN subdivisions. */
export const REGIONS = [
  "CN-BJ", "CN-TJ", "CN-HE", "CN-SX", "CN-NM", "CN-LN", "CN-JL", "CN-HL", "CN-SH", "CN-JS",
  "CN-ZJ", "CN-AH", "CN-FJ", "CN-JX", "CN-SD", "CN-HA", "CN-HB", "CN-HN", "CN-GD", "CN-GX",
  "CN-HI", "CN-CQ", "CN-SC", "CN-GZ", "CN-YN", "CN-XZ", "CN-SN", "CN-GS", "CN-QH", "CN-NX",
  "CN-XJ", "CN-TW", "CN-HK", "CN-MO",
] as const;
