import type { ReactNode } from "react";
import { Link } from "react-router-dom";
import { Card, Flex, Layout, theme } from "antd";
import { LanguageSwitch } from "../components/LanguageSwitch";
import { Logo } from "./Logo";

/** Sign-in and registration: one card on a quiet background. */
export function CenteredCard({ children, width = 420 }: { children: ReactNode; width?: number }) {
  const { token } = theme.useToken();
  return (
    <Layout style={{ minHeight: "100vh", background: token.colorBgLayout }}>
      <Flex justify="space-between" align="center" style={{ padding: "0 20px" }}>
        <Link to="/">
          <Logo />
        </Link>
        <LanguageSwitch />
      </Flex>
      <main style={{ display: "flex", justifyContent: "center", padding: "24px 16px 48px" }}>
        <Card style={{ width: "100%", maxWidth: width }}>{children}</Card>
      </main>
    </Layout>
  );
}
