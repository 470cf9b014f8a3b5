import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { Button, Form, Input, Typography } from "antd";
import { LockOutlined, UserOutlined } from "@ant-design/icons";
import type { ApiError } from "../api/errors";
import { ProblemAlert } from "../components/ProblemAlert";
import { useI18n } from "../i18n";
import { CenteredCard } from "../layout/CenteredCard";
import { showOnForm } from "../lib/problems";
import { useSession } from "../session";

interface Values {
  username: string;
  password: string;
}

/** Only paths inside the application are followed after signing in. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/app";
}

export function Login() {
  const i18n = useI18n();
  const { t } = i18n;
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (values: Values) => {
    setBusy(true);
    setError(null);
    try {
      await signIn(values.username.trim(), values.password);
      void navigate(safeNext(params.get("next")), { replace: true });
    } catch (err) {
      setError(showOnForm(form, err, i18n));
    } finally {
      setBusy(false);
    }
  };

  return (
    <CenteredCard>
      <Typography.Title level={3}>{t("auth.signInTitle")}</Typography.Title>
      <Typography.Paragraph type="secondary">{t("auth.signInIntro")}</Typography.Paragraph>
      <ProblemAlert error={error} />
      <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} disabled={busy}>
        <Form.Item
          name="username"
          label={t("field.username")}
          rules={[{ required: true, message: t("validation.required") }]}
        >
          <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item
          name="password"
          label={t("field.password")}
          rules={[{ required: true, message: t("validation.required") }]}
        >
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t("auth.signIn")}
        </Button>
      </Form>
      <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0, textAlign: "center" }}>
        {t("auth.noAccount")} <Link to="/register">{t("auth.registerLink")}</Link>
      </Typography.Paragraph>
    </CenteredCard>
  );
}
