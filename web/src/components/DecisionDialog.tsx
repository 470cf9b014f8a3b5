import { useState } from "react";
import { Alert, Form, Input, Modal, Typography } from "antd";
import type { ApiError } from "../api/errors";
import { useI18n } from "../i18n";
import { showOnForm } from "../lib/problems";
import { ProblemAlert } from "./ProblemAlert";

/**
 * Confirm an irreversible decision (approve, reject) with an optional note; the dialog
 * stays open with the server's error when the decision fails.
 */
export function DecisionDialog({
  open,
  title,
  warning,
  okText,
  danger = false,
  onDecide,
  onClose,
}: {
  open: boolean;
  title: string;
  warning: string;
  okText: string;
  danger?: boolean;
  onDecide: (note: string) => Promise<void>;
  onClose: () => void;
}) {
  const i18n = useI18n();
  const [form] = Form.useForm<{ note: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const decide = async () => {
    const { note } = await form.validateFields();
    setBusy(true);
    setError(null);
    try {
      await onDecide(note?.trim() ?? "");
      form.resetFields();
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
      title={title}
      okText={okText}
      cancelText={i18n.t("common.cancel")}
      okButtonProps={{ danger, loading: busy }}
      onOk={() => void decide()}
      onCancel={onClose}
      destroyOnClose
    >
      <Alert type={danger ? "warning" : "info"} showIcon message={warning} style={{ marginBottom: 16 }} />
      <ProblemAlert error={error} />
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item name="note" label={i18n.t("field.note")}>
          <Input.TextArea rows={3} maxLength={500} showCount />
        </Form.Item>
      </Form>
      <Typography.Text type="secondary">{i18n.t("common.irreversible")}</Typography.Text>
    </Modal>
  );
}
