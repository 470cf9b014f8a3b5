/**
 * Global set-up: a real back end for the browser — anvil, the contract suite, the
 * platform API serving the built UI, and the demo dataset — started by
 * `python -m carbonledger.devtools.webapp` from the project's .venv. Its URL reaches the
 * tests through E2E_BASE_URL; the returned function stops it.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const python = process.env.CARBONLEDGER_PYTHON ?? path.join(repo, ".venv", "bin", "python");
const STARTUP_MS = 240_000;
/** shown under the e2e back end's map: the squares are test data, not a map of China */
export const MAP_ATTRIBUTION = "SYNTHETIC TEST DATA: squares by province, not a map of China";

export default async function globalSetup(): Promise<() => Promise<void>> {
  const child = spawn(python, ["-m", "carbonledger.devtools.webapp"], {
    cwd: repo,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      CARBONLEDGER_WEB_DIST: path.join(repo, "web", "dist"),
      // the overview's choropleth on the synthetic test squares (tests/fixtures): no map of
      // China is bundled, an operator configures a reviewed one (README: "A map of China")
      CARBONLEDGER_CHINA_MAP: path.join(repo, "tests", "fixtures", "synthetic-province-squares.geojson"),
      CARBONLEDGER_CHINA_MAP_ATTRIBUTION: MAP_ATTRIBUTION,
    },
  });
  let log = "";
  child.stderr.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-8000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`the e2e back end did not start within ${STARTUP_MS / 1000} s:\n${log}`));
    }, STARTUP_MS);
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /^ready (\S+)$/m.exec(out);
      if (ready?.[1]) {
        clearTimeout(timer);
        resolve(ready[1]);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the e2e back end exited with ${code}:\n${log}`));
    });
  });
  process.env.E2E_BASE_URL = url;
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timeout = setTimeout(() => child.kill("SIGKILL"), 20_000);
    await exited;
    clearTimeout(timeout);
  };
}
