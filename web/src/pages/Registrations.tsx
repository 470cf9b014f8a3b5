import { useState } from "react";
import { Button, Card, Flex, Segmented, Select, Space, Table, Typography } from "antd";
import { CheckOutlined, CloseOutlined, ReloadOutlined } from "@ant-design/icons";
import { call, type Kind, type Organisation } from "../api/client";
import { DecisionDialog } from "../components/DecisionDialog";
import { PageHeader } from "../components/PageHeader";
import { ProblemAlert } from "../components/ProblemAlert";
import { useI18n } from "../i18n";
import { KindTag, StatusBadge } from "../lib/labels";
import { useLoad } from "../lib/useLoad";
import { useSession } from "../session";

type StatusFilter = "pending" | "active" | "rejected" | "all";
const PAGE = 20;

export function Registrations() {
  const { t, fmt } = useI18n();
  const { api } = useSession();
  const [status, setStatus] = useState<StatusFilter>("pending");
  const [kind, setKind] = useState<Kind | undefined>();
  const [page, setPage] = useState(1);
  const [deciding, setDeciding] = useState<{ org: Organisation; approve: boolean } | null>(null);

  const list = useLoad(
    () =>
      call(
        api.client.GET("/api/v1/organisations", {
          params: {
            query: {
              status: status === "all" ? undefined : status,
              kind,
              offset: (page - 1) * PAGE,
              limit: PAGE,
              sort: "-created_at",
            },
          },
        }),
      ),
    [api, status, kind, page],
  );

  const decide = async (note: string) => {
    if (!deciding) return;
    const path = deciding.approve
      ? "/api/v1/admin/organisations/{org_id}/approve"
      : "/api/v1/admin/organisations/{org_id}/reject";
    await call(api.client.POST(path, { params: { path: { org_id: deciding.org.id } }, body: { note } }));
    list.reload();
  };

  return (
    <>
      <PageHeader
        title={t("registrations.title")}
        subtitle={t("registrations.intro")}
        extra={
          <Button icon={<ReloadOutlined />} onClick={list.reload}>
            {t("common.refresh")}
          </Button>
        }
      />
      <Card>
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <Segmented<StatusFilter>
            value={status}
            onChange={(v) => {
              setStatus(v);
              setPage(1);
            }}
            options={(["pending", "active", "rejected", "all"] as const).map((s) => ({
              value: s,
              label: s === "all" ? t("common.all") : t(`status.${s}`),
            }))}
          />
          <Select<Kind>
            allowClear
            placeholder={t("field.kind")}
            aria-label={t("field.kind")}
            style={{ width: 160 }}
            value={kind}
            onChange={(v) => {
              setKind(v);
              setPage(1);
            }}
            options={(["enterprise", "verifier", "regulator", "finance"] as const).map((k) => ({
              value: k,
              label: t(`kind.${k}`),
            }))}
          />
        </Flex>
        <ProblemAlert error={list.error} onRetry={list.reload} />
        <Table<Organisation>
          rowKey="id"
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 820 }}
          locale={{ emptyText: status === "pending" ? t("registrations.empty") : t("common.empty") }}
          pagination={{
            current: page,
            pageSize: PAGE,
            total: list.data?.total ?? 0,
            onChange: setPage,
            showTotal: (n) => t("common.total", { n: fmt.number(n) }),
          }}
          columns={[
            {
              title: t("field.organisation"),
              dataIndex: "name",
              render: (name: string, org) => (
                <Space direction="vertical" size={0}>
                  <Typography.Text strong>{name}</Typography.Text>
                  {org.decision_note ? (
                    <Typography.Text type="secondary">{org.decision_note}</Typography.Text>
                  ) : null}
                </Space>
              ),
            },
            { title: t("field.kind"), dataIndex: "kind", width: 120, render: (k: Kind) => <KindTag kind={k} /> },
            {
              title: t("field.creditCode"),
              dataIndex: "credit_code",
              width: 200,
              render: (c: string | null) => (c ? <Typography.Text code>{c}</Typography.Text> : "—"),
            },
            { title: t("field.registeredAt"), dataIndex: "created_at", width: 180, render: (d: string) => fmt.dateTime(d) },
            { title: t("field.status"), dataIndex: "status", width: 110, render: (s: string) => <StatusBadge status={s} /> },
            {
              title: t("common.actions"),
              key: "actions",
              width: 200,
              fixed: "right",
              render: (_, org) =>
                org.status === "pending" ? (
                  <Space>
                    <Button
                      type="primary"
                      size="small"
                      icon={<CheckOutlined />}
                      onClick={() => setDeciding({ org, approve: true })}
                      data-testid={`approve-${org.id}`}
                    >
                      {t("registrations.approve")}
                    </Button>
                    <Button
                      danger
                      size="small"
                      icon={<CloseOutlined />}
                      onClick={() => setDeciding({ org, approve: false })}
                    >
                      {t("registrations.reject")}
                    </Button>
                  </Space>
                ) : (
                  <Typography.Text type="secondary">{fmt.dateTime(org.decided_at)}</Typography.Text>
                ),
            },
          ]}
        />
      </Card>
      <DecisionDialog
        open={deciding !== null}
        title={
          deciding
            ? t(deciding.approve ? "registrations.approveTitle" : "registrations.rejectTitle", {
                name: deciding.org.name,
              })
            : ""
        }
        warning={deciding?.approve ? t("registrations.approveWarning") : t("registrations.rejectWarning")}
        okText={deciding?.approve ? t("registrations.approve") : t("registrations.reject")}
        danger={!deciding?.approve}
        onDecide={decide}
        onClose={() => setDeciding(null)}
      />
    </>
  );
}
