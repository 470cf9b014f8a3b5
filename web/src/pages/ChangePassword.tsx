import { useState } from "react";
import { useNavigate } from "react-router-dom";
import { Button, Card, Form, Input, message } from "antd";
import { call } from "../api/client";
import type { ApiError } from "../api/errors";
import { PageHeader } from "../components/PageHeader";
import { ProblemAlert } from "../components/ProblemAlert";
import { useI18n } from "../i18n";
import { showOnForm } from "../lib/problems";
import { useSession } from "../session";

interface Values {
  current_password: string;
  new_password: string;
  confirm: string;
}

export function ChangePassword() {
  const i18n = useI18n();
  const { t } = i18n;
  const { api, signOut } = useSession();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [toast, holder] = message.useMessage();

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      await call(
        api.client.POST("/api/v1/auth/password", {
          body: { current_password: v.current_password, new_password: v.new_password },
        }),
      );
      // every earlier token stops working: sign in again with the new password
      void toast.success(t("password.done"));
      void navigate("/login", { replace: true });
      signOut();
    } catch (err) {
      setError(showOnForm(form, err, i18n));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {holder}
      <PageHeader title={t("password.title")} subtitle={t("password.intro")} />
      <Card style={{ maxWidth: 520 }}>
        <ProblemAlert error={error} />
        <Form form={form} layout="vertical" onFinish={submit} disabled={busy}>
          <Form.Item name="current_password" label={t("field.currentPassword")} rules={[{ required: true, message: t("validation.required") }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item
            name="new_password"
            label={t("field.newPassword")}
            extra={t("register.passwordHelp")}
            rules={[{ required: true, message: t("validation.required") }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label={t("field.confirmPassword")}
            dependencies={["new_password"]}
            rules={[
              { required: true, message: t("validation.required") },
              ({ getFieldValue }) => ({
                validator: (_, value) =>
                  !value || getFieldValue("new_password") === value
                    ? Promise.resolve()
                    : Promise.reject(new Error(t("validation.passwordsDiffer"))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t("password.submit")}
          </Button>
        </Form>
      </Card>
    </>
  );
}
