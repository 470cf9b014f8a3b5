/**
 * The enterprise's reporting wizard: 1 methodology, period, facility → 2 activity data (form
 * or Excel) → 3 calculation preview → 4 evidence → 5 submit on chain.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { useNavigate } from "react-router-dom";
import { Alert, Button, Card, Col, Descriptions, Flex, Form, Grid, Input, InputNumber, Modal, Row, Select, Space, Steps, Table, Tabs, Typography, Upload } from "antd";
import type { FormInstance, UploadProps } from "antd";
import { CalculatorOutlined, CloudUploadOutlined, FileExcelOutlined, InboxOutlined, SendOutlined } from "@ant-design/icons";
import { call, type Schemas } from "../../api/client";
import type { ApiError } from "../../api/errors";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { asApiError, localLine, localText, problemText } from "../../lib/problems";
import { useLoad } from "../../lib/useLoad";
import { useSession } from "../../session";
import { ActivityForm, type ActivityValues } from "./ActivityForm";
import {
  buildDocument,
  formFieldOf,
  formSources,
  GRID_REGIONS,
  lineProblems,
  parseTemplate,
  readDocument,
  workbookProblems,
  type MethodologyGuide,
  type ReportSetup,
  type WorkbookProblem,
} from "./model";
import { CalculationView, EvidenceTable, Findings, StatusTimeline, type Submission } from "./parts";
import { upload, UploadError } from "./transfer";

type Methodology = Schemas["MethodologyOut"];
type FieldList = Parameters<FormInstance<ActivityValues>["setFields"]>[0];

export function useMethodologies() {
  const { api } = useSession();
  return useLoad(() => call(api.client.GET("/api/v1/mrv/methodologies")), [api]);
}

export function useGuide(methodology: string | undefined) {
  const { api } = useSession();
  return useLoad<MethodologyGuide | null>(
    async () =>
      methodology
        ? parseTemplate(await call(api.client.GET("/api/v1/mrv/methodologies/{ref}/template.json", { params: { path: { ref: methodology } } })))
        : null,
    [api, methodology],
  );
}

export function methodologyName(m: Methodology, locale: string) {
  return locale === "zh-CN" ? m.name_zh : m.name_en;
}

/** Row-level problems of an Excel upload (sheet, row, column, message). */
export function WorkbookProblems({ problems }: { problems: WorkbookProblem[] }) {
  const { t, fmt, locale } = useI18n();
  if (problems.length === 0) return null;
  return (
    <Flex vertical gap={8} data-testid="workbook-problems">
      <Alert type="error" showIcon message={t("mrv.excel.problems", { n: fmt.number(problems.length) })} />
      <Table<WorkbookProblem>
        size="small"
        rowKey="key"
        pagination={false}
        dataSource={problems}
        scroll={{ x: 640 }}
        columns={[
          { title: t("mrv.excel.sheet"), dataIndex: "sheet", width: 150, render: (s: string | null, p) => s ?? p.where ?? "—" },
          { title: t("mrv.excel.row"), dataIndex: "row", width: 70, render: (r: number | null) => (r === null ? "—" : fmt.number(r)) },
          { title: t("mrv.excel.column"), dataIndex: "column", width: 70, render: (c: string | null) => c ?? "—" },
          {
            title: t("mrv.excel.message"),
            dataIndex: "message",
            render: (_: string, p) => {
              const { message, hint } = localText(p, locale);
              return (
                <Flex vertical>
                  <Typography.Text>{message}</Typography.Text>
                  {hint ? <Typography.Text type="secondary">{hint}</Typography.Text> : null}
                </Flex>
              );
            },
          },
        ]}
      />
    </Flex>
  );
}

/** An Idempotency-Key for one decision (a retry of the same decision reuses it). */
export function newKey(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

const STEP_KEYS = ["mrv.step.setup", "mrv.step.data", "mrv.step.preview", "mrv.step.evidence", "mrv.step.submit"] as const;

export function Wizard({ draft, onChanged }: { draft?: Submission; onChanged?: (s: Submission) => void }) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const { api, me } = useSession();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const methodologies = useMethodologies();
  const [setupForm] = Form.useForm<ReportSetup>();
  const [linesForm] = Form.useForm<ActivityValues>();
  const [submission, setSubmission] = useState<Submission | undefined>(draft);
  const [step, setStep] = useState(draft ? (draft.evidence.length ? 3 : 2) : 0);
  const [setup, setSetup] = useState<ReportSetup | undefined>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<WorkbookProblem[]>([]);
  const [confirming, setConfirming] = useState(false);
  const idempotency = useRef<string>("");
  const chosen = Form.useWatch("methodology", setupForm) ?? setup?.methodology ?? draft?.methodology;
  const guide = useGuide(chosen);

  // a draft opens with its own entries in the form
  const initial = useMemo(() => (draft && guide.data ? readDocument(draft.document, guide.data) : null), [draft, guide.data]);
  useEffect(() => {
    if (!initial) return;
    setupForm.setFieldsValue(initial.setup);
    if (initial.setup.methodology && initial.setup.year && initial.setup.facilityId) setSetup(initial.setup as ReportSetup);
    linesForm.setFieldsValue({ lines: initial.lines });
  }, [initial, setupForm, linesForm]);

  const saved = (s: Submission) => {
    setSubmission(s);
    onChanged?.(s);
  };

  const reload = async (id: number) => {
    saved(await call(api.client.GET("/api/v1/mrv/submissions/{submission_id}", { params: { path: { submission_id: id } } })));
  };

  const toData = async () => {
    const values = await setupForm.validateFields().catch(() => null);
    if (!values) return; // the form shows what is missing
    setSetup(values);
    if ((linesForm.getFieldValue("lines") as unknown[] | undefined)?.length ?? 0) {
      setStep(1);
      return;
    }
    const first = guide.data ? formSources(guide.data)[0] : undefined;
    linesForm.setFieldsValue({ lines: [{ source: first?.name, unit: first?.quantityUnit ?? undefined, parameters: {} }] });
    setStep(1);
  };

  const calculate = async () => {
    if (!setup || !guide.data) return;
    setError(null);
    const checked = await linesForm.validateFields().catch(() => null);
    if (!checked) return; // the form shows each line's problems
    const { lines } = checked;
    const local = lines.flatMap((line, i) => lineProblems(line, guide.data as MethodologyGuide).map((p) => ({ name: ["lines", i, ...p.field], errors: [t(p.message)] })));
    if (local.length) {
      linesForm.setFields(local as FieldList);
      return;
    }
    const document = buildDocument(setup, lines, guide.data, me?.organisation.name ?? "");
    setBusy(true);
    try {
      const result =
        submission && submission.status === "draft"
          ? await call(api.client.PUT("/api/v1/mrv/submissions/{submission_id}", { params: { path: { submission_id: submission.id } }, body: { document } }))
          : await call(api.client.POST("/api/v1/mrv/submissions", { body: { document } }));
      saved(result);
      setStep(2);
    } catch (err) {
      const problem = asApiError(err);
      const placed = problem.errors
        .map((e) => ({ name: formFieldOf(e.field, guide.data as MethodologyGuide), errors: [localLine(e, i18n.locale)] }))
        .filter((f): f is { name: (string | number)[]; errors: string[] } => f.name !== null);
      if (placed.length) linesForm.setFields(placed as FieldList);
      if (problem.field === "body:document.period") setupForm.setFields([{ name: "year", errors: [problemText(problem, i18n)] }]);
      setError(problem);
    } finally {
      setBusy(false);
    }
  };

  const excelUpload: UploadProps["customRequest"] = ({ file, onProgress, onSuccess, onError }) => {
    setProblems([]);
    setError(null);
    upload<Submission>(api, "/api/v1/mrv/submissions/excel", file as File, { onProgress: (percent) => onProgress?.({ percent }) })
      .then((s) => {
        onSuccess?.(s);
        saved(s);
        const read = guide.data ? readDocument(s.document, guide.data) : null;
        if (read) linesForm.setFieldsValue({ lines: read.lines });
        setStep(2);
      })
      .catch((err: unknown) => {
        onError?.(err as Error);
        const rows = err instanceof UploadError ? workbookProblems(err.body) : [];
        setProblems(rows);
        setError(rows.length ? null : asApiError(err));
      });
  };

  const evidenceUpload: UploadProps["customRequest"] = ({ file, onProgress, onSuccess, onError }) => {
    if (!submission) return;
    setError(null);
    upload(api, `/api/v1/mrv/submissions/${submission.id}/evidence`, file as File, { onProgress: (percent) => onProgress?.({ percent }) })
      .then(async (stored) => {
        onSuccess?.(stored);
        await reload(submission.id);
      })
      .catch((err: unknown) => {
        onError?.(err as Error);
        setError(asApiError(err));
      });
  };

  const submit = async () => {
    if (!submission) return;
    setBusy(true);
    setError(null);
    try {
      const done = await call(
        api.client.POST("/api/v1/mrv/submissions/{submission_id}/submit", {
          params: { path: { submission_id: submission.id } },
          headers: { "Idempotency-Key": idempotency.current },
        }),
      );
      setBusy(false);
      saved(done);
      setConfirming(false);
    } catch (err) {
      setBusy(false);
      setError(asApiError(err));
      setConfirming(false);
    }
  };

  const submitted = submission && submission.status !== "draft";
  const lang = locale === "zh-CN" ? "zh-CN" : "en-US";

  return (
    <Flex vertical gap={16}>
      <Card>
        <Steps
          current={submitted ? 5 : step}
          responsive
          size="small"
          // five titles side by side are cut off below a desktop's width: under them there
          labelPlacement={screens.lg ? "horizontal" : "vertical"}
          items={STEP_KEYS.map((k) => ({ title: t(k) }))}
        />
      </Card>
      <ProblemAlert error={error} />

      <Card hidden={step !== 0} title={t("mrv.step.setup")}>
        <ProblemAlert error={methodologies.error} onRetry={methodologies.reload} />
        <Form form={setupForm} layout="vertical" initialValues={{ year: new Date().getFullYear() - 1, facilityId: "facility-1" }} requiredMark>
          <Row gutter={16}>
            <Col xs={24} lg={12}>
              <Form.Item name="methodology" label={t("mrv.methodology")} required={false} rules={[{ required: true, message: t("validation.required") }]}>
                <Select
                  showSearch
                  optionFilterProp="label"
                  loading={methodologies.loading}
                  aria-label={t("mrv.methodology")}
                  disabled={Boolean(submission)}
                  options={(methodologies.data ?? []).map((m) => ({ value: m.id, label: `${methodologyName(m, locale)} (${m.id})` }))}
                />
              </Form.Item>
            </Col>
            <Col xs={12} lg={4}>
              <Form.Item
                name="year"
                label={t("mrv.year")}
                rules={[
                  { required: true, message: t("validation.required") },
                  { type: "integer", min: 1990, max: 2200, message: t("mrv.validation.year") },
                ]}
              >
                <InputNumber aria-label={t("mrv.year")} style={{ width: "100%" }} precision={0} disabled={Boolean(submission)} />
              </Form.Item>
            </Col>
            <Col xs={12} lg={8}>
              <Form.Item
                name="facilityId"
                label={t("mrv.facilityId")}
                rules={[
                  { required: true, message: t("validation.required") },
                  { pattern: /^[A-Za-z0-9_.-]+$/, message: t("mrv.validation.facilityId") },
                ]}
              >
                <Input aria-label={t("mrv.facilityId")} />
              </Form.Item>
            </Col>
            <Col xs={24} lg={12}>
              <Form.Item name="facilityName" label={t("mrv.facilityName")}>
                <Input aria-label={t("mrv.facilityName")} maxLength={200} />
              </Form.Item>
            </Col>
            {guide.data && "grid_region" in guide.data.options ? (
              <Col xs={24} lg={12}>
                <Form.Item name="gridRegion" label={t("mrv.gridRegion")} extra={t("mrv.gridRegionHelp")}>
                  <Select allowClear aria-label={t("mrv.gridRegion")} options={GRID_REGIONS.map((g) => ({ value: g, label: i18n.tx(`mrv.grid.${g}`, g) }))} />
                </Form.Item>
              </Col>
            ) : null}
          </Row>
        </Form>
        <ProblemAlert error={guide.error} onRetry={guide.reload} />
        <Flex justify="end">
          <Button type="primary" onClick={() => void toData()} disabled={!guide.data} loading={guide.loading && Boolean(chosen)}>
            {t("mrv.next")}
          </Button>
        </Flex>
      </Card>

      {guide.data ? (
        <Card title={t("mrv.step.data")} hidden={step !== 1}>
          <Tabs
            items={[
              {
                key: "form",
                label: t("mrv.byForm"),
                children: (
                  <Form form={linesForm} layout="vertical" name="activity">
                    <ActivityForm form={linesForm} guide={guide.data} />
                    <Flex justify="space-between" style={{ marginTop: 16 }}>
                      <Button onClick={() => setStep(0)}>{t("mrv.back")}</Button>
                      <Button type="primary" icon={<CalculatorOutlined />} loading={busy} onClick={() => void calculate()}>
                        {t("mrv.calculate")}
                      </Button>
                    </Flex>
                  </Form>
                ),
              },
              {
                key: "excel",
                label: t("mrv.byExcel"),
                disabled: Boolean(submission),
                children: (
                  <Flex vertical gap={16}>
                    <Typography.Paragraph>{t("mrv.excel.intro")}</Typography.Paragraph>
                    <div>
                      <Button
                        icon={<FileExcelOutlined />}
                        href={`/api/v1/mrv/methodologies/${encodeURIComponent(setup?.methodology ?? "")}/template.xlsx?lang=${lang}`}
                        download
                        data-testid="excel-template"
                      >
                        {t("mrv.excel.template")}
                      </Button>
                    </div>
                    <div data-testid="excel-upload">
                      <Upload.Dragger accept=".xlsx" maxCount={1} customRequest={excelUpload}>
                        <p className="ant-upload-drag-icon">
                          <InboxOutlined />
                        </p>
                        <p className="ant-upload-text">{t("mrv.excel.drop")}</p>
                      </Upload.Dragger>
                    </div>
                    <WorkbookProblems problems={problems} />
                  </Flex>
                ),
              },
            ]}
          />
        </Card>
      ) : null}

      {step === 2 && submission ? (
        <Card title={t("mrv.step.preview")}>
          <Flex vertical gap={16}>
            <Findings quality={submission.quality} />
            <CalculationView calculation={submission.calculation} />
            <Flex justify="space-between">
              <Button onClick={() => setStep(1)}>{t("mrv.editData")}</Button>
              <Button type="primary" onClick={() => setStep(3)}>
                {t("mrv.next")}
              </Button>
            </Flex>
          </Flex>
        </Card>
      ) : null}

      {step === 3 && submission ? (
        <Card title={t("mrv.step.evidence")}>
          <Flex vertical gap={16}>
            <Typography.Paragraph type="secondary">{t("mrv.evidence.intro")}</Typography.Paragraph>
            <div data-testid="evidence-upload">
              <Upload.Dragger multiple customRequest={evidenceUpload} showUploadList={{ showRemoveIcon: false }}>
                <p className="ant-upload-drag-icon">
                  <CloudUploadOutlined />
                </p>
                <p className="ant-upload-text">{t("mrv.evidence.drop")}</p>
              </Upload.Dragger>
            </div>
            <EvidenceTable
              submissionId={submission.id}
              files={submission.evidence}
              canDownload
              onDelete={async (f) => {
                await call(api.client.DELETE("/api/v1/mrv/submissions/{submission_id}/evidence/{evidence_id}", { params: { path: { submission_id: submission.id, evidence_id: f.id } } }));
                await reload(submission.id);
              }}
            />
            <Flex justify="space-between">
              <Button onClick={() => setStep(2)}>{t("mrv.back")}</Button>
              <Button type="primary" disabled={submission.evidence.length === 0} onClick={() => setStep(4)}>
                {t("mrv.next")}
              </Button>
            </Flex>
          </Flex>
        </Card>
      ) : null}

      {step === 4 && submission ? (
        <Card title={t("mrv.step.submit")}>
          <Flex vertical gap={16}>
            <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
              <Descriptions.Item label={t("mrv.report")}>
                <span data-testid="report-id">#{submission.id}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t("mrv.methodology")}>{submission.methodology}</Descriptions.Item>
              <Descriptions.Item label={t("mrv.year")}>{submission.year}</Descriptions.Item>
              <Descriptions.Item label={t("mrv.total")}>{i18n.fmt.number(Number(submission.calculation.total_co2e), 3)} tCO₂e</Descriptions.Item>
              <Descriptions.Item label={t("mrv.claimed")}>{i18n.fmt.number(submission.claimed_t)} t</Descriptions.Item>
              <Descriptions.Item label={t("mrv.evidence.count")}>{i18n.fmt.number(submission.evidence.length)}</Descriptions.Item>
              <Descriptions.Item label={t("mrv.quality.errors")}>{i18n.fmt.number(submission.quality_errors)}</Descriptions.Item>
            </Descriptions>
            {submitted ? (
              <>
                <Alert type="success" showIcon message={t("mrv.submitted")} />
                <StatusTimeline submission={submission} />
                <Space>
                  <Button type="primary" onClick={() => void navigate("/app/mrv")}>
                    {t("mrv.toList")}
                  </Button>
                </Space>
              </>
            ) : (
              <>
                <StatusTimeline submission={submission} />
                <Flex justify="space-between">
                  <Button onClick={() => setStep(3)}>{t("mrv.back")}</Button>
                  <Button
                    type="primary"
                    icon={<SendOutlined />}
                    onClick={() => {
                      idempotency.current = newKey();
                      setConfirming(true);
                    }}
                  >
                    {t("mrv.submit")}
                  </Button>
                </Flex>
              </>
            )}
          </Flex>
        </Card>
      ) : null}

      <Modal
        open={confirming}
        title={t("mrv.submitConfirmTitle")}
        okText={t("mrv.submit")}
        cancelText={t("common.cancel")}
        okButtonProps={{ loading: busy }}
        onOk={() => void submit()}
        onCancel={() => setConfirming(false)}
        destroyOnClose
      >
        <Alert type="warning" showIcon message={t("mrv.submitConfirm", { t: i18n.fmt.number(submission?.claimed_t ?? 0) })} style={{ marginBottom: 12 }} />
        <Typography.Text type="secondary">{t("common.irreversible")}</Typography.Text>
      </Modal>
    </Flex>
  );
}
