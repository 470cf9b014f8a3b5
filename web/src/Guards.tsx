import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router-dom";
import { Flex, Spin } from "antd";
import { Forbidden } from "./pages/NotFound";
import { useSession, type Role } from "./session";

/** Signed in with one of `roles` (any signed-in role when omitted). */
export function RequireRole({ roles, children }: { roles?: readonly Role[]; children: ReactNode }) {
  const { me, role, loading } = useSession();
  const location = useLocation();
  if (loading) {
    return (
      <Flex justify="center" style={{ padding: 64 }}>
        <Spin size="large" />
      </Flex>
    );
  }
  if (!me) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  if (roles && !roles.includes(role)) return <Forbidden />;
  return <>{children}</>;
}
