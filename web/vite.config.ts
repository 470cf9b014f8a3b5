/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// `npm run dev` proxies the API to a running `carbonledger serve` (default port 8000).
const api = process.env.CARBONLEDGER_API ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: Object.fromEntries(
      ["/api", "/health", "/ready", "/docs", "/openapi.json"].map((p) => [p, api]),
    ),
  },
  build: {
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (/node_modules\/(echarts|zrender|echarts-for-react)\//.test(id)) return "echarts";
          if (/node_modules\/(antd|@ant-design|rc-[a-z-]+|@rc-component)\//.test(id)) return "antd";
          return undefined;
        },
      },
    },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
    // antd forms in jsdom are slow on a busy machine; these are behaviour tests, not timings
    testTimeout: 30_000,
  },
});
