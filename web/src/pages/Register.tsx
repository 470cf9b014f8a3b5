import { useState } from "react";
import { Link } from "react-router-dom";
import { Button, Form, Input, Radio, Result, Typography } from "antd";
import { call, type Kind, type Schemas } from "../api/client";
import type { ApiError } from "../api/errors";
import { LinkButton } from "../components/LinkButton";
import { ProblemAlert } from "../components/ProblemAlert";
import { useI18n } from "../i18n";
import { CenteredCard } from "../layout/CenteredCard";
import { showOnForm } from "../lib/problems";
import { useSession } from "../session";

type Values = {
  organisation: string;
  kind: Exclude<Kind, "admin">;
  credit_code?: string;
  username: string;
  display_name?: string;
  email?: string;
  password: string;
  confirm: string;
};

export const REGISTRABLE: readonly Exclude<Kind, "admin">[] = [
  "enterprise",
  "verifier",
  "regulator",
  "finance",
];

export function Register() {
  const i18n = useI18n();
  const { t } = i18n;
  const { api } = useSession();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Schemas["Registered"] | null>(null);
  const kind = Form.useWatch("kind", form);

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      const body: Schemas["RegisterOrganisation"] = {
        organisation: v.organisation.trim(),
        kind: v.kind,
        username: v.username.trim(),
        password: v.password,
        email: v.email?.trim() ?? "",
        display_name: v.display_name?.trim() ?? "",
        credit_code: v.credit_code?.trim() ? v.credit_code.trim().toUpperCase() : null,
        custody: "platform",
      };
      setDone(await call(api.client.POST("/api/v1/auth/register", { body })));
    } catch (err) {
      setError(showOnForm(form, err, i18n));
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <CenteredCard width={560}>
        <Result
          status="success"
          title={t("register.doneTitle")}
          subTitle={t("register.doneText", { name: done.organisation.name })}
          extra={
            <LinkButton to="/login" type="primary">
              {t("auth.signIn")}
            </LinkButton>
          }
        />
      </CenteredCard>
    );
  }

  return (
    <CenteredCard width={560}>
      <Typography.Title level={3}>{t("register.title")}</Typography.Title>
      <Typography.Paragraph type="secondary">{t("register.intro")}</Typography.Paragraph>
      <ProblemAlert error={error} />
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        disabled={busy}
        initialValues={{ kind: "enterprise" }}
        scrollToFirstError
      >
        <Form.Item name="kind" label={t("field.kind")}>
          <Radio.Group optionType="button" buttonStyle="solid">
            {REGISTRABLE.map((k) => (
              <Radio.Button key={k} value={k}>
                {t(`kind.${k}`)}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item
          name="organisation"
          label={t("field.organisation")}
          rules={[
            { required: true, message: t("validation.required") },
            { min: 2, message: t("validation.minChars", { n: 2 }) },
          ]}
        >
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item
          name="credit_code"
          label={t("field.creditCode")}
          extra={t("register.creditCodeHelp")}
          rules={[
            { required: kind === "enterprise", message: t("validation.required") },
            { len: 18, message: t("validation.creditCodeLength") },
          ]}
        >
          <Input maxLength={18} style={{ textTransform: "uppercase" }} />
        </Form.Item>
        <Form.Item
          name="username"
          label={t("field.username")}
          extra={t("register.usernameHelp")}
          rules={[{ required: true, message: t("validation.required") }]}
        >
          <Input autoComplete="username" maxLength={64} />
        </Form.Item>
        <Form.Item name="display_name" label={t("field.displayName")}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item
          name="email"
          label={t("field.email")}
          rules={[{ type: "email", message: t("validation.email") }]}
        >
          <Input autoComplete="email" maxLength={200} />
        </Form.Item>
        <Form.Item
          name="password"
          label={t("field.password")}
          extra={t("register.passwordHelp")}
          rules={[{ required: true, message: t("validation.required") }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t("field.confirmPassword")}
          dependencies={["password"]}
          rules={[
            { required: true, message: t("validation.required") },
            ({ getFieldValue }) => ({
              validator: (_, value) =>
                !value || getFieldValue("password") === value
                  ? Promise.resolve()
                  : Promise.reject(new Error(t("validation.passwordsDiffer"))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t("register.submit")}
        </Button>
      </Form>
      <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0, textAlign: "center" }}>
        {t("auth.haveAccount")} <Link to="/login">{t("auth.signIn")}</Link>
      </Typography.Paragraph>
    </CenteredCard>
  );
}
