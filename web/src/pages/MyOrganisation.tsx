import { useState } from "react";
import { Button, Card, Col, Descriptions, Form, Input, Modal, Row, Table, Tag, Typography } from "antd";
import { UserAddOutlined } from "@ant-design/icons";
import { call, type Schemas, type User } from "../api/client";
import type { ApiError } from "../api/errors";
import { PageHeader } from "../components/PageHeader";
import { ProblemAlert } from "../components/ProblemAlert";
import { useI18n } from "../i18n";
import { CertifiedTag, KindTag, StatusBadge, useIndustryName, useRegionName } from "../lib/labels";
import { showOnForm } from "../lib/problems";
import { useLoad } from "../lib/useLoad";
import { useSession } from "../session";

type NewUser = Schemas["NewUser"];

function AddUserDialog({ open, orgId, onClose, onAdded }: { open: boolean; orgId: number; onClose: () => void; onAdded: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { api } = useSession();
  const [form] = Form.useForm<NewUser>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const add = async () => {
    const values = await form.validateFields();
    setBusy(true);
    setError(null);
    try {
      await call(
        api.client.POST("/api/v1/organisations/{org_id}/users", {
          params: { path: { org_id: orgId } },
          body: { ...values, username: values.username.trim(), email: values.email ?? "", display_name: values.display_name ?? "" },
        }),
      );
      onAdded();
      onClose();
    } catch (err) {
      setError(showOnForm(form, err, i18n));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t("org.addUser")}
      okText={t("org.addUser")}
      cancelText={t("common.cancel")}
      okButtonProps={{ loading: busy }}
      onOk={() => void add()}
      onCancel={onClose}
      destroyOnClose
    >
      <ProblemAlert error={error} />
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item name="username" label={t("field.username")} extra={t("register.usernameHelp")} rules={[{ required: true, message: t("validation.required") }]}>
          <Input autoComplete="off" maxLength={64} />
        </Form.Item>
        <Form.Item name="display_name" label={t("field.displayName")}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="email" label={t("field.email")} rules={[{ type: "email", message: t("validation.email") }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="password" label={t("field.initialPassword")} extra={t("register.passwordHelp")} rules={[{ required: true, message: t("validation.required") }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function MyOrganisation() {
  const { t, fmt } = useI18n();
  const { api, me } = useSession();
  const [adding, setAdding] = useState(false);
  const industryName = useIndustryName();
  const regionName = useRegionName();
  const orgId = me?.organisation.id ?? 0;
  const users = useLoad(
    () => call(api.client.GET("/api/v1/organisations/{org_id}/users", { params: { path: { org_id: orgId } } })),
    [api, orgId],
  );
  if (!me) return null;
  const org = me.organisation;

  return (
    <>
      <PageHeader title={org.name} subtitle={t("org.intro")} />
      <Row gutter={[24, 24]}>
        <Col xs={24} xl={11}>
          <Card title={t("org.details")} data-testid="org-details">
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t("field.kind")}><KindTag kind={org.kind} /></Descriptions.Item>
              <Descriptions.Item label={t("field.status")}><StatusBadge status={org.status} /></Descriptions.Item>
              {org.kind === "enterprise" ? (
                <Descriptions.Item label={t("organisations.certification")}>
                  <CertifiedTag org={org} /> {org.certified_at ? fmt.date(org.certified_at) : null}
                </Descriptions.Item>
              ) : null}
              <Descriptions.Item label={t("field.creditCode")}>{org.credit_code ?? "—"}</Descriptions.Item>
              <Descriptions.Item label={t("field.industry")}>{industryName(org.industry)}</Descriptions.Item>
              <Descriptions.Item label={t("field.region")}>{regionName(org.region)}</Descriptions.Item>
              <Descriptions.Item label={t("org.custody")}>{t(org.custody === "client" ? "org.custodyClient" : "org.custodyPlatform")}</Descriptions.Item>
              <Descriptions.Item label={t("org.address")}>
                {org.address ? <Typography.Text code copyable style={{ fontSize: 12 }}>{org.address}</Typography.Text> : t("org.noAddress")}
              </Descriptions.Item>
              <Descriptions.Item label={t("org.onChain")}>{org.on_chain ? t("common.yes") : t("common.no")}</Descriptions.Item>
              <Descriptions.Item label={t("field.registeredAt")}>{fmt.dateTime(org.created_at)}</Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} xl={13}>
          <Card
            title={t("org.users")}
            extra={
              me.user.org_admin ? (
                <Button icon={<UserAddOutlined />} onClick={() => setAdding(true)}>
                  {t("org.addUser")}
                </Button>
              ) : null
            }
          >
            <ProblemAlert error={users.error} onRetry={users.reload} />
            <Table<User>
              rowKey="id"
              size="middle"
              loading={users.loading}
              dataSource={users.data ?? []}
              pagination={false}
              scroll={{ x: 560 }}
              locale={{ emptyText: t("common.empty") }}
              columns={[
                {
                  title: t("field.username"),
                  dataIndex: "username",
                  render: (u: string, user) => (
                    <>
                      {u} {user.id === me.user.id ? <Tag>{t("org.you")}</Tag> : null}
                      {user.org_admin ? <Tag color="blue">{t("org.orgAdmin")}</Tag> : null}
                    </>
                  ),
                },
                { title: t("field.displayName"), dataIndex: "display_name", render: (v: string) => v || "—" },
                { title: t("field.email"), dataIndex: "email", render: (v: string) => v || "—" },
                { title: t("org.lastLogin"), dataIndex: "last_login_at", render: (d: string | null) => fmt.dateTime(d) },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <AddUserDialog open={adding} orgId={org.id} onClose={() => setAdding(false)} onAdded={users.reload} />
    </>
  );
}
