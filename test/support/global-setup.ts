/**
 * Once per test run: build dist/ (child-process tests run the package as users do, through
 * `tokentax/register`), and lay out one small application folder per `openai` major whose
 * node_modules/openai is that major, so the real require/import hooks patch each of them.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EXPORT_DIR_ENV, scanExports } from './export-scan';

export const ROOT = resolve(__dirname, '../..');
export const APPS_DIR = join(ROOT, 'test/.apps');
const MAJORS = [
  ['4', 'openai-v4'],
  ['5', 'openai-v5'],
  ['6', 'openai-v6'],
  ['7', 'openai'],
];

export default function setup(): () => void {
  const exportDir = mkdtempSync(join(tmpdir(), 'tokentax-exports-'));
  process.env[EXPORT_DIR_ENV] = exportDir;
  try {
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')],
      { stdio: 'inherit' },
    );
  } catch {
    // tsc still emits on type errors; the type check itself is `npm run typecheck` (run by CI).
    console.warn('[tokentax] tsc reported errors while building dist/ for the child-process tests');
  }
  for (const [major, pkg] of MAJORS) {
    const dir = join(APPS_DIR, `openai${major}`);
    const modules = join(dir, 'node_modules');
    if (!existsSync(join(modules, 'openai/package.json'))) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(modules, { recursive: true });
      cpSync(join(ROOT, 'node_modules', pkg), join(modules, 'openai'), { recursive: true });
    }
    if (!existsSync(join(modules, 'tokentax'))) symlinkSync(ROOT, join(modules, 'tokentax'), 'dir');
    for (const app of ['app.cjs', 'app.mjs']) cpSync(join(ROOT, 'test/apps', app), join(dir, app));
  }
  return () => {
    // Runs after every test file: no API key or bearer token in anything any test exported.
    const { hits, bytes } = scanExports(exportDir);
    rmSync(exportDir, { recursive: true, force: true });
    if (hits.length) {
      // vitest reports a throwing teardown but still exits 0: set the exit code ourselves.
      console.error(
        `[tokentax] FAILED suite-wide export scan: secrets in exported telemetry (${bytes} bytes scanned):\n${hits.slice(0, 10).join('\n')}`,
      );
      process.exitCode = 1;
      return;
    }
    console.log(
      `[tokentax] suite-wide export scan: ${bytes} bytes of exported spans/metrics, no API key or bearer token`,
    );
  };
}
