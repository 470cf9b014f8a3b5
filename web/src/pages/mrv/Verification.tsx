/** Verifier "Verification queue": assigned reports, and the review screen (recompute, evidence, attest or reject). */
import { useState } from "react";
import { useNavigate, useParams } from "react-router-dom";
import { Alert, Badge, Button, Card, Col, Descriptions, Flex, Form, Input, InputNumber, Modal, Radio, Row, Select, Skeleton, Table, Tabs, Typography } from "antd";
import { CheckCircleOutlined, CloseCircleOutlined, ReloadOutlined } from "@ant-design/icons";
import { call, type Schemas } from "../../api/client";
import type { ApiError } from "../../api/errors";
import { LinkButton } from "../../components/LinkButton";
import { PageHeader } from "../../components/PageHeader";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { asApiError, showOnForm } from "../../lib/problems";
import { useLoad } from "../../lib/useLoad";
import { useSession } from "../../session";
import type { Status } from "./model";
import { CalculationView, ChainRecordCard, enterpriseName, EvidenceTable, Findings, Hash, StatusTimeline, SubmissionStatus, useTonnes, type Submission } from "./parts";
import { SubmissionTable } from "./Reporting";
import { newKey } from "./Wizard";

type Recomputation = Schemas["Recomputation"];
type Difference = Schemas["Difference"];

const PAGE = 20;
export const REJECT_REASONS = [1, 2, 3, 4, 5, 99] as const;

export function VerificationQueue() {
  const { t } = useI18n();
  const { api } = useSession();
  const navigate = useNavigate();
  const [status, setStatus] = useState<Status | undefined>("assigned");
  const [page, setPage] = useState(1);
  const list = useLoad(
    () => call(api.client.GET("/api/v1/mrv/submissions", { params: { query: { status, offset: (page - 1) * PAGE, limit: PAGE, sort: "-updated_at" } } })),
    [api, status, page],
  );
  return (
    <>
      <PageHeader
        title={t("verification.title")}
        subtitle={t("verification.intro")}
        extra={
          <Button icon={<ReloadOutlined />} onClick={list.reload}>
            {t("common.refresh")}
          </Button>
        }
      />
      <Card>
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <Select<Status>
            allowClear
            placeholder={t("field.status")}
            aria-label={t("field.status")}
            style={{ width: 160 }}
            value={status}
            onChange={(v) => {
              setStatus(v);
              setPage(1);
            }}
            options={(["assigned", "verified", "rejected", "confirmed"] as const).map((s) => ({ value: s, label: t(`mrv.status.${s}`) }))}
          />
        </Flex>
        <ProblemAlert error={list.error} onRetry={list.reload} />
        <SubmissionTable
          rows={list.data?.items ?? []}
          loading={list.loading}
          total={list.data?.total ?? 0}
          page={page}
          onPage={setPage}
          empty={t("verification.empty")}
          onOpen={(s) => void navigate(`/app/verification/${s.id}`)}
          extra={[
            {
              title: t("common.actions"),
              key: "actions",
              width: 110,
              fixed: "right",
              render: (_, s) =>
                s.status === "assigned" ? (
                  <Button size="small" type="primary" onClick={() => void navigate(`/app/verification/${s.id}`)}>
                    {t("verification.review")}
                  </Button>
                ) : null,
            },
          ]}
        />
      </Card>
    </>
  );
}

/** Stored against recomputed: totals, digests, evidence, and every path that differs. */
export function RecomputationCard({ recomputation }: { recomputation: Recomputation }) {
  const { t } = useI18n();
  const tonnes = useTonnes();
  const ok = (v: boolean | null | undefined, yes: string, no: string) =>
    v === null || v === undefined ? <Badge status="default" text="—" /> : v ? <Badge status="success" text={yes} /> : <Badge status="error" text={no} />;
  const differs = recomputation.stored.total_co2e !== recomputation.recomputed_total_co2e;
  return (
    <Card title={t("verification.recomputation")} data-testid="recomputation">
      <Flex vertical gap={16}>
        {recomputation.matches && recomputation.evidence_intact ? (
          <Alert type="success" showIcon message={t("verification.allMatch")} />
        ) : (
          <Alert type="error" showIcon message={t("verification.mismatch")} />
        )}
        <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label={t("verification.submittedTotal")}>{tonnes(recomputation.stored.total_co2e, 3)} tCO₂e</Descriptions.Item>
          <Descriptions.Item label={t("verification.recomputedTotal")}>
            <Typography.Text type={differs ? "danger" : undefined} strong={differs} data-testid="recomputed-total">
              {tonnes(recomputation.recomputed_total_co2e, 3)} tCO₂e
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t("verification.result")}>{ok(recomputation.matches, t("verification.matches"), t("verification.differs"))}</Descriptions.Item>
          <Descriptions.Item label={t("verification.chainDigest")}>
            {ok(recomputation.calculation_digest_matches_chain, t("verification.matches"), t("verification.differs"))}
          </Descriptions.Item>
          <Descriptions.Item label={t("verification.evidence")}>{ok(recomputation.evidence_intact, t("verification.intact"), t("verification.notIntact"))}</Descriptions.Item>
          <Descriptions.Item label={t("mrv.chain.evidenceRoot")}>
            <Hash value={recomputation.evidence.on_chain_root} />
          </Descriptions.Item>
        </Descriptions>
        {recomputation.differences.length ? (
          <Table<Difference>
            size="small"
            rowKey="path"
            pagination={false}
            scroll={{ x: 640 }}
            dataSource={recomputation.differences}
            rowClassName={() => "mrv-difference"}
            title={() => <Typography.Text strong type="danger">{t("verification.differences")}</Typography.Text>}
            columns={[
              { title: t("verification.path"), dataIndex: "path", render: (p: string) => <Typography.Text code>{p}</Typography.Text> },
              { title: t("verification.stored"), dataIndex: "stored", render: (v: unknown) => <Typography.Text delete>{JSON.stringify(v)}</Typography.Text> },
              { title: t("verification.recomputed"), dataIndex: "recomputed", render: (v: unknown) => <Typography.Text type="danger">{JSON.stringify(v)}</Typography.Text> },
            ]}
          />
        ) : null}
      </Flex>
    </Card>
  );
}

interface AttestValues {
  verified_t: number;
  opinion: "unqualified" | "qualified";
  statement: string;
}
interface RejectValues {
  reason_code: (typeof REJECT_REASONS)[number];
  reason: string;
}

function Decision({ submission, onDone }: { submission: Submission; onDone: () => void }) {
  const i18n = useI18n();
  const { t, fmt } = i18n;
  const { api } = useSession();
  const [attestForm] = Form.useForm<AttestValues>();
  const [rejectForm] = Form.useForm<RejectValues>();
  const [pending, setPending] = useState<{ kind: "attest"; values: AttestValues } | { kind: "reject"; values: RejectValues } | null>(null);
  const [key, setKey] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const reasonName = (code: number) => t(`mrv.reason.${code}` as "mrv.reason.1");

  const decide = async () => {
    if (!pending) return;
    setBusy(true);
    setError(null);
    const params = { path: { submission_id: submission.id } };
    const headers = { "Idempotency-Key": key };
    try {
      if (pending.kind === "attest") {
        await call(api.client.POST("/api/v1/mrv/submissions/{submission_id}/attest", { params, headers, body: pending.values }));
      } else {
        await call(api.client.POST("/api/v1/mrv/submissions/{submission_id}/reject", { params, headers, body: pending.values }));
      }
      setBusy(false);
      setPending(null);
      onDone();
    } catch (err) {
      setBusy(false);
      const form = pending.kind === "attest" ? attestForm : rejectForm;
      setError(showOnForm(form, err, i18n) ?? asApiError(err));
      setPending(null);
    }
  };

  return (
    <Card title={t("verification.decision")}>
      <ProblemAlert error={error} />
      <Tabs
        items={[
          {
            key: "attest",
            label: t("verification.attest"),
            children: (
              <Form
                form={attestForm}
                layout="vertical"
                initialValues={{ verified_t: submission.claimed_t, opinion: "unqualified" }}
                onFinish={(values) => {
                  setKey(newKey());
                  setPending({ kind: "attest", values: { ...values, statement: values.statement.trim() } });
                }}
              >
                <Form.Item
                  name="verified_t"
                  label={t("mrv.verifiedT")}
                  rules={[
                    { required: true, message: t("validation.required") },
                    { type: "integer", min: 0, message: t("verification.validation.tonnes") },
                  ]}
                  extra={t("verification.claimedWas", { t: fmt.number(submission.claimed_t) })}
                >
                  <InputNumber aria-label={t("mrv.verifiedT")} min={0} precision={0} style={{ width: 220 }} addonAfter="t" />
                </Form.Item>
                <Form.Item name="opinion" label={t("mrv.opinion")} required={false} rules={[{ required: true, message: t("validation.required") }]}>
                  <Radio.Group
                    options={[
                      { value: "unqualified", label: t("mrv.opinion.unqualified") },
                      { value: "qualified", label: t("mrv.opinion.qualified") },
                    ]}
                  />
                </Form.Item>
                <Form.Item name="statement" label={t("verification.statement")} rules={[{ required: true, whitespace: true, message: t("validation.required") }]}>
                  <Input.TextArea aria-label={t("verification.statement")} rows={4} maxLength={100_000} />
                </Form.Item>
                <Button type="primary" htmlType="submit" icon={<CheckCircleOutlined />}>
                  {t("verification.attest")}
                </Button>
              </Form>
            ),
          },
          {
            key: "reject",
            label: t("verification.reject"),
            children: (
              <Form
                form={rejectForm}
                layout="vertical"
                onFinish={(values) => {
                  setKey(newKey());
                  setPending({ kind: "reject", values: { ...values, reason: values.reason.trim() } });
                }}
              >
                <Form.Item name="reason_code" label={t("verification.reasonCode")} required={false} rules={[{ required: true, message: t("validation.required") }]}>
                  <Select aria-label={t("verification.reasonCode")} options={REJECT_REASONS.map((c) => ({ value: c, label: reasonName(c) }))} style={{ maxWidth: 420 }} />
                </Form.Item>
                <Form.Item name="reason" label={t("verification.reason")} rules={[{ required: true, whitespace: true, message: t("validation.required") }]}>
                  <Input.TextArea aria-label={t("verification.reason")} rows={3} maxLength={10_000} />
                </Form.Item>
                <Button danger htmlType="submit" icon={<CloseCircleOutlined />}>
                  {t("verification.reject")}
                </Button>
              </Form>
            ),
          },
        ]}
      />
      <Modal
        open={pending !== null}
        title={pending?.kind === "reject" ? t("verification.rejectConfirmTitle") : t("verification.attestConfirmTitle")}
        okText={pending?.kind === "reject" ? t("verification.reject") : t("verification.attest")}
        cancelText={t("common.cancel")}
        okButtonProps={{ loading: busy, danger: pending?.kind === "reject" }}
        onOk={() => void decide()}
        onCancel={() => setPending(null)}
        destroyOnClose
      >
        {pending?.kind === "attest" ? (
          <Alert
            type="info"
            showIcon
            message={t("verification.attestConfirm", { t: fmt.number(pending.values.verified_t), opinion: t(`mrv.opinion.${pending.values.opinion}`) })}
          />
        ) : null}
        {pending?.kind === "reject" ? <Alert type="warning" showIcon message={t("verification.rejectConfirm", { reason: reasonName(pending.values.reason_code) })} /> : null}
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          {t("common.irreversible")}
        </Typography.Paragraph>
      </Modal>
    </Card>
  );
}

export function Review() {
  const { t } = useI18n();
  const { api } = useSession();
  const { id } = useParams();
  const submissionId = Number(id);
  const [version, setVersion] = useState(0);
  const params = { params: { path: { submission_id: submissionId } } };
  const loaded = useLoad(() => call(api.client.GET("/api/v1/mrv/submissions/{submission_id}", params)), [api, submissionId, version]);
  const recomputed = useLoad(() => call(api.client.GET("/api/v1/mrv/submissions/{submission_id}/recomputation", params)), [api, submissionId, version]);
  const sub = loaded.data;
  const highlight = new Set(
    (recomputed.data?.differences ?? []).map((d) => /lines\/(\d+)/.exec(d.path)?.[1]).filter((x): x is string => x !== undefined),
  );
  const lineIds = new Set(
    sub
      ? [...highlight].map((i) => {
          const lines = sub.calculation.report.lines;
          const line = Array.isArray(lines) ? (lines[Number(i)] as { line?: string } | undefined) : undefined;
          return line?.line ?? "";
        })
      : [],
  );
  return (
    <>
      <PageHeader
        title={sub ? t("verification.reviewTitle", { id: sub.id, year: sub.year }) : t("verification.title")}
        subtitle={sub ? enterpriseName(sub) : undefined}
        extra={<LinkButton to="/app/verification">{t("verification.toQueue")}</LinkButton>}
      />
      <ProblemAlert error={loaded.error} onRetry={loaded.reload} />
      {loaded.loading && !sub ? <Skeleton active /> : null}
      {sub ? (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={15}>
            <Flex vertical gap={16}>
              <Card>
                <Descriptions size="small" column={{ xs: 1, md: 2 }}>
                  <Descriptions.Item label={t("mrv.enterprise")}>{enterpriseName(sub)}</Descriptions.Item>
                  <Descriptions.Item label={t("field.status")}>
                    <SubmissionStatus status={sub.status} />
                  </Descriptions.Item>
                  <Descriptions.Item label={t("mrv.methodology")}>{sub.methodology}</Descriptions.Item>
                  <Descriptions.Item label={t("mrv.year")}>{sub.year}</Descriptions.Item>
                </Descriptions>
              </Card>
              <ProblemAlert error={recomputed.error} onRetry={recomputed.reload} />
              {recomputed.loading && !recomputed.data ? <Skeleton active /> : null}
              {recomputed.data ? <RecomputationCard recomputation={recomputed.data} /> : null}
              <Card title={t("verification.evidenceFiles")}>
                <EvidenceTable submissionId={sub.id} files={sub.evidence} canDownload />
              </Card>
              <Card title={t("verification.submittedCalculation")}>
                <Flex vertical gap={16}>
                  <Findings quality={sub.quality} />
                  <CalculationView calculation={sub.calculation} highlight={lineIds} />
                </Flex>
              </Card>
            </Flex>
          </Col>
          <Col xs={24} xl={9}>
            <Flex vertical gap={16}>
              {sub.status === "assigned" ? <Decision submission={sub} onDone={() => setVersion((v) => v + 1)} /> : null}
              <ChainRecordCard submission={sub} />
              <Card title={t("mrv.timeline")} size="small">
                <StatusTimeline submission={sub} />
              </Card>
            </Flex>
          </Col>
        </Row>
      ) : null}
    </>
  );
}
