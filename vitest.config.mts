import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { collectorBinaryPath, jaegerBinaryPath } from './collector/harness.mjs';

/**
 * Tests that need real external tools (a collector and Jaeger built with Go, Debian's Prometheus).
 * CI (`.ci/run`, CI set) installs them and runs everything: a missing tool fails there. On a developer
 * machine without them those files do not run, and the run says so and why, so `npm test` passes on
 * a fresh clone. (The recorded-traffic and Chromium tests report "did not run" from inside.)
 */
const onPath = (cmd: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const needs = [
  {
    ok: () => existsSync(collectorBinaryPath()),
    why: 'no OpenTelemetry Collector binary (build it: bash collector/build.sh)',
    files: [
      'test/collector/**',
      'test/alerts/collector-path.test.ts',
      'test/hardening/collector.test.ts',
      'test/report/collector-file.test.ts',
      'test/stack/**',
      'test/jaeger/collector-path.test.ts',
    ],
  },
  {
    ok: () => existsSync(jaegerBinaryPath()),
    why: 'no Jaeger binary (build it: bash collector/build-jaeger.sh)',
    files: ['test/jaeger/**', 'test/report/jaeger-api.test.ts', 'test/stack/**'],
  },
  {
    ok: () => onPath('promtool') && onPath('prometheus'),
    why: 'no promtool/prometheus (install: apt-get install -y prometheus)',
    files: ['test/alerts/**'],
  },
];
const notRun = process.env.CI ? [] : needs.filter((n) => !n.ok());
for (const n of notRun) console.warn(`\n*** NOT RUN here: ${n.files.join(', ')}: ${n.why}; CI runs them ***\n`);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...notRun.flatMap((n) => n.files)],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
  },
});
