import { Result } from "antd";
import { LinkButton } from "../components/LinkButton";
import { useI18n } from "../i18n";

export function NotFound() {
  const { t } = useI18n();
  return (
    <Result
      status="404"
      title={t("notFound.title")}
      subTitle={t("notFound.text")}
      extra={
        <LinkButton to="/" type="primary">
          {t("nav.home")}
        </LinkButton>
      }
    />
  );
}

export function Forbidden() {
  const { t } = useI18n();
  return (
    <Result
      status="403"
      title={t("forbidden.title")}
      subTitle={t("forbidden.text")}
      extra={
        <LinkButton to="/app" type="primary">
          {t("nav.workspace")}
        </LinkButton>
      }
    />
  );
}
