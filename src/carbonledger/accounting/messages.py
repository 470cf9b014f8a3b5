"""The accounting engine's problem codes, each with its English and Chinese sentence.

Every problem the engine reports (:class:`carbonledger.accounting.errors.Problem`) names a
code of :data:`MESSAGES` and the values its sentence states (``params``); a hint names a
code of :data:`HINTS`. The texts are templates with ``{param}`` placeholders:

* the English and the Chinese template of a code use the same placeholders, except that
  the Chinese one writes ``{x_zh}`` where the caller passes the Chinese of ``x`` too (a
  label from the methodology's tables: ``label`` / ``label_zh``);
* a ``field`` or ``instead`` param names a field in English (``"line id"``); its Chinese is
  looked up in :data:`NAMES` when the Chinese text is made.

``tests/accounting/test_messages.py`` reads the engine's source and checks that every
problem names a code registered here with the params its templates declare.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Text:
    en: str
    zh: str
    #: the params the templates state (``x_zh`` ones: the Chinese of ``x``, passed too)
    params: tuple[str, ...] = ()


def _t(en: str, zh: str, *params: str) -> Text:
    return Text(en, zh, params)


#: code → the problem's sentence
MESSAGES: dict[str, Text] = {
    # -- the document's structure --------------------------------------------------------
    "invalid-json": _t(
        "not valid JSON: {error} at line {line}, column {column}",
        "不是有效的 JSON：第 {line} 行第 {column} 列有误（{error}）",
        "error",
        "line",
        "column",
    ),
    "not-an-object": _t("{field} must be an object", "{field}必须是一个 JSON 对象", "field"),
    "unexpected-keys": _t("unexpected keys {keys}", "存在无法识别的字段 {keys}", "keys"),
    "required": _t("{field} is required", "缺少{field}", "field"),
    "empty": _t("{field} must not be empty", "{field}不能为空", "field"),
    "not-text": _t(
        "{field} must be text, got {value}", "{field}应为文本，实际为 {value}", "field", "value"
    ),
    "bad-identifier": _t(
        "{field} {value} may contain only letters, digits, '-', '_' and '.'",
        "{field} {value} 只能包含字母、数字以及“-”“_”“.”",
        "field",
        "value",
    ),
    "duplicate": _t("duplicate {field} {value}", "{field} {value} 重复", "field", "value"),
    "none-given": _t("at least one {field} is required", "至少需要填写一个{field}", "field"),
    "unknown-value": _t("unknown {field} {value}", "无法识别的{field} {value}", "field", "value"),
    "several-materials": _t(
        "a line names one material, got {keys}",
        "一个排放行只能填写一种物料，实际填写了 {keys}",
        "keys",
    ),
    "only-for-method": _t(
        "{field} applies only to method {method}",
        "{field}仅适用于 {method} 分配方法",
        "field",
        "method",
    ),
    # -- numbers and units ---------------------------------------------------------------
    "not-a-number": _t("expected a number, got {value}", "应为数值，实际为 {value}", "value"),
    "binary-float": _t(
        "got the binary float {value}; write numbers as JSON numbers parsed as decimals, "
        "or as strings",
        "收到二进制浮点数 {value}；请将数值写成按十进制解析的 JSON 数字或字符串",
        "value",
    ),
    "number-is-date": _t("expected a number, got a date or time", "应为数值，实际为日期或时间"),
    "not-whole": _t(
        "{field} must be a whole number, got {value}",
        "{field}必须是整数，实际为 {value}",
        "field",
        "value",
    ),
    "negative": _t(
        "{field} must not be negative, got {value}",
        "{field}不能为负数，实际为 {value}",
        "field",
        "value",
    ),
    "not-positive": _t("{field} must be positive", "{field}必须大于零", "field"),
    "above-one": _t(
        "{field} is at most 1, got {value}", "{field}不能大于 1，实际为 {value}", "field", "value"
    ),
    "not-below-one": _t(
        "{field} must be below 1, got {value}",
        "{field}必须小于 1，实际为 {value}",
        "field",
        "value",
    ),
    "below-minimum": _t(
        "{label} must be at least {limit} {unit}, got {value}",
        "{label_zh}不能小于 {limit} {unit}，实际为 {value}",
        "label",
        "label_zh",
        "limit",
        "unit",
        "value",
    ),
    "above-maximum": _t(
        "{label} must be at most {limit} {unit}, got {value}",
        "{label_zh}不能大于 {limit} {unit}，实际为 {value}",
        "label",
        "label_zh",
        "limit",
        "unit",
        "value",
    ),
    "unit-incompatible": _t(
        "cannot convert {unit} ({dimension}) to {to_unit} ({to_dimension})",
        "单位 {unit}（{dimension_zh}）无法换算为 {to_unit}（{to_dimension_zh}）",
        "unit",
        "dimension",
        "dimension_zh",
        "to_unit",
        "to_dimension",
        "to_dimension_zh",
    ),
    "unit-wrong-dimension": _t(
        "unit {unit} cannot measure this quantity, which is in {expected}",
        "单位 {unit} 不适用于此数据，此数据的单位应为 {expected}",
        "unit",
        "expected",
    ),
    "percentage-format-unit": _t(
        "the cell is formatted as a percentage but its unit is {unit}",
        "单元格设置为百分比格式，但其单位为 {unit}",
        "unit",
    ),
    # -- the reporting period ------------------------------------------------------------
    "year-not-whole": _t("year must be a whole number such as 2024", "年份必须是整数，例如 2024"),
    "year-out-of-range": _t(
        "year {year} is outside 1990-2100", "年份 {year} 不在 1990–2100 之间", "year"
    ),
    "not-a-date": _t(
        "expected a date YYYY-MM-DD, got {value}",
        "应为 YYYY-MM-DD 格式的日期，实际为 {value}",
        "value",
    ),
    "period-dates-invalid": _t(
        "start and end must be dates YYYY-MM-DD, or give year",
        "报告期的起止日期必须是 YYYY-MM-DD 格式的日期，或填写年份",
    ),
    "end-before-start": _t("end is before start", "报告期结束日期早于开始日期"),
    "period-spans-years": _t(
        "a reporting period lies within one calendar year", "报告期必须在同一个自然年内"
    ),
    "period-year-and-dates": _t(
        "give the reporting year, or start and end dates, not both",
        "请填写报告年份或起止日期，二者只填其一",
    ),
    # -- methodology, options, sources ---------------------------------------------------
    "factor-set-not-allowed": _t(
        "factor set {factor_set} cannot be used with {methodology}",
        "排放因子集 {factor_set} 不能用于 {methodology}",
        "factor_set",
        "methodology",
    ),
    "gwp-fixed": _t(
        "{methodology} fixes the GWP set to {gwp}",
        "{methodology} 规定使用 {gwp} 全球变暖潜势（GWP）值",
        "methodology",
        "gwp",
    ),
    "source-takes-no": _t(
        "source {source} takes no {field}",
        "排放源 {source} 不需要填写{field}",
        "source",
        "field",
    ),
    "quantity-required": _t(
        "quantity is required ({label}, in {unit} or a convertible unit)",
        "缺少活动数据（{label_zh}，单位为 {unit} 或可换算的单位）",
        "label",
        "label_zh",
        "unit",
    ),
    "parameter-required": _t(
        "{label} is required for this line",
        "此排放行缺少{label_zh}",
        "label",
        "label_zh",
    ),
    "measurement-required": _t(
        "the guideline requires a measured {label} for {material}",
        "核算指南要求{material}使用实测的{label_zh}",
        "label",
        "label_zh",
        "material",
    ),
    "coal-only": _t(
        "{parameter} applies to coal only", "参数 {parameter} 仅适用于燃煤", "parameter"
    ),
    "no-default-factor": _t(
        "no default {gas} factor for {material} ({sector})",
        "{material}（{sector}）没有 {gas} 的缺省排放因子",
        "gas",
        "material",
        "sector",
    ),
    "no-grid-factor": _t(
        "no grid emission factor for this submission", "找不到适用于本次填报的电网排放因子"
    ),
    "no-electricity-factor-for": _t(
        "no electricity factor for {region} {year}",
        "没有 {region} {year} 年的电力排放因子",
        "region",
        "year",
    ),
    "noncarbonate-exceeds-total": _t(
        "non-carbonate oxide exceeds the total oxide", "非碳酸盐形式的氧化物含量超过了氧化物总含量"
    ),
    "recovered-exceeds-capacity": _t(
        "recovered ({recovered} kg) exceeds the capacity ({capacity} kg)",
        "回收量（{recovered} kg）超过了设备容量（{capacity} kg）",
        "recovered",
        "capacity",
    ),
    "transmission-loss-negative": _t(
        "supplied + imported − exported − sold is negative ({loss} MWh)",
        "供电量 + 输入电量 − 输出电量 − 售电量为负数（{loss} MWh）",
        "loss",
    ),
    # -- workbooks -----------------------------------------------------------------------
    "not-a-workbook": _t(
        "the file is not an .xlsx workbook (not a zip archive, or a damaged one)",
        "该文件不是 .xlsx 工作簿（不是 zip 压缩包，或文件已损坏）",
    ),
    "workbook-unreadable": _t(
        "the .xlsx workbook cannot be read: {error}", "无法读取该 .xlsx 工作簿：{error}", "error"
    ),
    "file-unreadable": _t(
        "cannot read {path}: {error}", "无法读取文件 {path}：{error}", "path", "error"
    ),
    "sheet-missing": _t("the workbook has no sheet {sheet}", "工作簿中缺少工作表 {sheet}", "sheet"),
    "unexpected-sheet": _t(
        "unexpected sheet {sheet} for {methodology}",
        "工作表 {sheet} 不属于 {methodology} 的模板",
        "sheet",
        "methodology",
    ),
    "field-row-missing": _t("the row for {key} is missing", "缺少字段 {key} 所在的行", "key"),
    "column-missing": _t(
        "column {key} ({label}) is missing",
        "缺少列 {key}（{label_zh}）",
        "key",
        "label",
        "label_zh",
    ),
    "value-without-column-key": _t(
        "a value in a column without a key in row {row} is not read",
        "该列第 {row} 行没有列代码，此处填写的数值不会被读取",
        "row",
    ),
    "excel-error-value": _t(
        "the cell shows the Excel error {value}", "单元格显示 Excel 错误值 {value}", "value"
    ),
    "formula-without-result": _t(
        "the cell has a formula without a saved result", "单元格中的公式没有保存计算结果"
    ),
    "option-not-text-or-number": _t(
        "an option is text or a number, got {value}",
        "选项应为文本或数值，实际为 {value}",
        "value",
    ),
    "workbook-without-lines": _t(
        "no activity lines: fill at least one row on a source sheet",
        "没有活动数据：请在排放源工作表中至少填写一行",
    ),
    "seq-partly-filled": _t(
        "seq is filled in other rows: fill it in every row or in none",
        "其他行填写了序号（seq）：请在所有行都填写，或都不填写",
    ),
    "seq-used-twice": _t(
        "seq {seq} is also used at {other}", "序号 {seq} 已在 {other} 使用", "seq", "other"
    ),
    "facility-named-twice": _t(
        "facility {facility} is named {name} at {other}, here {here}",
        "设施 {facility} 在 {other} 的名称为 {name}，此处为 {here}",
        "facility",
        "name",
        "other",
        "here",
    ),
    # -- allowance allocation ------------------------------------------------------------
    "unknown-correction-factor": _t(
        "{name} is not a correction factor of the {plan} plan",
        "{name} 不是 {plan_zh}配额分配方案中的修正系数",
        "name",
        "plan",
        "plan_zh",
    ),
    "correction-factor-required": _t(
        "the {label} {symbol} is required for {plan}",
        "{plan_zh}配额分配需要填写{label_zh} {symbol}",
        "label",
        "label_zh",
        "symbol",
        "plan",
        "plan_zh",
    ),
    "base-year-not-before": _t(
        "base year {base_year} must precede the year {year}",
        "基准年 {base_year} 必须早于分配年份 {year}",
        "base_year",
        "year",
    ),
    "wrong-output-field": _t(
        "the {period} plan allocates on {field}, not {instead}",
        "{period} 年度配额分配方案按{field}分配，而不是{instead}",
        "period",
        "field",
        "instead",
    ),
    "wrong-base-year": _t(
        "the {period} pre-allocation uses {base_year} output, not {year}",
        "{period} 年度预分配使用 {base_year} 年的产出，而不是 {year} 年",
        "period",
        "base_year",
        "year",
    ),
    "rule-not-read": _t(
        "the {period} {field} was not read into carbonledger",
        "碳账本尚未收录 {period} 年度的{field}",
        "period",
        "field",
    ),
    "benchmarks-not-a-list": _t(
        "benchmarks must be a list of {{category, kind, value, unit, source}}",
        "基准值（benchmarks）必须是由 {{category, kind, value, unit, source}} 对象组成的列表",
    ),
    "no-allocation-period": _t(
        "no national ETS power allocation period covers {year}",
        "全国碳市场发电行业配额分配方案中没有覆盖 {year} 年的履约周期",
        "year",
    ),
    "benchmark-set-without-period": _t(
        "{benchmark_set} has no benchmarks for {period}",
        "基准值集 {benchmark_set} 中没有 {period} 年度的基准值",
        "benchmark_set",
        "period",
    ),
    "no-verified-benchmark": _t(
        "no verified {kind} benchmark for {category} in {period}: the value was not read "
        "into carbonledger",
        "{period} 年度没有经核实的 {category} {kind} 基准值：碳账本尚未收录该数值",
        "kind",
        "category",
        "period",
    ),
}

#: hint code → what to do
HINTS: dict[str, Text] = {
    "allowed": _t("allowed: {allowed}", "可用的字段：{allowed}", "allowed"),
    "allowed-for-method": _t(
        "method {method} allows: {allowed}",
        "{method} 方法可用的字段：{allowed}",
        "method",
        "allowed",
    ),
    "one-of": _t("one of: {choices}", "可选值：{choices}", "choices"),
    "one-of-or-measured": _t(
        "one of: {choices}; or supply measured {parameters}",
        "可选值：{choices}；或填写实测的 {parameters}",
        "choices",
        "parameters",
    ),
    "expected": _t("expected {expected}", "应为 {expected}", "expected"),
    "alternatives": _t(
        "alternatives: {alternatives}", "可选的排放因子集：{alternatives}", "alternatives"
    ),
    "quantity-keys": _t("a quantity has value and unit", "数量只包含 value（数值）和 unit（单位）"),
    "line-keys": _t(
        "a line has {line_keys} and one of {material_keys}",
        "排放行包含 {line_keys}，以及 {material_keys} 之一",
        "line_keys",
        "material_keys",
    ),
    "write-quantity": _t(
        'write {{"value": ..., "unit": "{unit}"}}',
        '请写成 {{"value": ..., "unit": "{unit}"}}',
        "unit",
    ),
    "write-period": _t(
        'write {{"year": 2024}} or {{"start": ..., "end": ...}}',
        '请写成 {{"year": 2024}} 或 {{"start": ..., "end": ...}}',
    ),
    "write-enterprise": _t('write {{"name": "..."}}', '请写成 {{"name": "..."}}'),
    "write-corrections": _t('such as {{"cooling": 1.0}}', '例如 {{"cooling": 1.0}}'),
    "write-history": _t('[{{"year": ..., ...}}]', '请写成 [{{"year": ..., ...}}]'),
    "give-parameter": _t(
        'give parameters.{parameter} as {{"value": ..., "unit": "{unit}"}}',
        '请填写 parameters.{parameter}，格式为 {{"value": ..., "unit": "{unit}"}}',
        "parameter",
        "unit",
    ),
    "give-parameter-in": _t(
        "give parameters.{parameter} in {unit}",
        "请填写 parameters.{parameter}，单位为 {unit}",
        "parameter",
        "unit",
    ),
    "is-in-unit": _t(
        "{label} is in {expected}", "{label_zh}的单位为 {expected}", "label", "label_zh", "expected"
    ),
    "field-in-unit": _t(
        "{field} is in {expected}", "{field}的单位为 {expected}", "field", "expected"
    ),
    "dimensionless": _t("{field} is dimensionless", "{field}是无量纲数", "field"),
    "deductions": _t(
        "deductions have their own sources (exported_electricity, co2_recovered...)",
        "扣减量请填写在对应的排放源中，如 exported_electricity、co2_recovered 等",
    ),
    "use-unit": _t(
        "use {expected} or a unit convertible to it",
        "请使用 {expected} 或可换算为它的单位",
        "expected",
    ),
    "compound-unit": _t("write compound units as 'a/b'", "复合单位请写成“a/b”的形式"),
    "choose-unit": _t("choose a unit from the list", "请从下拉列表中选择单位"),
    "plain-number": _t("type a plain number such as 1234.5", "请填写普通数字，例如 1234.5"),
    "format-as-number": _t("format the cell as a number", "请将单元格设置为数值格式"),
    "format-as-date": _t(
        "format the cell as a date, or write the date as text YYYY-MM-DD",
        "请将单元格设置为日期格式，或以文本形式填写 YYYY-MM-DD",
    ),
    "percentage-format": _t(
        "remove the percentage format, or set the unit to %",
        "请取消百分比格式，或将单位设为 %",
    ),
    "fix-formula": _t("correct the formula or type the value", "请修正公式或直接填写数值"),
    "save-in-excel": _t(
        "open and save the file in Excel so the result is stored, or type the value",
        "请用 Excel 打开并保存文件以保存计算结果，或直接填写数值",
    ),
    "save-as-xlsx": _t(
        "save it from Excel as 'Excel Workbook (.xlsx)'",
        "请在 Excel 中另存为“Excel 工作簿 (.xlsx)”",
    ),
    "use-template": _t(
        "sheets: {sheets}; fill a template made with `carbonledger calc --template`",
        "现有工作表：{sheets}；请填写由 `carbonledger calc --template` 生成的模板",
        "sheets",
    ),
    "regenerate-template": _t(
        "{methodology} needs it for {label}; regenerate the template and copy the data into it",
        "{methodology} 需要用它填写{label_zh}；请重新生成模板并将数据复制进去",
        "methodology",
        "label",
        "label_zh",
    ),
    "template-sheets": _t(
        "the template's source sheets are {sheets}; move the data there and delete this sheet",
        "模板的排放源工作表为 {sheets}；请将数据移至其中并删除此工作表",
        "sheets",
    ),
    "field-keys": _t(
        "column A holds the template's field keys; do not edit them",
        "A 列为模板的字段代码，请勿修改",
    ),
    "field-keys-regenerate": _t(
        "column A holds the template's field keys; regenerate the template",
        "A 列为模板的字段代码，请重新生成模板",
    ),
    "column-keys": _t(
        "row {row} holds the template's column keys: {keys}; do not rename them",
        "第 {row} 行为模板的列代码：{keys}；请勿修改",
        "row",
        "keys",
    ),
    "column-keys-regenerate": _t(
        "row {row} holds the template's column keys; do not rename or delete them "
        "(regenerate the template if needed)",
        "第 {row} 行为模板的列代码，请勿修改或删除（必要时请重新生成模板）",
        "row",
    ),
    "move-value": _t("move it to the right column or delete it", "请将其移到正确的列，或删除"),
    "give-period": _t(
        "give period.year, or period.start and period.end",
        "请填写 period.year，或 period.start 和 period.end",
    ),
    "one-facility-name": _t(
        "give a facility one name, or give the lines different facility ids",
        "同一设施只能有一个名称，否则请为这些行填写不同的设施编号",
    ),
    "grid-factor-guide": _t(
        "the methodology guide says which grid factor applies (a region option, or the "
        "reporting year); or give parameters.emission_factor in tCO2/MWh",
        "核算方法说明中写明了适用的电网排放因子（按区域选项或报告年份）；"
        "或填写 parameters.emission_factor，单位为 tCO2/MWh",
    ),
    "grid-region-or-factor": _t(
        "set options.grid_region or give parameters.emission_factor",
        "请设置 options.grid_region，或填写 parameters.emission_factor",
    ),
    "electricity-options": _t(
        "set options.grid_region and options.electricity_factor_year (see the methodology guide)",
        "请设置 options.grid_region 和 options.electricity_factor_year（见核算方法说明）",
    ),
    "electricity-years": _t(
        "factors for {region} exist for {years}; set options.electricity_factor_year",
        "{region} 有 {years} 年的排放因子；请设置 options.electricity_factor_year",
        "region",
        "years",
    ),
    "electricity-regions": _t(
        "use a region (华北, 东北, 华东, 华中, 西北, 南方, 西南), a province, or 全国",
        "请使用区域电网（华北、东北、华东、华中、西北、南方、西南）、省份或全国",
    ),
    "check-electricity": _t("check the four electricity quantities", "请检查这四项电量数据"),
    "reduction-factor": _t(
        "the regulator's factor, e.g. 0.98 (1 = none)",
        "主管部门规定的调整系数，例如 0.98（1 表示不调整）",
    ),
    "correction-factor-not-read": _t(
        "its values were not read into carbonledger: compute it from the MEE allocation "
        "plan and enter it; enter 1 if the plan does not apply it to this unit",
        "碳账本尚未收录其数值：请根据生态环境部配额分配方案计算后填写；"
        "若方案对该机组不适用此系数，请填 1",
    ),
    "give-field": _t("give {key}", "请填写 {key}", "key"),
    "enter-share": _t(
        "enter the share the MEE plan gives (e.g. 0.7), or omit base_year",
        "请填写生态环境部方案规定的预分配比例（例如 0.7），或不填 base_year",
    ),
    "omit-verified-emissions": _t(
        "omit verified_emissions for this period", "该履约周期请不要填写 verified_emissions"
    ),
    "known-periods": _t("known periods: {periods}", "已收录的履约周期：{periods}", "periods"),
    "enter-benchmark": _t(
        'enter it under $.benchmarks as {{"category": "{category}", "kind": "{kind}", '
        '"value": ..., "unit": "{unit}", "source": "<document, table>"}}',
        '请在 $.benchmarks 中填写 {{"category": "{category}", "kind": "{kind}", '
        '"value": ..., "unit": "{unit}", "source": "<文件, 表格>"}}',
        "category",
        "kind",
        "unit",
    ),
    "enter-benchmark-or-set": _t(
        'enter it under $.benchmarks as {{"category": "{category}", "kind": "{kind}", '
        '"value": ..., "unit": "{unit}", "source": "<document, table>"}}, or name {sets} in '
        "$.benchmark_set to use values that were NOT read from the MEE document (unverified)",
        '请在 $.benchmarks 中填写 {{"category": "{category}", "kind": "{kind}", '
        '"value": ..., "unit": "{unit}", "source": "<文件, 表格>"}}，或在 $.benchmark_set '
        "中指定 {sets}，以使用并非取自生态环境部文件的数值（未经核实）",
        "category",
        "kind",
        "unit",
        "sets",
    ),
}

#: the Chinese of the field names problems name (``field`` and ``instead`` params)
NAMES: dict[str, str] = {
    "allocation request": "配额分配请求",
    "base year": "基准年",
    "base years' total output": "基准年总产出",
    "base-year output": "基准年产出",
    "base_year": "基准年（base_year）",
    "benchmark": "基准值",
    "benchmark set": "基准值集",
    "benchmark_set": "基准值集（benchmark_set）",
    "CaCO3 + MgCO3 content": "CaCO3 与 MgCO3 含量之和",
    "category": "机组类别",
    "column key": "列代码",
    "compliance rules (shortfall cap)": "履约规则（缺口上限）",
    "cooling factor": "冷却方式修正系数",
    "correction_factors": "修正系数（correction_factors）",
    "credit code": "统一社会信用代码",
    "credit_code": "统一社会信用代码",
    "emissions": "排放量",
    "enterprise": "企业信息",
    "facility": "设施",
    "facility id": "设施编号",
    "facility name": "设施名称",
    "facility with lines": "包含排放行的设施",
    "field": "字段",
    "fuel": "燃料",
    "gas": "温室气体",
    "GWP set": "全球变暖潜势（GWP）值集",
    "grid region": "电网区域",
    "heat": "供热量",
    "heat_supply factor": "供热量修正系数",
    "intensity basis": "强度计算方式",
    "kind": "基准值类型",
    "line": "排放行",
    "line id": "排放行编号",
    "load factor": "负荷（出力）系数修正系数",
    "material": "物料",
    "method": "分配方法",
    "methodology": "核算方法",
    "moisture_ad": "空干基水分（moisture_ad）",
    "name": "名称",
    "note": "备注",
    "number": "数值",
    "option": "选项",
    "options": "选项（options）",
    "output": "产出",
    "parameter": "参数",
    "parameters": "参数（parameters）",
    "period": "报告期",
    "power generated": "发电量",
    "power supplied": "供电量",
    "power_generated": "发电量",
    "power_supplied": "供电量",
    "pre-allocation share": "预分配比例",
    "product": "产品",
    "province": "省份",
    "quantity": "活动数据",
    "reduction factor": "调整系数",
    "reduction_factor": "调整系数（reduction_factor）",
    "region": "地区",
    "reporting period": "报告期",
    "schema": "数据格式（schema）",
    "scope 2 method": "范围二核算方法",
    "sector": "行业",
    "seq": "序号（seq）",
    "source": "排放源",
    "submission": "活动数据文件",
    "sulfur + ash content": "硫分与灰分之和",
    "technology": "工艺",
    "unit": "单位",
    "unit category": "机组类别",
    "unit id": "机组编号",
    "value": "数值",
    "verified emissions": "核查排放量",
    "year": "年份",
}

#: params whose Chinese is looked up in NAMES
NAMED = ("field", "instead")


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a template fills (``{{`` is a literal brace)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class _Params(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, params: Mapping[str, str | int], zh: bool) -> str:
    values = _Params(params)
    if zh:
        for name in NAMED:
            value = params.get(name)
            if isinstance(value, str):
                values[name] = NAMES.get(value, value)
    return template.format_map(values)


def message(code: str, params: Mapping[str, str | int], locale: str) -> str:
    """The sentence of problem ``code`` in ``locale`` (``en`` or ``zh``)."""
    text = MESSAGES.get(code)
    if text is None:  # a code the tests would have refused; say what there is
        return f"{code} {dict(params)}"
    zh = locale.startswith("zh")
    return _fill(text.zh if zh else text.en, params, zh)


def hint(code: str, params: Mapping[str, str | int], locale: str) -> str:
    """The hint ``code`` in ``locale``, filled from the problem's params."""
    text = HINTS.get(code)
    if text is None:
        return ""
    zh = locale.startswith("zh")
    return _fill(text.zh if zh else text.en, params, zh)
