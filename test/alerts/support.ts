/**
 * Real processes for the alert tests: the instrumented app (tokentax/register, openai v7) against the
 * local simulator, a Prometheus server, and lookups of the system tools (promtool, prometheus).
 * Everything listens on 127.0.0.1 ports chosen free at run time; every process is killed by its pid.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { APPS_DIR, ROOT } from '../support/global-setup';
import { freePort } from '../support/ports';

export { ROOT };
export { freePort };
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Debian's package (CI: apt-get install --no-install-recommends prometheus) ships both. */
export const INSTALL_HINT = 'install them with: apt-get install -y --no-install-recommends prometheus';

/** Absolute path of an executable on PATH (or in the env override), else undefined. */
export function findTool(name: string, envOverride?: string): string | undefined {
  const given = envOverride ? process.env[envOverride] : undefined;
  if (given) return existsSync(given) ? given : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

export function run(bin: string, args: string[], cwd?: string): { status: number | null; output: string } {
  const r = spawnSync(bin, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

export interface Proc {
  child: ChildProcess;
  logs(): string;
  stop(): Promise<void>;
}

/** Spawns a process, collecting its output; stop() sends SIGTERM, then SIGKILL after 5 s. */
export function startProcess(
  bin: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Proc {
  const child = spawn(bin, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  child.stdout?.on('data', (d) => (logs += d));
  child.stderr?.on('data', (d) => (logs += d));
  let exited = false;
  const done = new Promise<void>((resolve) => child.on('exit', () => ((exited = true), resolve())));
  return {
    child,
    logs: () => logs,
    async stop() {
      if (exited || child.pid === undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await done;
      clearTimeout(timer);
    },
  };
}

/** GET a loopback URL; resolves {status, body} or rejects on a connection error. */
export async function get(url: string, timeoutMs = 5_000): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.text() };
}

/** Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`,
      );
    await sleep(intervalMs);
  }
}

const APP = 'alerts-app.cjs';
const APP_DIR = join(APPS_DIR, 'openai7');

/**
 * Starts test/alerts/app.cjs as a user would run it, `node --import tokentax/register app.cjs`, from
 * an application folder whose node_modules hold openai v7 and tokentax (made by global-setup).
 *
 * --import, not --require: on Node 20 a --require preload also runs in the ESM loader-hooks thread
 * that register.ts starts, so a second NodeSDK there races the app's for the Prometheus port and the
 * endpoint is served by the wrong thread or not at all (reported; see the alerts report).
 */
export function startApp(env: Record<string, string>, app = 'test/alerts/app.cjs'): Proc {
  const name = app === 'test/alerts/app.cjs' ? APP : `tt-${app.replace(/[^a-z0-9.]+/gi, '-')}`;
  cpSync(join(ROOT, app), join(APP_DIR, name));
  return startProcess(process.execPath, ['--import', 'tokentax/register', name], {
    cwd: APP_DIR,
    env: { ...process.env, TOKENTAX_CONFIG: join(ROOT, 'test/alerts/simulator-is-openai.yaml'), ...env },
  });
}

/** Prometheus exposition text -> {name: TYPE} from its "# TYPE" lines. */
export function exposedTypes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) out.set(m[1], m[2]);
  return out;
}

export interface Prometheus extends Proc {
  url: string;
  dir: string;
}

/** A Prometheus server on 127.0.0.1 with a temp config, rule file and data directory. */
export async function startPrometheus(
  bin: string,
  options: { scrapeTarget: string; job: string; rules: string; intervalS?: number; honorLabels?: boolean },
): Promise<Prometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'tokentax-prometheus-'));
  const port = await freePort();
  const interval = `${options.intervalS ?? 1}s`;
  writeFileSync(join(dir, 'rules.yml'), options.rules);
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      `  scrape_interval: ${interval}`,
      `  scrape_timeout: ${interval}`,
      `  evaluation_interval: ${interval}`,
      'rule_files:',
      `  - ${join(dir, 'rules.yml')}`,
      'scrape_configs:',
      `  - job_name: ${options.job}`,
      // The Collector's exporter labels series job=<service.name>; honor_labels keeps it.
      `    honor_labels: ${options.honorLabels === true}`,
      '    static_configs:',
      `      - targets: ['${options.scrapeTarget}']`,
      '',
    ].join('\n'),
  );
  const proc = startProcess(bin, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ]);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor('Prometheus to be ready', 20_000, async () =>
      (await get(`${url}/-/ready`)).status === 200 ? true : undefined,
    );
  } catch (err) {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${String(err)}\n${proc.logs()}`, { cause: err });
  }
  return {
    ...proc,
    url,
    dir,
    async stop() {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
