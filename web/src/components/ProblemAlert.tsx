import { Alert, Button } from "antd";
import type { ApiError } from "../api/errors";
import { useI18n } from "../i18n";
import { problemText } from "../lib/problems";

export function ProblemAlert({ error, onRetry }: { error: ApiError | null; onRetry?: () => void }) {
  const i18n = useI18n();
  if (!error) return null;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      style={{ marginBottom: 16 }}
      message={problemText(error, i18n)}
      description={error.code === "network" ? i18n.t("error.network.hint") : undefined}
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {i18n.t("common.retry")}
          </Button>
        ) : undefined
      }
    />
  );
}
