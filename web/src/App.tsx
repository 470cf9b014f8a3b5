import { BrowserRouter, Navigate, Route, Routes } from "react-router-dom";
import { App as AntApp, ConfigProvider } from "antd";
import antdEnUS from "antd/locale/en_US";
import antdZhCN from "antd/locale/zh_CN";
import { RequireRole } from "./Guards";
import { I18nProvider, useI18n } from "./i18n";
import { AppLayout } from "./layout/AppLayout";
import { SCREENS, type Screen } from "./nav";
import { Audit } from "./pages/Audit";
import { ChainPage } from "./pages/ChainPage";
import { ChangePassword } from "./pages/ChangePassword";
import { Landing } from "./pages/Landing";
import { Login } from "./pages/Login";
import { AuctionResult } from "./pages/market/AuctionResult";
import { Auctions } from "./pages/market/Auctions";
import { Instruments } from "./pages/market/Instruments";
import { MarketData } from "./pages/market/MarketData";
import { Surveillance } from "./pages/market/Surveillance";
import { Trading } from "./pages/market/Trading";
import { MyOrganisation } from "./pages/MyOrganisation";
import { NotFound } from "./pages/NotFound";
import { Organisations } from "./pages/Organisations";
import { Planned } from "./pages/Planned";
import { Register } from "./pages/Register";
import { Registrations } from "./pages/Registrations";
import { Workspace } from "./pages/Workspace";
import { NodeStatus } from "./pages/admin/NodeStatus";
import { Finance } from "./pages/finance/Finance";
import { Allocation } from "./pages/registry/Allocation";
import { Assets } from "./pages/registry/Assets";
import { Compliance } from "./pages/registry/Compliance";
import { ComplianceOverview } from "./pages/registry/ComplianceOverview";
import { Explorer, ExplorerAccount, ExplorerBlock, ExplorerTransaction } from "./pages/registry/Explorer";
import { Statistics } from "./pages/registry/Statistics";
import { NewReport, ReportPage, Reporting } from "./pages/mrv/Reporting";
import { Guides } from "./pages/mrv/Guides";
import { Reports } from "./pages/mrv/Reports";
import { Review, VerificationQueue } from "./pages/mrv/Verification";
import { SessionProvider, useSession } from "./session";
import type { Api } from "./api/client";

function isPlanned(s: Screen): s is Screen & { planned: NonNullable<Screen["planned"]> } {
  return s.planned !== undefined;
}

function signedInOnly(s: Screen): boolean {
  return !s.roles.includes("public");
}

function LoginRoute() {
  const { me, loading } = useSession();
  if (!loading && me) return <Navigate to="/app" replace />;
  return <Login />;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginRoute />} />
      <Route path="/register" element={<Register />} />
      <Route element={<AppLayout />}>
        <Route index element={<Landing />} />
        <Route path="/chain" element={<ChainPage />} />
        <Route path="/app" element={<RequireRole><Workspace /></RequireRole>} />
        <Route path="/app/organisation" element={<RequireRole><MyOrganisation /></RequireRole>} />
        <Route path="/app/password" element={<RequireRole><ChangePassword /></RequireRole>} />
        <Route path="/app/registrations" element={<RequireRole roles={["admin"]}><Registrations /></RequireRole>} />
        <Route path="/app/organisations" element={<RequireRole roles={["regulator", "admin"]}><Organisations /></RequireRole>} />
        <Route path="/app/audit" element={<RequireRole roles={["admin"]}><Audit /></RequireRole>} />
        {/* registry, compliance and explorer */}
        <Route path="/app/assets" element={<RequireRole roles={["enterprise"]}><Assets /></RequireRole>} />
        <Route path="/app/compliance" element={<RequireRole roles={["enterprise"]}><Compliance /></RequireRole>} />
        <Route path="/app/allocation" element={<RequireRole roles={["regulator"]}><Allocation /></RequireRole>} />
        <Route path="/app/compliance-overview" element={<RequireRole roles={["regulator"]}><ComplianceOverview /></RequireRole>} />
        <Route path="/statistics" element={<Statistics />} />
        <Route path="/explorer" element={<Explorer />} />
        <Route path="/explorer/block/:number" element={<ExplorerBlock />} />
        <Route path="/explorer/tx/:hash" element={<ExplorerTransaction />} />
        <Route path="/explorer/account/:orgId" element={<RequireRole><ExplorerAccount /></RequireRole>} />
        {/* --- mrv --- */}
        <Route path="/app/mrv" element={<RequireRole roles={["enterprise"]}><Reporting /></RequireRole>} />
        <Route path="/app/mrv/new" element={<RequireRole roles={["enterprise"]}><NewReport /></RequireRole>} />
        <Route path="/app/mrv/:id" element={<RequireRole roles={["enterprise"]}><ReportPage /></RequireRole>} />
        <Route path="/app/verification" element={<RequireRole roles={["verifier"]}><VerificationQueue /></RequireRole>} />
        <Route path="/app/verification/:id" element={<RequireRole roles={["verifier"]}><Review /></RequireRole>} />
        <Route path="/app/guides" element={<RequireRole roles={["enterprise", "verifier", "regulator"]}><Guides /></RequireRole>} />
        <Route path="/app/reports" element={<RequireRole roles={["regulator"]}><Reports /></RequireRole>} />
        {/* --- market --- */}
        <Route path="/app/trading" element={<RequireRole roles={["enterprise"]}><Trading /></RequireRole>} />
        <Route path="/app/surveillance" element={<RequireRole roles={["regulator"]}><Surveillance /></RequireRole>} />
        <Route path="/app/auctions" element={<RequireRole roles={["enterprise", "regulator"]}><Auctions /></RequireRole>} />
        <Route path="/app/auctions/:id" element={<RequireRole roles={["enterprise", "regulator"]}><AuctionResult /></RequireRole>} />
        <Route path="/app/instruments" element={<RequireRole roles={["regulator"]}><Instruments /></RequireRole>} />
        <Route path="/market" element={<MarketData />} />
        {/* --- rest --- */}
        <Route path="/app/nodes" element={<RequireRole roles={["admin"]}><NodeStatus /></RequireRole>} />
        <Route path="/app/finance" element={<RequireRole roles={["finance"]}><Finance /></RequireRole>} />
        {SCREENS.filter(isPlanned).map((s) => (
          <Route
            key={s.path}
            path={s.path}
            element={signedInOnly(s) ? <RequireRole roles={s.roles}><Planned screen={s} /></RequireRole> : <Planned screen={s} />}
          />
        ))}
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

const THEME = {
  token: {
    colorPrimary: "#0f7b5f",
    colorInfo: "#1668dc",
    borderRadius: 8,
    fontSize: 14,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'Helvetica Neue', Arial, sans-serif",
  },
  components: {
    Layout: { headerHeight: 60, bodyBg: "#f5f7f6" },
    Menu: { itemSelectedBg: "#e3f2ec", itemSelectedColor: "#0f7b5f" },
  },
};

function Themed({ children }: { children: React.ReactNode }) {
  const { locale } = useI18n();
  return (
    <ConfigProvider locale={locale === "zh-CN" ? antdZhCN : antdEnUS} theme={THEME} button={{ autoInsertSpace: false }}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

export function App({ api }: { api?: Api }) {
  return (
    <I18nProvider>
      <Themed>
        <SessionProvider api={api}>
          <BrowserRouter future={{ v7_relativeSplatPath: true }}>
            <AppRoutes />
          </BrowserRouter>
        </SessionProvider>
      </Themed>
    </I18nProvider>
  );
}
