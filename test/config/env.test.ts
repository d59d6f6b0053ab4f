/**
 * The environment mapped onto the one configuration model: one boolean rule for every flag, plain
 * decimal integers, and a bad value never stops the application (one warning line, then the default).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, loadConfig, parseBoolean, parseWholeNumber } from '../../src/config';
import { resolveSettings } from '../../src/instrumentation/config';

const ROOT = resolve(__dirname, '../..');

function load(env: Record<string, string>) {
  const warnings: string[] = [];
  const config = loadConfig({ env, warn: (line) => warnings.push(line) });
  return { config, warnings };
}

describe('environment variables', () => {
  it('every flag takes true/false, 1/0, yes/no, on/off in any case', () => {
    const flags = {
      TOKENTAX_DISABLED: 'disabled',
      TOKENTAX_COST: 'cost',
      TOKENTAX_INCLUDE_STREAM_USAGE: 'includeStreamUsage',
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'captureMessageContent',
    } as const;
    for (const [name, key] of Object.entries(flags)) {
      for (const yes of ['true', 'TRUE', '1', 'yes', 'Yes', 'on', ' ON ']) {
        expect(load({ [name]: yes }).config[key], `${name}=${yes}`).toBe(true);
      }
      for (const no of ['false', 'False', '0', 'no', 'NO', 'off']) {
        expect(load({ [name]: no }).config[key], `${name}=${no}`).toBe(false);
      }
    }
    expect(parseBoolean('enabled')).toBeUndefined();
  });

  it('a bad flag is ignored with one warning line naming the variable and the default', () => {
    const { config, warnings } = load({ TOKENTAX_DISABLED: 'maybe' });
    expect(config.disabled).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^tokentax: ignoring TOKENTAX_DISABLED="maybe": expected .*; the default is false$/);
  });

  it('integers are plain decimal: 0x10, 1e3, 12abc and -5 are rejected, not read as numbers', () => {
    for (const bad of ['0x10', '1e3', '12abc', '-5', '2.5', 'abc']) {
      const { config, warnings } = load({ TOKENTAX_BLOAT_TOKENS: bad, TOKENTAX_SHUTDOWN_TIMEOUT_MS: bad });
      expect(config.bloat.tokens, bad).toBe(DEFAULTS.bloat.tokens);
      expect(config.shutdownTimeoutMs, bad).toBe(DEFAULTS.shutdownTimeoutMs);
      expect(warnings.map((w) => w.split('=')[0])).toEqual([
        'tokentax: ignoring TOKENTAX_SHUTDOWN_TIMEOUT_MS',
        'tokentax: ignoring TOKENTAX_BLOAT_TOKENS',
      ]);
    }
    expect(parseWholeNumber(' 016 ')).toBe(16);
    const { config } = load({ TOKENTAX_BLOAT_TOKENS: '30000', TOKENTAX_SHUTDOWN_TIMEOUT_MS: '750' });
    expect(config.bloat.tokens).toBe(30000);
    expect(config.shutdownTimeoutMs).toBe(750);
  });

  it('a zero shutdown timeout and ratios above 1 are rejected with their defaults', () => {
    const { config, warnings } = load({
      TOKENTAX_SHUTDOWN_TIMEOUT_MS: '0',
      TOKENTAX_BLOAT_UTILIZATION: '1.5',
      TOKENTAX_BLOAT_RECYCLED_RATIO: '.95',
    });
    expect(config.shutdownTimeoutMs).toBe(DEFAULTS.shutdownTimeoutMs);
    expect(config.bloat.utilization).toBe(DEFAULTS.bloat.utilization);
    expect(config.bloat.recycledRatio).toBe(0.95);
    expect(warnings).toHaveLength(2);
  });

  it('the default shutdown timeout is at most 2 s', () => {
    expect(DEFAULTS.shutdownTimeoutMs).toBeLessThanOrEqual(2000);
  });

  it('OTEL exporter variables and the OTLP endpoint are read as the SDK reads them', () => {
    expect(load({}).config.export).toEqual({
      otlpTracesEndpoint: 'http://localhost:4318/v1/traces',
      otlpTimeoutSet: false,
    });
    expect(
      load({
        OTEL_TRACES_EXPORTER: 'console, OTLP',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      }).config.export,
    ).toEqual({
      traces: ['console', 'otlp'],
      metrics: ['none'],
      otlpTracesEndpoint: 'http://collector:4318/v1/traces',
      otlpTimeoutSet: false,
    });
    expect(load({ OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '30000' }).config.export.otlpTimeoutSet).toBe(true);
    expect(
      load({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://x:1/t', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://y:2' }).config
        .export.otlpTracesEndpoint,
    ).toBe('http://x:1/t');
    expect(load({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).config.export.otlpTracesEndpoint).toBe(
      'http://localhost:4317',
    );
  });

  it('the spans file comes from TOKENTAX_SPANS_FILE or the config key spansFile', () => {
    expect(load({ TOKENTAX_SPANS_FILE: 'spans.jsonl' }).config.spansFile).toBe('spans.jsonl');
    expect(loadConfig({ env: {}, spansFile: 'x.jsonl' }).spansFile).toBe('x.jsonl');
    expect(load({}).config.spansFile).toBeUndefined();
  });

  it('the instrumentation used on its own reads its flags by the same rule', () => {
    const env = { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'on', TOKENTAX_INCLUDE_STREAM_USAGE: 'yes' };
    expect(resolveSettings({}, env)).toMatchObject({ captureContent: true, includeStreamUsage: true });
    expect(resolveSettings({ includeStreamUsage: false }, env).includeStreamUsage).toBe(false);
  });

  it('environment < code; a file value survives a bad environment value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokentax-env-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'bloat: { tokens: 1234 }\nshutdownTimeoutMs: 500\ncost: false\n');
    const warnings: string[] = [];
    const c = loadConfig({
      file,
      env: { TOKENTAX_BLOAT_TOKENS: 'lots', TOKENTAX_COST: 'yes' },
      warn: (l) => warnings.push(l),
      shutdownTimeoutMs: 900,
    });
    expect(c.bloat.tokens).toBe(1234);
    expect(c.cost).toBe(true);
    expect(c.shutdownTimeoutMs).toBe(900);
    expect(warnings).toHaveLength(1);
  });
});

describe('in an application (tokentax/register, dist/)', () => {
  const app = join(mkdtempSync(join(tmpdir(), 'tokentax-env-app-')), 'app.cjs');
  writeFileSync(app, "console.log('app ran');\n");
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--require', join(ROOT, 'dist/register.js'), app], {
      env: { PATH: process.env.PATH!, OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });

  it('TOKENTAX_BLOAT_TOKENS=abc: the application runs; one warning line, no stack', () => {
    const r = run({ TOKENTAX_BLOAT_TOKENS: 'abc', TOKENTAX_SHUTDOWN_TIMEOUT_MS: '0x10' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('app ran\n');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^tokentax: ignoring TOKENTAX_SHUTDOWN_TIMEOUT_MS="0x10": .*the default is 2000$/),
      expect.stringMatching(/^tokentax: ignoring TOKENTAX_BLOAT_TOKENS="abc": .*the default is 20000$/),
    ]);
  });

  it('TOKENTAX_DISABLED=yes leaves the application untouched (no SDK started)', () => {
    const probe = join(app, '..', 'probe.cjs');
    writeFileSync(
      probe,
      "const api = require(require.resolve('@opentelemetry/api', { paths: [process.argv[2]] }));\n" +
        'console.log(api.trace.getTracerProvider().getDelegate().constructor.name);\n',
    );
    const names = ['yes', 'no'].map((v) =>
      execFileSync(process.execPath, ['--require', join(ROOT, 'dist/register.js'), probe, ROOT], {
        env: {
          PATH: process.env.PATH!,
          TOKENTAX_DISABLED: v,
          OTEL_TRACES_EXPORTER: 'none',
          OTEL_METRICS_EXPORTER: 'none',
        },
        encoding: 'utf8',
      }).trim(),
    );
    expect(names[0]).toBe('NoopTracerProvider');
    expect(names[1]).not.toBe('NoopTracerProvider');
  });

  it('a bad config file named explicitly stops with one clear line', () => {
    const bad = join(app, '..', 'bad.yaml');
    writeFileSync(bad, 'bloat: { tokens: -1 }\n');
    const r = run({ TOKENTAX_CONFIG: bad });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      `tokentax config file ${bad}: bloat.tokens: expected a finite number >= 0, got -1`,
    ]);
  });
});
