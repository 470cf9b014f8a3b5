import { useState } from "react";
import { Alert, Button, Card, Flex, Input, InputNumber, Table, Typography } from "antd";
import { ReloadOutlined, SafetyOutlined } from "@ant-design/icons";
import { call, type AuditEntry, type Schemas } from "../api/client";
import type { ApiError } from "../api/errors";
import { PageHeader } from "../components/PageHeader";
import { ProblemAlert } from "../components/ProblemAlert";
import { useI18n } from "../i18n";
import { asApiError } from "../lib/problems";
import { useLoad } from "../lib/useLoad";
import { useSession } from "../session";

const PAGE = 25;

interface Filters {
  action?: string;
  username?: string;
  org_id?: number;
}

export function Audit() {
  const { t, tx, fmt } = useI18n();
  const { api } = useSession();
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const [integrity, setIntegrity] = useState<Schemas["AuditIntegrity"] | null>(null);
  const [checkError, setCheckError] = useState<ApiError | null>(null);
  const [checking, setChecking] = useState(false);

  const list = useLoad(
    () =>
      call(
        api.client.GET("/api/v1/admin/audit", {
          params: {
            query: {
              action: filters.action || undefined,
              username: filters.username || undefined,
              org_id: filters.org_id ?? undefined,
              offset: (page - 1) * PAGE,
              limit: PAGE,
            },
          },
        }),
      ),
    [api, filters, page],
  );
  const set = (patch: Filters) => {
    setFilters((f) => ({ ...f, ...patch }));
    setPage(1);
  };

  const verify = async () => {
    setChecking(true);
    setCheckError(null);
    try {
      setIntegrity(await call(api.client.GET("/api/v1/admin/audit/verify")));
    } catch (err) {
      setCheckError(asApiError(err));
    } finally {
      setChecking(false);
    }
  };

  return (
    <>
      <PageHeader
        title={t("audit.title")}
        subtitle={t("audit.intro")}
        extra={
          <>
            <Button icon={<SafetyOutlined />} loading={checking} onClick={() => void verify()}>
              {t("audit.verify")}
            </Button>
            <Button icon={<ReloadOutlined />} onClick={list.reload}>
              {t("common.refresh")}
            </Button>
          </>
        }
      />
      <ProblemAlert error={checkError} />
      {integrity ? (
        <Alert
          showIcon
          closable
          style={{ marginBottom: 16 }}
          type={integrity.intact ? "success" : "error"}
          message={
            integrity.intact
              ? t("audit.intact")
              : t("audit.broken", { id: integrity.first_broken_id ?? "?" })
          }
          onClose={() => setIntegrity(null)}
        />
      ) : null}
      <Card>
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <Input.Search allowClear placeholder={t("audit.action")} aria-label={t("audit.action")} style={{ width: 220 }} onSearch={(action) => set({ action })} />
          <Input.Search allowClear placeholder={t("field.username")} aria-label={t("field.username")} style={{ width: 180 }} onSearch={(username) => set({ username })} />
          <InputNumber<number>
            min={1}
            placeholder={t("audit.orgId")}
            aria-label={t("audit.orgId")}
            style={{ width: 150 }}
            onChange={(v) => set({ org_id: v ?? undefined })}
          />
        </Flex>
        <ProblemAlert error={list.error} onRetry={list.reload} />
        <Table<AuditEntry>
          rowKey="id"
          size="middle"
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 900 }}
          locale={{ emptyText: t("common.empty") }}
          pagination={{
            current: page,
            pageSize: PAGE,
            total: list.data?.total ?? 0,
            onChange: setPage,
            showSizeChanger: false,
            showTotal: (n) => t("common.total", { n: fmt.number(n) }),
          }}
          expandable={{
            expandedRowRender: (e) => (
              <Flex vertical gap={4}>
                <Typography.Text type="secondary">{t("audit.userAgent")}: {e.user_agent || "—"}</Typography.Text>
                <Typography.Text type="secondary">
                  {t("audit.hash")}: <Typography.Text code>{e.hash}</Typography.Text>
                </Typography.Text>
                <pre style={{ margin: 0, whiteSpace: "pre-wrap" }}>{JSON.stringify(e.detail, null, 2)}</pre>
              </Flex>
            ),
          }}
          columns={[
            { title: "#", dataIndex: "id", width: 70 },
            { title: t("audit.at"), dataIndex: "at", width: 180, render: (d: string) => fmt.dateTime(d) },
            { title: t("field.username"), dataIndex: "username", width: 140, render: (u: string) => u || "—" },
            {
              title: t("audit.action"),
              dataIndex: "action",
              render: (a: string) => (
                <Flex vertical>
                  <span>{tx(`action.${a}`, a)}</span>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>{a}</Typography.Text>
                </Flex>
              ),
            },
            { title: t("audit.target"), dataIndex: "target", width: 170, render: (v: string) => v || "—" },
            { title: t("audit.ip"), dataIndex: "ip", width: 130, render: (v: string) => v || "—" },
          ]}
        />
      </Card>
    </>
  );
}
