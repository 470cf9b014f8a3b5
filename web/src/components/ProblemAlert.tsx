import { Alert, Button } from "antd";
import type { ApiError } from "../api/errors";
import { useI18n } from "../i18n";
import { localLine, problemText } from "../lib/problems";

/** how many of a problem's engine messages are listed under it */
const LISTED = 5;

export function ProblemAlert({ error, onRetry }: { error: ApiError | null; onRetry?: () => void }) {
  const i18n = useI18n();
  if (!error) return null;
  // the accounting engine's problems: each in the user's language, as the server wrote it
  const engine = error.errors.filter((e) => e.message_zh);
  const listed = engine.length ? (
    <ul style={{ margin: 0, paddingInlineStart: 20 }} data-testid="engine-problems">
      {engine.slice(0, LISTED).map((e, i) => (
        <li key={i}>{localLine(e, i18n.locale)}</li>
      ))}
      {engine.length > LISTED ? <li>{i18n.t("problem.more", { n: i18n.fmt.number(engine.length - LISTED) })}</li> : null}
    </ul>
  ) : undefined;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      style={{ marginBottom: 16 }}
      message={problemText(error, i18n)}
      description={error.code === "network" ? i18n.t("error.network.hint") : listed}
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
