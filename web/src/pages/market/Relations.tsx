/**
 * Related organisations (the regulator's declarations): trades between two organisations
 * declared related are flagged as possible wash trades. Declare a pair, see the pairs,
 * withdraw one (its trades are no longer flagged).
 */
import { useState } from "react";
import { App, Button, Card, Flex, Form, Input, Popconfirm, Select, Table, Typography } from "antd";
import { call, type Schemas } from "../../api/client";
import type { ApiError } from "../../api/errors";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { asApiError, showOnForm } from "../../lib/problems";
import { useLoad } from "../../lib/useLoad";
import { useSession } from "../../session";

type Relation = Schemas["RelationPublic"];

interface Values {
  org_a?: number;
  org_b?: number;
  note: string;
}

export function RelationsCard({ orgs, onChanged }: { orgs: { id: number; name: string }[]; onChanged: () => void }) {
  const i18n = useI18n();
  const { t, fmt } = i18n;
  const { api } = useSession();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const relations = useLoad(() => call(api.client.GET("/api/v1/market/relations")), [api]);
  const names = new Map(orgs.map((o) => [o.id, o.name]));
  const nameOf = (id: number) => names.get(id) ?? t("auction.orgN", { id });
  const options = orgs.map((o) => ({ value: o.id, label: o.name }));

  const declare = async () => {
    let v: Values;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const made = await call(
        api.client.POST("/api/v1/market/relations", { body: { org_a: v.org_a ?? 0, org_b: v.org_b ?? 0, note: v.note ?? "" } }),
      );
      void message.success(t("relations.declared", { a: nameOf(made.org_a), b: nameOf(made.org_b) }));
      form.resetFields();
      relations.reload();
      onChanged();
    } catch (err) {
      setError(showOnForm(form, err, i18n));
    } finally {
      setBusy(false);
    }
  };

  const withdraw = async (r: Relation) => {
    setError(null);
    try {
      await call(api.client.DELETE("/api/v1/market/relations/{relation_id}", { params: { path: { relation_id: r.id } } }));
      void message.success(t("relations.withdrawn", { a: nameOf(r.org_a), b: nameOf(r.org_b) }));
      relations.reload();
      onChanged();
    } catch (err) {
      setError(asApiError(err));
    }
  };

  const different = {
    validator: (_: unknown, b: number | undefined) =>
      b !== undefined && b === form.getFieldValue("org_a") ? Promise.reject(new Error(t("relations.same"))) : Promise.resolve(),
  };
  return (
    <Card title={t("relations.title")} size="small" data-testid="relations">
      <Typography.Paragraph type="secondary">{t("relations.intro")}</Typography.Paragraph>
      <ProblemAlert error={error} />
      <Form<Values> form={form} name="relation" layout="inline" requiredMark={false} colon={false} initialValues={{ note: "" }} style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item required={false} name="org_a" label={t("relations.orgA")} rules={[{ required: true, message: t("relations.choose") }]}>
          <Select<number> showSearch optionFilterProp="label" options={options} style={{ width: 240 }} placeholder={t("relations.choosePlaceholder")} />
        </Form.Item>
        <Form.Item required={false} name="org_b" label={t("relations.orgB")} dependencies={["org_a"]} rules={[{ required: true, message: t("relations.choose") }, different]}>
          <Select<number> showSearch optionFilterProp="label" options={options} style={{ width: 240 }} placeholder={t("relations.choosePlaceholder")} />
        </Form.Item>
        <Form.Item name="note" label={t("relations.note")} rules={[{ max: 300, message: t("relations.noteTooLong") }]}>
          <Input style={{ width: 220 }} placeholder={t("relations.notePlaceholder")} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" loading={busy} onClick={() => void declare()} data-testid="declare-relation">
            {t("relations.declare")}
          </Button>
        </Form.Item>
      </Form>
      <ProblemAlert error={relations.error} onRetry={relations.reload} />
      <Table<Relation>
        size="small"
        rowKey="id"
        loading={relations.loading}
        dataSource={relations.data ?? []}
        pagination={{ pageSize: 10, showSizeChanger: false, hideOnSinglePage: true }}
        scroll={{ x: 720 }}
        locale={{ emptyText: t("relations.none") }}
        data-testid="relation-pairs"
        columns={[
          { title: "#", dataIndex: "id", width: 60 },
          {
            title: t("relations.pair"),
            key: "pair",
            render: (_, r) => (
              <Flex vertical>
                <span>{nameOf(r.org_a)}</span>
                <span>{nameOf(r.org_b)}</span>
              </Flex>
            ),
          },
          { title: t("relations.note"), dataIndex: "note", render: (n: string) => n || "—" },
          { title: t("relations.declaredAt"), dataIndex: "created_at", width: 170, render: (d: string) => fmt.dateTime(d) },
          {
            title: t("common.actions"),
            key: "actions",
            width: 110,
            render: (_, r) => (
              <Popconfirm
                title={t("relations.withdrawTitle", { a: nameOf(r.org_a), b: nameOf(r.org_b) })}
                description={t("relations.withdrawText")}
                okText={t("relations.withdraw")}
                cancelText={t("common.cancel")}
                okButtonProps={{ danger: true }}
                onConfirm={() => withdraw(r)}
              >
                <Button size="small" danger>
                  {t("relations.withdraw")}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
    </Card>
  );
}
