import { Button, Card, Col, Flex, Row, Typography, theme } from "antd";
import {
  AuditOutlined,
  BankOutlined,
  CalculatorOutlined,
  FileProtectOutlined,
  SafetyCertificateOutlined,
  SwapOutlined,
} from "@ant-design/icons";
import { ChainStatusCard } from "../components/ChainStatusCard";
import { LinkButton } from "../components/LinkButton";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/zh-CN";
import { useSession } from "../session";

const ROLES: { icon: React.ReactNode; title: MessageKey; text: MessageKey }[] = [
  { icon: <CalculatorOutlined />, title: "kind.enterprise", text: "landing.role.enterprise" },
  { icon: <FileProtectOutlined />, title: "kind.verifier", text: "landing.role.verifier" },
  { icon: <SafetyCertificateOutlined />, title: "kind.regulator", text: "landing.role.regulator" },
  { icon: <BankOutlined />, title: "kind.finance", text: "landing.role.finance" },
  { icon: <AuditOutlined />, title: "kind.admin", text: "landing.role.admin" },
  { icon: <SwapOutlined />, title: "kind.public", text: "landing.role.public" },
];

export function Landing() {
  const { t } = useI18n();
  const { me } = useSession();
  const { token } = theme.useToken();
  return (
    <Flex vertical gap={24}>
      <div
        style={{
          padding: "40px 32px",
          borderRadius: token.borderRadiusLG,
          background: "linear-gradient(120deg, #dff1ea 0%, #f3faf7 55%, #ffffff 100%)",
          border: `1px solid ${token.colorBorderSecondary}`,
        }}
      >
        <Typography.Title level={1} style={{ marginTop: 0 }}>
          {t("landing.title")}
        </Typography.Title>
        <Typography.Paragraph style={{ fontSize: 16, maxWidth: 760 }}>
          {t("landing.lead")}
        </Typography.Paragraph>
        <Flex gap={12} wrap>
          {me ? (
            <LinkButton to="/app" type="primary" size="large">
              {t("landing.toWorkspace")}
            </LinkButton>
          ) : (
            <>
              <LinkButton to="/login" type="primary" size="large">
                {t("auth.signIn")}
              </LinkButton>
              <LinkButton to="/register" size="large">
                {t("landing.registerCta")}
              </LinkButton>
            </>
          )}
          <LinkButton to="/chain" size="large" type="link">
            {t("landing.chainLink")}
          </LinkButton>
          <Button size="large" type="link" href="/docs">
            {t("app.apiDocs")}
          </Button>
        </Flex>
      </div>
      <Row gutter={[24, 24]}>
        <Col xs={24} lg={15}>
          <Typography.Title level={4} style={{ marginTop: 0 }}>
            {t("landing.whoTitle")}
          </Typography.Title>
          <Row gutter={[16, 16]}>
            {ROLES.map((r) => (
              <Col key={r.title} xs={24} sm={12}>
                <Card size="small" style={{ height: "100%" }}>
                  <Card.Meta
                    avatar={<span style={{ fontSize: 22, color: token.colorPrimary }}>{r.icon}</span>}
                    title={t(r.title)}
                    description={t(r.text)}
                  />
                </Card>
              </Col>
            ))}
          </Row>
        </Col>
        <Col xs={24} lg={9}>
          <ChainStatusCard compact />
        </Col>
      </Row>
    </Flex>
  );
}
