/** Pieces the MRV screens share: status, calculation breakdown, findings, evidence, timeline, chain record. */
import { useState } from "react";
import { Alert, Badge, Button, Card, Descriptions, Empty, Flex, List, Popconfirm, Space, Steps, Table, Tag, Timeline, Tooltip, Typography } from "antd";
import { DeleteOutlined, DownloadOutlined } from "@ant-design/icons";
import type { Schemas } from "../../api/client";
import type { ApiError } from "../../api/errors";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { asApiError } from "../../lib/problems";
import { useSession } from "../../session";
import { decimalNumber, shortHash, STAGES, stageOf, text, type Status } from "./model";
import { download } from "./transfer";

export type Submission = Schemas["SubmissionOut"];
export type SubmissionSummary = Schemas["SubmissionSummary"];
export type Evidence = Schemas["EvidenceOut"];
export type Calculation = Schemas["Calculation"];

const STATUS_COLOURS: Record<Status, string> = {
  draft: "default",
  submitted: "processing",
  assigned: "purple",
  verified: "cyan",
  rejected: "error",
  confirmed: "success",
  superseded: "default",
};

export function SubmissionStatus({ status }: { status: Status }) {
  const { t } = useI18n();
  return (
    <Tag color={STATUS_COLOURS[status]} data-testid="submission-status">
      {t(`mrv.status.${status}`)}
    </Tag>
  );
}

/** Tonnes of CO2e from an exact decimal string, at the locale's grouping. */
export function useTonnes() {
  const { fmt } = useI18n();
  return (value: string | number | null | undefined, digits = 2) =>
    value === null || value === undefined ? "—" : fmt.number(typeof value === "number" ? value : decimalNumber(value), digits);
}

export function Hash({ value, keep = 10 }: { value: string | null | undefined; keep?: number }) {
  if (!value) return <>—</>;
  return (
    <Tooltip title={value}>
      <Typography.Text code copyable={{ text: value }} style={{ fontSize: 12 }}>
        {shortHash(value, keep)}
      </Typography.Text>
    </Tooltip>
  );
}

interface Term {
  origin: string;
  symbol: string;
  unit: string;
  value: string;
}
interface ReportLine {
  line: string;
  facility: string;
  source: string;
  material: string;
  formula: string;
  gas: string;
  co2e: string;
  terms: Term[];
}
interface FactorUsed {
  ref: string;
  value: string;
  unit: string;
  document: string;
  table: string;
  status: string;
}

function reportLines(calc: Calculation): ReportLine[] {
  const lines = calc.report.lines;
  return Array.isArray(lines) ? (lines as ReportLine[]) : [];
}

function factorsUsed(calc: Calculation): FactorUsed[] {
  const f = calc.report.factors_used;
  return Array.isArray(f) ? (f as FactorUsed[]) : [];
}

function OriginTag({ origin, factors }: { origin: string; factors: FactorUsed[] }) {
  const { t, tx } = useI18n();
  const simple = ["input", "measured", "default", "constant", "computed"];
  if (simple.includes(origin)) return <Tag>{tx(`mrv.origin.${origin}`, origin)}</Tag>;
  const factor = factors.find((f) => f.ref === origin);
  return (
    <Tooltip title={factor ? `${factor.document} — ${factor.table} (${factor.status})` : origin}>
      <Tag color="blue">{t("mrv.origin.factor")}</Tag>
    </Tooltip>
  );
}

/** Each line's formula with its terms: quantity × factors = result, and where each factor came from. */
export function CalculationView({ calculation, highlight }: { calculation: Calculation; highlight?: Set<string> }) {
  const { t, fmt } = useI18n();
  const tonnes = useTonnes();
  const lines = reportLines(calculation);
  const factors = factorsUsed(calculation);
  return (
    <Flex vertical gap={16} data-testid="calculation">
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={t("mrv.total")}>
          <Typography.Text strong data-testid="calculation-total">
            {tonnes(calculation.total_co2e, 3)} tCO₂e
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t("mrv.claimed")}>{fmt.number(calculation.claimed_t)} t</Descriptions.Item>
        <Descriptions.Item label={t("mrv.resultDigest")}>
          <Hash value={calculation.result_digest} />
        </Descriptions.Item>
        <Descriptions.Item label={t("mrv.factorsDigest")}>
          <Hash value={calculation.factors_digest} />
        </Descriptions.Item>
      </Descriptions>
      <List
        dataSource={lines}
        locale={{ emptyText: t("mrv.noLines") }}
        renderItem={(line) => (
          <List.Item key={`${line.facility}/${line.line}`} style={highlight?.has(line.line) ? { background: "#fff1f0" } : undefined}>
            <Flex vertical gap={6} style={{ width: "100%" }}>
              <Flex justify="space-between" wrap gap={8}>
                <Space wrap>
                  <Typography.Text strong>{line.line}</Typography.Text>
                  <Tag>{line.source}</Tag>
                  {line.material ? <Tag color="geekblue">{line.material}</Tag> : null}
                </Space>
                <Typography.Text strong>
                  {tonnes(line.co2e, 3)} tCO₂e
                </Typography.Text>
              </Flex>
              <Typography.Text type="secondary" code>
                {line.formula}
              </Typography.Text>
              <Flex wrap gap={8} align="center" aria-label={t("mrv.formulaTerms")}>
                {line.terms.map((term, i) => (
                  <Flex key={`${term.symbol}-${i}`} align="center" gap={4}>
                    {i > 0 ? <Typography.Text type="secondary">×</Typography.Text> : null}
                    <Typography.Text>
                      {term.symbol} = {fmt.number(decimalNumber(term.value), Math.min(6, (term.value.split(".")[1] ?? "").length))} {term.unit}
                    </Typography.Text>
                    <OriginTag origin={term.origin} factors={factors} />
                  </Flex>
                ))}
                <Typography.Text type="secondary">=</Typography.Text>
                <Typography.Text strong>{tonnes(line.co2e, 3)} t{line.gas}</Typography.Text>
              </Flex>
            </Flex>
          </List.Item>
        )}
      />
      {factors.length ? (
        <Table<FactorUsed>
          size="small"
          rowKey="ref"
          pagination={false}
          scroll={{ x: 720 }}
          title={() => <Typography.Text strong>{t("mrv.factorsUsed")}</Typography.Text>}
          dataSource={factors}
          columns={[
            { title: t("mrv.factor"), dataIndex: "ref", render: (r: string) => <Typography.Text code>{r}</Typography.Text> },
            { title: t("mrv.value"), dataIndex: "value", width: 140, render: (v: string, f) => `${v} ${f.unit}` },
            { title: t("mrv.provenance"), dataIndex: "document", render: (d: string, f) => `${d} — ${f.table}` },
            { title: t("field.status"), dataIndex: "status", width: 100 },
          ]}
        />
      ) : null}
    </Flex>
  );
}

/** Data-quality findings: errors block submitting; warnings and cleaning notes do not. */
export function Findings({ quality }: { quality: Submission["quality"] }) {
  const { t, locale } = useI18n();
  if (quality.findings.length === 0) return <Alert type="success" showIcon message={t("mrv.quality.clean")} />;
  const colour = { error: "error", warning: "warning", info: "default" } as const;
  return (
    <Flex vertical gap={8} data-testid="findings">
      {quality.blocking ? <Alert type="error" showIcon message={t("mrv.quality.blocking", { n: quality.errors })} /> : null}
      <List
        size="small"
        bordered
        dataSource={quality.findings}
        renderItem={(f) => (
          <List.Item>
            <Space wrap>
              <Tag color={colour[f.severity]}>{t(`mrv.severity.${f.severity}`)}</Tag>
              <Typography.Text code>{f.path || "/"}</Typography.Text>
              <Typography.Text>{f.message[locale] ?? f.message["en-US"] ?? f.code}</Typography.Text>
            </Space>
          </List.Item>
        )}
      />
    </Flex>
  );
}

/** The evidence files with their SHA-256; download decrypted (owner, verifier, regulator), delete (drafts). */
export function EvidenceTable({
  submissionId,
  files,
  canDownload,
  onDelete,
}: {
  submissionId: number;
  files: Evidence[];
  canDownload: boolean;
  onDelete?: (file: Evidence) => Promise<void>;
}) {
  const { t, fmt } = useI18n();
  const { api } = useSession();
  const [error, setError] = useState<ApiError | null>(null);
  const [downloaded, setDownloaded] = useState<Record<number, string | null>>({});
  const get = async (file: Evidence) => {
    setError(null);
    try {
      const got = await download(api, `/api/v1/mrv/submissions/${submissionId}/evidence/${file.id}/content`, file.filename);
      setDownloaded((d) => ({ ...d, [file.id]: got.sha256 }));
    } catch (err) {
      setError(asApiError(err));
    }
  };
  return (
    <>
      <ProblemAlert error={error} />
      <Table<Evidence>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={files}
        scroll={{ x: 720 }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("mrv.evidence.none")} /> }}
        columns={[
          { title: t("mrv.evidence.file"), dataIndex: "filename" },
          { title: t("mrv.evidence.size"), dataIndex: "size", width: 120, render: (n: number) => `${fmt.number(n)} B` },
          {
            title: "SHA-256",
            dataIndex: "sha256",
            render: (h: string, f) => (
              <Space>
                <Hash value={h} keep={12} />
                {f.id in downloaded ? (
                  downloaded[f.id] === h ? (
                    <Badge status="success" text={t("mrv.evidence.hashMatches")} />
                  ) : (
                    <Badge status="error" text={t("mrv.evidence.hashDiffers")} />
                  )
                ) : null}
              </Space>
            ),
          },
          { title: t("mrv.evidence.uploaded"), dataIndex: "created_at", width: 170, render: (d: string) => fmt.dateTime(d) },
          {
            title: t("common.actions"),
            key: "actions",
            width: 190,
            render: (_, f) => (
              <Space>
                {canDownload ? (
                  <Button size="small" icon={<DownloadOutlined />} onClick={() => void get(f)}>
                    {t("mrv.evidence.download")}
                  </Button>
                ) : null}
                {onDelete ? (
                  <Popconfirm
                    title={t("mrv.evidence.deleteConfirm", { name: f.filename })}
                    okText={t("mrv.evidence.delete")}
                    cancelText={t("common.cancel")}
                    okButtonProps={{ danger: true }}
                    onConfirm={() => onDelete(f).catch((err: unknown) => setError(asApiError(err)))}
                  >
                    <Button size="small" danger icon={<DeleteOutlined />} aria-label={t("mrv.evidence.delete")} />
                  </Popconfirm>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
    </>
  );
}

/** draft → calculated → submitted → assigned → attested/rejected → confirmed, with each on-chain step's transaction. */
export function StatusTimeline({ submission }: { submission: Submission }) {
  const { t, tx, fmt } = useI18n();
  const { index, failed } = stageOf(submission.status, submission.evidence.length > 0);
  const decided = submission.status === "rejected" ? "mrv.stage.rejected" : "mrv.stage.attested";
  return (
    <Flex vertical gap={24} data-testid="status-timeline">
      <Steps
        size="small"
        current={Math.min(index, STAGES.length - 1)}
        status={failed ? "error" : index >= STAGES.length ? "finish" : "process"}
        responsive
        items={STAGES.map((s) => ({ title: t(s === "decided" ? decided : `mrv.stage.${s}`) }))}
      />
      <Timeline
        items={submission.history.map((h) => ({
          color: h.to_status === "rejected" ? "red" : h.tx_hash ? "green" : "gray",
          children: (
            <Flex vertical gap={2}>
              <Typography.Text strong>
                {tx(`mrv.action.${h.action}`, h.action)} → {tx(`mrv.status.${h.to_status}`, h.to_status)}
              </Typography.Text>
              <Typography.Text type="secondary">{fmt.dateTime(h.at)}</Typography.Text>
              {h.tx_hash ? (
                <Space wrap>
                  <Typography.Text type="secondary">{t("mrv.tx")}</Typography.Text>
                  <Typography.Text code copyable data-testid="tx-hash" style={{ fontSize: 12 }}>
                    {h.tx_hash}
                  </Typography.Text>
                  <Typography.Text type="secondary">
                    {t("mrv.block")} {fmt.number(h.block ?? 0)}
                  </Typography.Text>
                </Space>
              ) : null}
            </Flex>
          ),
        }))}
      />
    </Flex>
  );
}

/** The report as the EmissionReports contract holds it. */
export function ChainRecordCard({ submission }: { submission: Submission }) {
  const { t, tx, fmt } = useI18n();
  const chain = submission.chain;
  return (
    <Card title={t("mrv.chain.title")} size="small" data-testid="chain-record">
      {chain ? (
        <Descriptions size="small" column={1} bordered>
          <Descriptions.Item label={t("mrv.chain.reportId")}>{fmt.number(chain.report_id)}</Descriptions.Item>
          <Descriptions.Item label={t("mrv.chain.version")}>{chain.version}</Descriptions.Item>
          <Descriptions.Item label={t("mrv.chain.evidenceRoot")}>
            <Hash value={chain.evidence_root} />
          </Descriptions.Item>
          <Descriptions.Item label={t("mrv.chain.calculationDigest")}>
            <Hash value={chain.calculation_digest} />
          </Descriptions.Item>
          <Descriptions.Item label={t("mrv.tx")}>
            <Hash value={chain.tx_hash} />
          </Descriptions.Item>
          <Descriptions.Item label={t("mrv.block")}>{fmt.number(chain.block)}</Descriptions.Item>
          {submission.verified_t !== null ? (
            <Descriptions.Item label={t("mrv.verifiedT")}>{fmt.number(submission.verified_t)} t</Descriptions.Item>
          ) : null}
          {submission.opinion ? <Descriptions.Item label={t("mrv.opinion")}>{t(`mrv.opinion.${submission.opinion}`)}</Descriptions.Item> : null}
          {submission.document_hash ? (
            <Descriptions.Item label={t("mrv.statementHash")}>
              <Hash value={submission.document_hash} />
            </Descriptions.Item>
          ) : null}
        </Descriptions>
      ) : (
        <Typography.Text type="secondary">{t("mrv.chain.notYet")}</Typography.Text>
      )}
      {submission.reject_reason ? (
        <Alert
          style={{ marginTop: 12 }}
          type="error"
          showIcon
          message={tx(`mrv.reason.${submission.reject_code ?? 99}`, t("mrv.rejected"))}
          description={submission.reject_reason}
        />
      ) : null}
    </Card>
  );
}

/** The enterprise's name as the activity-data document states it. */
export function enterpriseName(submission: Submission): string {
  const e = submission.document.enterprise;
  return typeof e === "object" && e !== null && "name" in e ? text(e.name) : "";
}
