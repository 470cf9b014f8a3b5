/**
 * Every screen of the application and who sees it in the sidebar. Screens marked
 * `planned` wait for API endpoints that other work items are adding; they are navigation
 * placeholders only (they name the API they need and show no data).
 */
import type { ReactNode } from "react";
import {
  AlertOutlined,
  AuditOutlined,
  BankOutlined,
  BarChartOutlined,
  BlockOutlined,
  BookOutlined,
  CheckSquareOutlined,
  ClusterOutlined,
  DashboardOutlined,
  FileDoneOutlined,
  FileSearchOutlined,
  HomeOutlined,
  LineChartOutlined,
  NodeIndexOutlined,
  PieChartOutlined,
  ProfileOutlined,
  SafetyCertificateOutlined,
  ShopOutlined,
  SolutionOutlined,
  TeamOutlined,
  TrophyOutlined,
  WalletOutlined,
} from "@ant-design/icons";
import type { MessageKey } from "./i18n/zh-CN";
import type { Role } from "./session";

export interface Planned {
  /** the endpoints (or groups of endpoints) the screen needs */
  api: string[];
  issue: number;
}

export interface Screen {
  path: string;
  label: MessageKey;
  icon: ReactNode;
  roles: readonly Role[];
  planned?: Planned;
}

const SIGNED_IN: readonly Role[] = ["enterprise", "verifier", "regulator", "admin", "finance"];

export const SCREENS: readonly Screen[] = [
  { path: "/", label: "nav.home", icon: <HomeOutlined />, roles: ["public"] },
  { path: "/app", label: "nav.workspace", icon: <DashboardOutlined />, roles: SIGNED_IN },
  // admin
  { path: "/app/registrations", label: "nav.registrations", icon: <SolutionOutlined />, roles: ["admin"] },
  { path: "/app/organisations", label: "nav.organisations", icon: <SafetyCertificateOutlined />, roles: ["regulator", "admin"] },
  { path: "/app/audit", label: "nav.audit", icon: <AuditOutlined />, roles: ["admin"] },
  {
    path: "/app/nodes",
    label: "nav.nodes",
    icon: <ClusterOutlined />,
    roles: ["admin"],
  },
  // enterprise
  { path: "/app/mrv", label: "nav.mrv", icon: <FileDoneOutlined />, roles: ["enterprise"] },
  {
    path: "/app/assets",
    label: "nav.assets",
    icon: <WalletOutlined />,
    roles: ["enterprise"],
  },
  {
    path: "/app/compliance",
    label: "nav.compliance",
    icon: <CheckSquareOutlined />,
    roles: ["enterprise"],
  },
  {
    path: "/app/trading",
    label: "nav.trading",
    icon: <LineChartOutlined />,
    roles: ["enterprise"],
  },
  {
    path: "/app/auctions",
    label: "nav.auctions",
    icon: <TrophyOutlined />,
    roles: ["enterprise", "regulator"],
  },
  {
    path: "/app/guides",
    label: "nav.guides",
    icon: <BookOutlined />,
    roles: ["enterprise", "verifier", "regulator"],
  },
  // verifier
  { path: "/app/verification", label: "nav.verification", icon: <FileSearchOutlined />, roles: ["verifier"] },
  // regulator
  {
    path: "/app/allocation",
    label: "nav.allocation",
    icon: <PieChartOutlined />,
    roles: ["regulator"],
  },
  { path: "/app/reports", label: "nav.reports", icon: <SafetyCertificateOutlined />, roles: ["regulator"] },
  {
    path: "/app/compliance-overview",
    label: "nav.complianceOverview",
    icon: <BarChartOutlined />,
    roles: ["regulator"],
  },
  {
    path: "/app/surveillance",
    label: "nav.surveillance",
    icon: <AlertOutlined />,
    roles: ["regulator"],
  },
  {
    path: "/app/instruments",
    label: "nav.instruments",
    icon: <ProfileOutlined />,
    roles: ["regulator"],
  },
  // finance
  {
    path: "/app/finance",
    label: "nav.finance",
    icon: <BankOutlined />,
    roles: ["finance"],
  },
  // everyone
  { path: "/app/organisation", label: "nav.myOrganisation", icon: <TeamOutlined />, roles: SIGNED_IN },
  { path: "/chain", label: "nav.chain", icon: <NodeIndexOutlined />, roles: ["public", ...SIGNED_IN] },
  {
    path: "/market",
    label: "nav.market",
    icon: <ShopOutlined />,
    roles: ["public"],
  },
  {
    path: "/statistics",
    label: "nav.statistics",
    icon: <BarChartOutlined />,
    roles: ["public"],
  },
  {
    path: "/explorer",
    label: "nav.explorer",
    icon: <BlockOutlined />,
    roles: ["public", ...SIGNED_IN],
  },
];

export function screensFor(role: Role): Screen[] {
  return SCREENS.filter((s) => s.roles.includes(role));
}
