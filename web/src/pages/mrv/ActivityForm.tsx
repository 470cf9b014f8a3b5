/** Step 2 of the wizard, by form: activity lines checked against the methodology's template. */
import { Button, Card, Col, Collapse, Form, Input, Row, Select, Space, Typography } from "antd";
import type { FormInstance } from "antd";
import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import type { Rule } from "antd/es/form";
import { useI18n } from "../../i18n";
import { FUELS, formSources, numberProblem, parameterUnits, quantityUnits, type LineInput, type MethodologyGuide } from "./model";

export interface ActivityValues {
  lines: LineInput[];
}

function useNumberRule(unitPath: (string | number)[] | null, fixedUnit: string | undefined, required: boolean): Rule {
  const { t } = useI18n();
  return ({ getFieldValue }) => ({
    validator: (_, value: string | undefined) => {
      const unit = unitPath ? (getFieldValue(unitPath) as string | undefined) ?? fixedUnit : fixedUnit;
      const problem = numberProblem(value, unit, required);
      return problem ? Promise.reject(new Error(t(problem))) : Promise.resolve();
    },
  });
}

function ParameterField({ index, name, unit, label, required }: { index: number; name: string; unit: string; label: string; required: boolean }) {
  const { t } = useI18n();
  const unitPath = ["lines", index, "parameters", name, "unit"];
  const rule = useNumberRule(unitPath, unit, required);
  return (
    <Form.Item label={label} required={required} style={{ marginBottom: 8 }}>
      <Space.Compact style={{ width: "100%" }}>
        <Form.Item name={[index, "parameters", name, "value"]} noStyle rules={[rule]} dependencies={[unitPath]}>
          <Input inputMode="decimal" aria-label={label} placeholder={required ? t("mrv.form.required") : t("mrv.form.defaultUsed")} style={{ width: "60%" }} />
        </Form.Item>
        <Form.Item name={[index, "parameters", name, "unit"]} noStyle initialValue={unit}>
          <Select aria-label={`${label} ${t("mrv.form.unit")}`} style={{ width: "40%" }} options={parameterUnits(unit).map((u) => ({ value: u, label: u }))} />
        </Form.Item>
      </Space.Compact>
    </Form.Item>
  );
}

function LineEditor({ index, guide, form, onRemove, removable }: { index: number; guide: MethodologyGuide; form: FormInstance<ActivityValues>; onRemove: () => void; removable: boolean }) {
  const { t, tx, locale } = useI18n();
  const sourceName = Form.useWatch<string | undefined>(["lines", index, "source"], form);
  const source = guide.sources.find((s) => s.name === sourceName);
  const label = (s: { label_zh: string; label_en: string }) => (locale === "zh-CN" ? s.label_zh : s.label_en);
  const quantityRule = useNumberRule(null, undefined, true);
  const units = source ? quantityUnits(source) : [];
  const required = source?.parameters.filter((p) => p.required) ?? [];
  const optional = source?.parameters.filter((p) => !p.required) ?? [];
  const n = index + 1;
  return (
    <Card
      size="small"
      title={t("mrv.form.line", { n })}
      data-testid={`line-${index}`}
      extra={
        removable ? (
          <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={onRemove} aria-label={t("mrv.form.removeLine", { n })} />
        ) : null
      }
      style={{ marginBottom: 12 }}
    >
      <Row gutter={12}>
        <Col xs={24} md={8}>
          <Form.Item name={[index, "source"]} label={t("mrv.form.source")} required={false} rules={[{ required: true, message: t("validation.required") }]}>
            <Select
              aria-label={t("mrv.form.source")}
              options={formSources(guide).map((s) => ({ value: s.name, label: label(s) }))}
              onChange={(value: string) => {
                const next = guide.sources.find((s) => s.name === value);
                form.setFieldValue(["lines", index], { source: value, unit: next?.quantityUnit ?? undefined, parameters: {} });
              }}
            />
          </Form.Item>
        </Col>
        {source?.materialKey ? (
          <Col xs={24} md={6}>
            <Form.Item
              name={[index, "material"]}
              required={false}
              label={source.materialKey === "fuel" ? t("mrv.form.fuel") : t("mrv.form.material")}
              rules={[{ required: true, whitespace: true, message: t("validation.required") }]}
            >
              {source.materialKey === "fuel" ? (
                <Select
                  showSearch
                  optionFilterProp="label"
                  aria-label={t("mrv.form.fuel")}
                  options={FUELS.map((f) => ({ value: f, label: tx(`mrv.fuel.${f}`, f) }))}
                />
              ) : (
                <Input aria-label={t("mrv.form.material")} />
              )}
            </Form.Item>
          </Col>
        ) : null}
        {source ? (
          <Col xs={24} md={source.materialKey ? 10 : 16}>
            <Form.Item label={t("mrv.form.quantity")} required style={{ marginBottom: 0 }}>
              <Space.Compact style={{ width: "100%" }}>
                <Form.Item name={[index, "quantity"]} rules={[quantityRule]} style={{ width: "60%" }}>
                  <Input inputMode="decimal" aria-label={t("mrv.form.quantity")} />
                </Form.Item>
                <Form.Item
                  name={[index, "unit"]}
                  required={false}
                  style={{ width: "40%" }}
                  rules={[
                    { required: true, message: t("validation.required") },
                    { validator: (_, u: string) => (u && !units.includes(u) ? Promise.reject(new Error(t("mrv.validation.unit"))) : Promise.resolve()) },
                  ]}
                >
                  <Select aria-label={t("mrv.form.unit")} options={units.map((u) => ({ value: u, label: u }))} />
                </Form.Item>
              </Space.Compact>
            </Form.Item>
          </Col>
        ) : null}
      </Row>
      {source ? (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          <Typography.Text code>{source.formula}</Typography.Text>
        </Typography.Paragraph>
      ) : null}
      {required.length ? (
        <Row gutter={12}>
          {required.map((p) => (
            <Col xs={24} md={12} key={p.name}>
              <ParameterField index={index} name={p.name} unit={p.unit} label={`${label(p)} ${p.symbol}`} required />
            </Col>
          ))}
        </Row>
      ) : null}
      {optional.length ? (
        <Collapse
          size="small"
          ghost
          items={[
            {
              key: "measured",
              label: t("mrv.form.measured"),
              forceRender: true,
              children: (
                <Row gutter={12}>
                  {optional.map((p) => (
                    <Col xs={24} md={12} key={p.name}>
                      <ParameterField index={index} name={p.name} unit={p.unit} label={`${label(p)} ${p.symbol}`} required={false} />
                    </Col>
                  ))}
                </Row>
              ),
            },
          ]}
        />
      ) : null}
    </Card>
  );
}

/** The activity lines of the first facility; the caller owns the form and what happens on submit. */
export function ActivityForm({ form, guide }: { form: FormInstance<ActivityValues>; guide: MethodologyGuide }) {
  const { t } = useI18n();
  const first = formSources(guide)[0];
  return (
    <Form.List name="lines">
      {(fields, { add, remove }) => (
        <>
          {fields.map((field) => (
            <LineEditor key={field.key} index={field.name} guide={guide} form={form} removable={fields.length > 1} onRemove={() => remove(field.name)} />
          ))}
          <Button
            type="dashed"
            block
            icon={<PlusOutlined />}
            onClick={() => add({ source: first?.name, unit: first?.quantityUnit ?? undefined, parameters: {} })}
          >
            {t("mrv.form.addLine")}
          </Button>
        </>
      )}
    </Form.List>
  );
}
