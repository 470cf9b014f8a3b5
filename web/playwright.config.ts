import { defineConfig } from "@playwright/test";
import type { Lang } from "./e2e/fixtures";

// Debian's chromium package; Playwright never downloads a browser here
// (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 in the Makefile).
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig<{ lang: Lang }>({
  testDir: "e2e",
  // one back end, one story per language, in order
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  timeout: 180_000,
  expect: { timeout: 20_000 },
  reporter: [["list"]],
  outputDir: "test-results",
  globalSetup: "./e2e/backend.ts",
  use: {
    headless: true,
    viewport: { width: 1366, height: 860 },
    launchOptions: { executablePath: chromium, args: ["--no-sandbox"] },
    trace: "retain-on-failure",
  },
  projects: [
    { name: "zh-CN", use: { lang: "zh-CN", locale: "zh-CN" } },
    { name: "en-US", use: { lang: "en-US", locale: "en-US" } },
  ],
});
