/** Enterprise "Emissions & reporting": its submissions, the wizard for a new one, a report's page. */
import { useState } from "react";
import { useNavigate, useParams } from "react-router-dom";
import { Button, Card, Col, Empty, Flex, Row, Select, Skeleton, Table, Typography } from "antd";
import { PlusOutlined, ReloadOutlined } from "@ant-design/icons";
import { call } from "../../api/client";
import { LinkButton } from "../../components/LinkButton";
import { PageHeader } from "../../components/PageHeader";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useLoad } from "../../lib/useLoad";
import { useSession } from "../../session";
import type { Status } from "./model";
import { CalculationView, ChainRecordCard, EvidenceTable, Findings, StatusTimeline, SubmissionStatus, useTonnes, type Submission, type SubmissionSummary } from "./parts";
import { Wizard } from "./Wizard";

const PAGE = 20;
export const STATUSES: Status[] = ["draft", "submitted", "assigned", "verified", "rejected", "confirmed", "superseded"];

/** A table of submissions (the caller adds its own columns and actions). */
export function SubmissionTable({
  rows,
  loading,
  total,
  page,
  onPage,
  extra = [],
  onOpen,
  empty,
}: {
  rows: SubmissionSummary[];
  loading: boolean;
  total: number;
  page: number;
  onPage: (p: number) => void;
  extra?: NonNullable<Parameters<typeof Table<SubmissionSummary>>[0]["columns"]>;
  onOpen?: (s: SubmissionSummary) => void;
  empty: string;
}) {
  const { t, fmt } = useI18n();
  const tonnes = useTonnes();
  return (
    <Table<SubmissionSummary>
      rowKey="id"
      loading={loading}
      dataSource={rows}
      // the methodology takes a width of its own: squeezed into what the others leave, its
      // heading broke letter by letter on a tablet
      scroll={{ x: 1120 }}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={empty} /> }}
      onRow={(s) => ({ "data-testid": `submission-${s.id}` }) as React.HTMLAttributes<HTMLElement>}
      pagination={{ current: page, pageSize: PAGE, total, onChange: onPage, showTotal: (n) => t("common.total", { n: fmt.number(n) }) }}
      columns={[
        {
          title: t("mrv.report"),
          dataIndex: "id",
          width: 110,
          render: (id: number, s) =>
            onOpen ? (
              <Button type="link" style={{ padding: 0 }} onClick={() => onOpen(s)}>
                #{id}
              </Button>
            ) : (
              `#${id}`
            ),
        },
        { title: t("mrv.year"), dataIndex: "year", width: 120 },
        { title: t("mrv.methodology"), dataIndex: "methodology", width: 200, render: (m: string) => <Typography.Text code>{m}</Typography.Text> },
        { title: t("field.status"), dataIndex: "status", width: 110, render: (st: Status) => <SubmissionStatus status={st} /> },
        { title: t("mrv.totalShort"), dataIndex: "total_co2e", width: 150, align: "right", render: (v: string) => tonnes(v) },
        { title: t("mrv.claimed"), dataIndex: "claimed_t", width: 120, align: "right", render: (v: number) => fmt.number(v) },
        { title: t("mrv.updated"), dataIndex: "updated_at", width: 170, render: (d: string) => fmt.dateTime(d) },
        ...extra,
      ]}
    />
  );
}

export function Reporting() {
  const { t } = useI18n();
  const { api } = useSession();
  const navigate = useNavigate();
  const [status, setStatus] = useState<Status | undefined>();
  const [page, setPage] = useState(1);
  const list = useLoad(
    () => call(api.client.GET("/api/v1/mrv/submissions", { params: { query: { status, offset: (page - 1) * PAGE, limit: PAGE } } })),
    [api, status, page],
  );
  return (
    <>
      <PageHeader
        title={t("mrv.title")}
        subtitle={t("mrv.intro")}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={list.reload}>
              {t("common.refresh")}
            </Button>
            <LinkButton type="primary" icon={<PlusOutlined />} to="/app/mrv/new">
              {t("mrv.new")}
            </LinkButton>
          </>
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
            options={STATUSES.map((s) => ({ value: s, label: t(`mrv.status.${s}`) }))}
          />
        </Flex>
        <ProblemAlert error={list.error} onRetry={list.reload} />
        <SubmissionTable
          rows={list.data?.items ?? []}
          loading={list.loading}
          total={list.data?.total ?? 0}
          page={page}
          onPage={setPage}
          empty={t("mrv.empty")}
          onOpen={(s) => void navigate(`/app/mrv/${s.id}`)}
        />
      </Card>
    </>
  );
}

export function NewReport() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t("mrv.new")} subtitle={t("mrv.newIntro")} extra={<LinkButton to="/app/mrv">{t("mrv.toList")}</LinkButton>} />
      <Wizard />
    </>
  );
}

/** A submitted report: status timeline with transactions, chain record, calculation, evidence. */
export function SubmissionOverview({ submission, evidenceDownload }: { submission: Submission; evidenceDownload: boolean }) {
  const { t } = useI18n();
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xxl={16}>
        <Flex vertical gap={16}>
          <Card title={t("mrv.timeline")}>
            <StatusTimeline submission={submission} />
          </Card>
          <Card title={t("mrv.step.preview")}>
            <Flex vertical gap={16}>
              <Findings quality={submission.quality} />
              <CalculationView calculation={submission.calculation} />
            </Flex>
          </Card>
        </Flex>
      </Col>
      <Col xs={24} xxl={8}>
        <Flex vertical gap={16}>
          <ChainRecordCard submission={submission} />
          <Card title={t("mrv.step.evidence")} size="small">
            <EvidenceTable submissionId={submission.id} files={submission.evidence} canDownload={evidenceDownload} />
          </Card>
        </Flex>
      </Col>
    </Row>
  );
}

export function ReportPage() {
  const { t } = useI18n();
  const { api } = useSession();
  const { id } = useParams();
  const submissionId = Number(id);
  const [version, setVersion] = useState(0);
  const loaded = useLoad(
    () => call(api.client.GET("/api/v1/mrv/submissions/{submission_id}", { params: { path: { submission_id: submissionId } } })),
    [api, submissionId, version],
  );
  const sub = loaded.data;
  return (
    <>
      <PageHeader
        title={sub ? t("mrv.reportTitle", { id: sub.id, year: sub.year }) : t("mrv.title")}
        subtitle={sub ? <SubmissionStatus status={sub.status} /> : undefined}
        extra={<LinkButton to="/app/mrv">{t("mrv.toList")}</LinkButton>}
      />
      <ProblemAlert error={loaded.error} onRetry={loaded.reload} />
      {loaded.loading && !sub ? <Skeleton active /> : null}
      {sub && sub.status === "draft" ? <Wizard key={sub.id} draft={sub} onChanged={(s) => s.status !== "draft" && setVersion((v) => v + 1)} /> : null}
      {sub && sub.status !== "draft" ? <SubmissionOverview submission={sub} evidenceDownload /> : null}
    </>
  );
}
