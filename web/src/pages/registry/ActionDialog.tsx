import { useEffect, useRef, useState, type ReactNode } from "react";
import { Alert, Form, Modal, type FormInstance } from "antd";
import type { ApiError } from "../../api/errors";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { showOnForm } from "../../lib/problems";
import { newIdempotencyKey } from "./common";

/**
 * A form, then a confirmation of what it will do on chain (irreversible), then the call.
 * The server's errors go to the field at fault (the dialog returns to the form) or above
 * it; one idempotency key per opening, so a retry after a lost answer is not sent twice.
 */
export function ActionDialog<T extends object>({
  open,
  title,
  okText,
  form,
  children,
  summary,
  initialValues,
  rename,
  onSubmit,
  onDone,
  onClose,
  testId,
  note,
}: {
  open: boolean;
  title: string;
  okText: string;
  form: FormInstance<T>;
  children: ReactNode;
  /** what will happen, in words, for the confirmation step */
  summary: (values: T) => string;
  initialValues?: Partial<T>;
  rename?: Record<string, string>;
  onSubmit: (values: T, idempotencyKey: string) => Promise<unknown>;
  onDone: (result: unknown) => void;
  onClose: () => void;
  testId?: string;
  /** what the confirmation adds under the summary (default: written to the chain, for good) */
  note?: string;
}) {
  const i18n = useI18n();
  const [confirming, setConfirming] = useState<T | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const key = useRef(newIdempotencyKey());

  useEffect(() => {
    if (open) {
      key.current = newIdempotencyKey();
      setConfirming(null);
      setError(null);
    }
  }, [open]);

  const next = async () => {
    if (!confirming) {
      const values = await form.validateFields();
      setConfirming(values);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = await onSubmit(confirming, key.current);
      onDone(result);
    } catch (err) {
      setConfirming(null);
      setError(showOnForm(form, err, i18n, rename));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={title}
      okText={confirming ? i18n.t("registry.confirmSend") : okText}
      cancelText={confirming ? i18n.t("registry.back") : i18n.t("common.cancel")}
      okButtonProps={{ loading: busy, danger: confirming !== null, "data-testid": `${testId ?? "action"}-ok` }}
      onOk={() => void next().catch(() => undefined)}
      onCancel={() => (confirming && !busy ? setConfirming(null) : onClose())}
      destroyOnClose
    >
      <ProblemAlert error={error} />
      {confirming ? (
        <Alert
          type="warning"
          showIcon
          message={summary(confirming)}
          description={note ?? i18n.t("registry.onChainIrreversible")}
          data-testid={`${testId ?? "action"}-summary`}
        />
      ) : null}
      <div style={{ display: confirming ? "none" : undefined }}>
        <Form form={form} layout="vertical" initialValues={initialValues} preserve={false}>
          {children}
        </Form>
      </div>
    </Modal>
  );
}
