import { Link } from "react-router-dom";
import { Alert, Card, Col, Row, Skeleton, Statistic, Tag, Typography } from "antd";
import { call, type Kind } from "../api/client";
import { ChainStatusCard } from "../components/ChainStatusCard";
import { PageHeader } from "../components/PageHeader";
import { ProblemAlert } from "../components/ProblemAlert";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/zh-CN";
import { screensFor } from "../nav";
import { useLoad } from "../lib/useLoad";
import { useSession, type Role } from "../session";
import { EnterpriseDashboard } from "./registry/Dashboard";

interface Figure {
  label: MessageKey;
  query: { kind?: Kind; status?: string; certified?: boolean };
  link: string;
}

/** Counts that tell a supervisor what waits for them, each one the API's own total. */
const FIGURES: Partial<Record<Role, Figure[]>> = {
  admin: [
    { label: "workspace.pending", query: { status: "pending" }, link: "/app/registrations" },
    { label: "workspace.organisations", query: {}, link: "/app/organisations" },
  ],
  regulator: [
    { label: "workspace.toCertify", query: { kind: "enterprise", status: "active", certified: false }, link: "/app/organisations" },
    { label: "workspace.certified", query: { kind: "enterprise", certified: true }, link: "/app/organisations" },
  ],
};

function Figures({ figures }: { figures: Figure[] }) {
  const { t, fmt } = useI18n();
  const { api } = useSession();
  const totals = useLoad(
    () =>
      Promise.all(
        figures.map((f) =>
          call(api.client.GET("/api/v1/organisations", { params: { query: { ...f.query, limit: 1 } } })).then((p) => p.total),
        ),
      ),
    [api, figures],
  );
  return (
    <>
      <ProblemAlert error={totals.error} onRetry={totals.reload} />
      <Row gutter={[16, 16]}>
        {figures.map((f, i) => (
          <Col key={f.label} xs={24} sm={12}>
            <Link to={f.link}>
              <Card hoverable>
                {totals.loading ? (
                  <Skeleton active paragraph={false} />
                ) : (
                  <Statistic title={t(f.label)} value={totals.data?.[i] ?? 0} formatter={(v) => fmt.number(Number(v))} />
                )}
              </Card>
            </Link>
          </Col>
        ))}
      </Row>
    </>
  );
}

export function Workspace() {
  const { t } = useI18n();
  const { me, role } = useSession();
  if (!me) return null;
  const org = me.organisation;
  const figures = FIGURES[role];
  const screens = screensFor(role).filter((s) => s.path !== "/app");
  return (
    <>
      <PageHeader
        title={t("workspace.welcome", { name: me.user.display_name || me.user.username })}
        subtitle={t(`workspace.intro.${org.kind}`)}
      />
      {org.kind === "enterprise" && !org.certified ? (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t("workspace.awaitingCertification")} />
      ) : null}
      <Row gutter={[24, 24]}>
        <Col xs={24} xl={16}>
          {org.kind === "enterprise" && org.certified ? <EnterpriseDashboard /> : null}
          {figures ? <Figures figures={figures} /> : null}
          <Typography.Title level={5} style={{ marginTop: figures ? 24 : 0 }}>
            {t("workspace.screens")}
          </Typography.Title>
          <Row gutter={[16, 16]}>
            {screens.map((s) => (
              <Col key={s.path} xs={24} sm={12} lg={8}>
                <Link to={s.path}>
                  <Card hoverable size="small" style={{ height: "100%" }}>
                    <Card.Meta
                      avatar={<span style={{ fontSize: 20 }}>{s.icon}</span>}
                      title={t(s.label)}
                      description={s.planned ? <Tag>{t("planned.tag")}</Tag> : <Tag color="green">{t("planned.ready")}</Tag>}
                    />
                  </Card>
                </Link>
              </Col>
            ))}
          </Row>
        </Col>
        <Col xs={24} xl={8}>
          <ChainStatusCard compact />
        </Col>
      </Row>
    </>
  );
}
