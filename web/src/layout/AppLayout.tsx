import { useState } from "react";
import { Link, Outlet, useLocation, useNavigate } from "react-router-dom";
import { Avatar, Button, Dropdown, Flex, Grid, Layout, Menu, Tag, Typography, theme } from "antd";
import { KeyOutlined, LoginOutlined, LogoutOutlined, TeamOutlined, UserOutlined } from "@ant-design/icons";
import { LanguageSwitch } from "../components/LanguageSwitch";
import { LinkButton } from "../components/LinkButton";
import { useI18n } from "../i18n";
import { screensFor } from "../nav";
import { useSession } from "../session";
import { Logo } from "./Logo";

const { Header, Sider, Content, Footer } = Layout;

/** The most specific sidebar entry that contains the current path. */
function selectedKey(paths: string[], current: string): string[] {
  const match = paths
    .filter((p) => current === p || (p !== "/" && p !== "/app" && current.startsWith(p + "/")))
    .sort((a, b) => b.length - a.length)[0];
  return match ? [match] : [];
}

export function AppLayout() {
  const { t } = useI18n();
  const { me, role, signOut } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const [collapsed, setCollapsed] = useState<boolean | null>(null);
  const { token } = theme.useToken();
  const narrow = !screens.lg;
  const isCollapsed = collapsed ?? narrow;
  const items = screensFor(role);

  const userMenu = {
    items: [
      { key: "/app/organisation", icon: <TeamOutlined />, label: t("nav.myOrganisation") },
      { key: "/app/password", icon: <KeyOutlined />, label: t("nav.password") },
      { type: "divider" as const },
      { key: "signout", icon: <LogoutOutlined />, label: t("auth.signOut"), danger: true },
    ],
    onClick: ({ key }: { key: string }) => {
      if (key === "signout") {
        // leave the protected page in the same render (both updates are batched), or its
        // guard would send you to sign in again
        void navigate("/");
        signOut();
      } else {
        void navigate(key);
      }
    },
  };

  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Sider
        theme="light"
        width={232}
        collapsible
        collapsed={isCollapsed}
        onCollapse={setCollapsed}
        collapsedWidth={64}
        style={{ borderRight: `1px solid ${token.colorBorderSecondary}` }}
        aria-label={t("nav.sidebar")}
      >
        <Link to={me ? "/app" : "/"} aria-label={t("app.name")}>
          <Logo compact={isCollapsed} />
        </Link>
        <Menu
          mode="inline"
          selectedKeys={selectedKey(
            items.map((s) => s.path),
            location.pathname,
          )}
          items={items.map((s) => ({
            key: s.path,
            icon: s.icon,
            label: (
              <Link to={s.path} data-testid={`nav-${s.path}`}>
                {t(s.label)}
              </Link>
            ),
          }))}
          style={{ borderInlineEnd: "none" }}
        />
      </Sider>
      <Layout>
        <Header
          style={{
            background: token.colorBgContainer,
            borderBottom: `1px solid ${token.colorBorderSecondary}`,
            padding: "0 20px",
            position: "sticky",
            top: 0,
            zIndex: 10,
          }}
        >
          <Flex justify="space-between" align="center" style={{ height: "100%" }} gap={12}>
            <Typography.Text type="secondary" ellipsis style={{ minWidth: 0 }}>
              {me ? me.organisation.name : t("app.tagline")}
            </Typography.Text>
            <Flex align="center" gap={12}>
              <LanguageSwitch />
              {me ? (
                <Dropdown menu={userMenu} trigger={["click"]}>
                  <Button type="text" data-testid="user-menu" aria-label={t("header.userMenu")}>
                    <Avatar size="small" icon={<UserOutlined />} style={{ background: token.colorPrimary }} />
                    {narrow ? null : <span>{me.user.display_name || me.user.username}</span>}
                    {narrow ? null : <Tag color="green">{t(`kind.${me.organisation.kind}`)}</Tag>}
                  </Button>
                </Dropdown>
              ) : (
                <Flex gap={8}>
                  <LinkButton to="/login" type="primary" icon={<LoginOutlined />}>
                    {t("auth.signIn")}
                  </LinkButton>
                  {narrow ? null : <LinkButton to="/register">{t("auth.register")}</LinkButton>}
                </Flex>
              )}
            </Flex>
          </Flex>
        </Header>
        <Content style={{ padding: narrow ? 16 : 24 }}>
          <main>
            <Outlet />
          </main>
        </Content>
        <Footer style={{ textAlign: "center", color: token.colorTextTertiary }}>
          {t("app.footer")} · <a href="/docs">{t("app.apiDocs")}</a>
        </Footer>
      </Layout>
    </Layout>
  );
}
