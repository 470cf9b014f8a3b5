/** Regulator "Report confirmation": assign a verifier to submitted reports; confirm attested ones; the on-chain record. */
import { useMemo, useState } from "react";
import { Alert, Button, Card, Descriptions, Drawer, Flex, Form, Modal, Select, Space, Tabs, Typography } from "antd";
import { ReloadOutlined } from "@ant-design/icons";
import { call } from "../../api/client";
import type { ApiError } from "../../api/errors";
import { PageHeader } from "../../components/PageHeader";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { asApiError, problemText } from "../../lib/problems";
import { useLoad } from "../../lib/useLoad";
import { useSession } from "../../session";
import type { Status } from "./model";
import { SubmissionStatus, type SubmissionSummary } from "./parts";
import { SubmissionOverview, SubmissionTable } from "./Reporting";
import { newKey } from "./Wizard";

const PAGE = 20;
interface TabDef { key: string; status: Status; label: "reports.tab.awaitingVerifier" | "reports.tab.assigned" | "reports.tab.awaitingConfirmation" | "reports.tab.confirmed" | "reports.tab.rejected" }
const TABS: TabDef[] = [
  { key: "submitted", status: "submitted", label: "reports.tab.awaitingVerifier" },
  { key: "assigned", status: "assigned", label: "reports.tab.assigned" },
  { key: "verified", status: "verified", label: "reports.tab.awaitingConfirmation" },
  { key: "confirmed", status: "confirmed", label: "reports.tab.confirmed" },
  { key: "rejected", status: "rejected", label: "reports.tab.rejected" },
];

function useOrganisationNames(kind: "enterprise" | "verifier") {
  const { api } = useSession();
  return useLoad(
    () =>
      call(api.client.GET("/api/v1/organisations", { params: { query: { kind, status: "active", limit: 200, sort: "name" } } })).then((page) => page.items),
    [api, kind],
  );
}

function AssignDialog({ submission, onClose, onDone }: { submission: SubmissionSummary | null; onClose: () => void; onDone: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { api } = useSession();
  const verifiers = useOrganisationNames("verifier");
  const [form] = Form.useForm<{ verifier_id: number }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const key = useMemo(() => (submission ? newKey() : ""), [submission]);
  const assign = async () => {
    if (!submission) return;
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    const { verifier_id } = values;
    setBusy(true);
    setError(null);
    try {
      await call(
        api.client.POST("/api/v1/mrv/submissions/{submission_id}/assign", {
          params: { path: { submission_id: submission.id } },
          headers: { "Idempotency-Key": key },
          body: { verifier_id },
        }),
      );
      setBusy(false);
      onDone();
      onClose();
    } catch (err) {
      setBusy(false);
      const problem = asApiError(err);
      if (problem.field === "body:verifier_id") form.setFields([{ name: "verifier_id", errors: [problemText(problem, i18n)] }]);
      else setError(problem);
    }
  };
  return (
    <Modal
      open={submission !== null}
      title={t("reports.assignTitle", { id: submission?.id ?? "" })}
      okText={t("reports.assign")}
      cancelText={t("common.cancel")}
      okButtonProps={{ loading: busy }}
      onOk={() => void assign()}
      onCancel={onClose}
      destroyOnClose
    >
      <Alert type="info" showIcon message={t("reports.assignHelp")} style={{ marginBottom: 16 }} />
      <ProblemAlert error={error ?? verifiers.error} />
      <Form form={form} layout="vertical" preserve={false} initialValues={{ verifier_id: submission?.verifier_id ?? undefined }}>
        <Form.Item name="verifier_id" label={t("reports.verifier")} required={false} rules={[{ required: true, message: t("validation.required") }]}>
          <Select
            showSearch
            optionFilterProp="label"
            aria-label={t("reports.verifier")}
            loading={verifiers.loading}
            options={(verifiers.data ?? []).map((v) => ({ value: v.id, label: v.name }))}
          />
        </Form.Item>
      </Form>
      <Typography.Text type="secondary">{t("reports.onChainNote")}</Typography.Text>
    </Modal>
  );
}

function ConfirmDialog({ submission, enterprise, onClose, onDone }: { submission: SubmissionSummary | null; enterprise: string; onClose: () => void; onDone: () => void }) {
  const { t, fmt } = useI18n();
  const { api } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const key = useMemo(() => (submission ? newKey() : ""), [submission]);
  const confirm = async () => {
    if (!submission) return;
    setBusy(true);
    setError(null);
    try {
      await call(api.client.POST("/api/v1/mrv/submissions/{submission_id}/confirm", { params: { path: { submission_id: submission.id } }, headers: { "Idempotency-Key": key } }));
      setBusy(false);
      onDone();
      onClose();
    } catch (err) {
      setBusy(false);
      setError(asApiError(err));
    }
  };
  return (
    <Modal
      open={submission !== null}
      title={t("reports.confirmTitle", { id: submission?.id ?? "" })}
      okText={t("reports.confirm")}
      cancelText={t("common.cancel")}
      okButtonProps={{ loading: busy }}
      onOk={() => void confirm()}
      onCancel={onClose}
      destroyOnClose
    >
      <ProblemAlert error={error} />
      {submission ? (
        <Descriptions size="small" column={1} bordered style={{ marginBottom: 16 }}>
          <Descriptions.Item label={t("mrv.enterprise")}>{enterprise}</Descriptions.Item>
          <Descriptions.Item label={t("mrv.year")}>{submission.year}</Descriptions.Item>
          <Descriptions.Item label={t("mrv.claimed")}>{fmt.number(submission.claimed_t)} t</Descriptions.Item>
          <Descriptions.Item label={t("mrv.verifiedT")}>{fmt.number(submission.verified_t ?? 0)} t</Descriptions.Item>
        </Descriptions>
      ) : null}
      <Alert type="warning" showIcon message={t("reports.confirmWarning", { t: fmt.number(submission?.verified_t ?? 0) })} />
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
        {t("common.irreversible")}
      </Typography.Paragraph>
    </Modal>
  );
}

function ReportDrawer({ id, onClose }: { id: number | null; onClose: () => void }) {
  const { t } = useI18n();
  const { api } = useSession();
  const loaded = useLoad(
    () => (id === null ? Promise.resolve(null) : call(api.client.GET("/api/v1/mrv/submissions/{submission_id}", { params: { path: { submission_id: id } } }))),
    [api, id],
  );
  return (
    <Drawer open={id !== null} onClose={onClose} width="min(1100px, 100vw)" title={id !== null ? t("mrv.reportTitle", { id, year: loaded.data?.year ?? "" }) : ""} destroyOnClose>
      <ProblemAlert error={loaded.error} onRetry={loaded.reload} />
      {loaded.data ? (
        <Flex vertical gap={12}>
          <Space>
            <SubmissionStatus status={loaded.data.status} />
          </Space>
          <SubmissionOverview submission={loaded.data} evidenceDownload />
        </Flex>
      ) : null}
    </Drawer>
  );
}

export function Reports() {
  const { t } = useI18n();
  const { api } = useSession();
  const [tab, setTab] = useState<TabDef>(TABS[0] as TabDef);
  const [page, setPage] = useState(1);
  const [assigning, setAssigning] = useState<SubmissionSummary | null>(null);
  const [confirming, setConfirming] = useState<SubmissionSummary | null>(null);
  const [viewing, setViewing] = useState<number | null>(null);
  const enterprises = useOrganisationNames("enterprise");
  const verifiers = useOrganisationNames("verifier");
  const nameOf = (id: number | null | undefined, list: { id: number; name: string }[] | undefined) =>
    id === null || id === undefined ? "—" : (list?.find((o) => o.id === id)?.name ?? `#${id}`);
  const list = useLoad(
    () => call(api.client.GET("/api/v1/mrv/submissions", { params: { query: { status: tab.status, offset: (page - 1) * PAGE, limit: PAGE, sort: "-updated_at" } } })),
    [api, tab, page],
  );
  return (
    <>
      <PageHeader
        title={t("reports.title")}
        subtitle={t("reports.intro")}
        extra={
          <Button icon={<ReloadOutlined />} onClick={list.reload}>
            {t("common.refresh")}
          </Button>
        }
      />
      <Card>
        <Tabs
          activeKey={tab.key}
          onChange={(k) => {
            setTab(TABS.find((x) => x.key === k) ?? (TABS[0] as TabDef));
            setPage(1);
          }}
          items={TABS.map((x) => ({ key: x.key, label: t(x.label) }))}
        />
        <ProblemAlert error={list.error ?? enterprises.error} onRetry={list.reload} />
        <SubmissionTable
          rows={list.data?.items ?? []}
          loading={list.loading}
          total={list.data?.total ?? 0}
          page={page}
          onPage={setPage}
          empty={t("reports.empty")}
          onOpen={(s) => setViewing(s.id)}
          extra={[
            { title: t("mrv.enterprise"), dataIndex: "enterprise_id", width: 220, render: (id: number) => nameOf(id, enterprises.data) },
            { title: t("reports.verifier"), dataIndex: "verifier_id", width: 200, render: (id: number | null) => nameOf(id, verifiers.data) },
            {
              title: t("common.actions"),
              key: "actions",
              width: 140,
              fixed: "right",
              render: (_, s) => (
                <Space>
                  {s.status === "submitted" || s.status === "assigned" ? (
                    <Button size="small" type={s.status === "submitted" ? "primary" : "default"} onClick={() => setAssigning(s)}>
                      {s.status === "submitted" ? t("reports.assign") : t("reports.reassign")}
                    </Button>
                  ) : null}
                  {s.status === "verified" ? (
                    <Button size="small" type="primary" onClick={() => setConfirming(s)}>
                      {t("reports.confirm")}
                    </Button>
                  ) : null}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <AssignDialog submission={assigning} onClose={() => setAssigning(null)} onDone={list.reload} />
      <ConfirmDialog
        submission={confirming}
        enterprise={nameOf(confirming?.enterprise_id, enterprises.data)}
        onClose={() => setConfirming(null)}
        onDone={() => {
          const id = confirming?.id ?? null;
          list.reload();
          setViewing(id);
        }}
      />
      <ReportDrawer id={viewing} onClose={() => setViewing(null)} />
    </>
  );
}
