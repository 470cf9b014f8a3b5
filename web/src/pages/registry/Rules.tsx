/**
 * A compliance year's rules as the chain holds them: the surrender deadline, the offset cap
 * and the banking rule (which vintages' allowances may be surrendered for the year), which
 * the regulator changes here, each change a transaction.
 */
import { useState } from "react";
import { App, Button, Card, Descriptions, InputNumber, Popconfirm, Space, Table, Tag } from "antd";
import { call } from "../../api/client";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { asApiError } from "../../lib/problems";
import { useLoad } from "../../lib/useLoad";
import { useSession } from "../../session";
import type { ApiError } from "../../api/errors";

export function RulesCard({ initialYear }: { initialYear: number }) {
  const { t, fmt } = useI18n();
  const { api } = useSession();
  const { message } = App.useApp();
  const [year, setYear] = useState(initialYear);
  const [busy, setBusy] = useState<number | null>(null);
  const [failed, setFailed] = useState<ApiError | null>(null);
  const rules = useLoad(() => call(api.client.GET("/api/v1/compliance/rules/{year}", { params: { path: { year } } })), [api, year]);

  const setEligible = async (vintage: number, eligible: boolean) => {
    setBusy(vintage);
    setFailed(null);
    try {
      await call(
        api.client.POST("/api/v1/compliance/eligibility", {
          body: { year, vintage, eligible },
          headers: { "Idempotency-Key": crypto.randomUUID() },
        }),
      );
      void message.success(t(eligible ? "registry.rules.allowed" : "registry.rules.withdrawn", { vintage, year }));
      rules.reload();
    } catch (err) {
      setFailed(asApiError(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card
      title={t("registry.rules.title")}
      style={{ marginBottom: 24 }}
      data-testid="rules-card"
      extra={
        <InputNumber
          aria-label={t("registry.rules.year")}
          min={2000}
          max={2100}
          precision={0}
          value={year}
          onChange={(v) => v && setYear(v)}
          style={{ width: 110 }}
        />
      }
    >
      <ProblemAlert error={rules.error ?? failed} onRetry={rules.error ? rules.reload : undefined} />
      <Descriptions size="small" column={{ xs: 1, sm: 2, md: 2, lg: 2, xl: 2, xxl: 2 }} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t("registry.compliance.deadline")}>
          {rules.data?.deadline ? fmt.dateTime(rules.data.deadline) : t("registry.rules.noDeadline")}
        </Descriptions.Item>
        <Descriptions.Item label={t("registry.rules.offsetCap")}>
          {rules.data ? `${fmt.number(rules.data.offset_cap_bps / 100)} %` : "—"}
        </Descriptions.Item>
      </Descriptions>
      <Table
        rowKey="vintage"
        size="small"
        pagination={false}
        loading={rules.loading}
        dataSource={rules.data?.vintages ?? []}
        columns={[
          { title: t("registry.vintage"), dataIndex: "vintage", width: 90 },
          {
            title: t("registry.rules.countsFor", { year }),
            dataIndex: "eligible",
            render: (ok: boolean) => (ok ? <Tag color="green">{t("registry.rules.eligible")}</Tag> : <Tag>{t("registry.rules.notEligible")}</Tag>),
          },
          {
            title: t("common.actions"),
            key: "a",
            width: 130,
            render: (_, r) => (
              <Popconfirm
                title={t(r.eligible ? "registry.rules.confirmWithdraw" : "registry.rules.confirmAllow", { vintage: r.vintage, year })}
                okText={t("common.yes")}
                cancelText={t("common.cancel")}
                onConfirm={() => setEligible(r.vintage, !r.eligible)}
              >
                <Space>
                  <Button size="small" loading={busy === r.vintage} data-testid={`rule-${r.vintage}`} danger={r.eligible}>
                    {t(r.eligible ? "registry.rules.withdraw" : "registry.rules.allow")}
                  </Button>
                </Space>
              </Popconfirm>
            ),
          },
        ]}
      />
    </Card>
  );
}
