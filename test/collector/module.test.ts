/**
 * The Go processor is usable from another distribution with one `gomod:` line: collector/check-module.sh
 * exports the committed module with `git archive` (no src/ beside it), runs go vet and go test there and
 * builds a small collector with OCB whose manifest adds the module with one gomod line (path: the
 * export). That collector must then price a span from its embedded data as the in-process engine does
 * on the same committed data (every attribute: test/collector/differential.test.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCostEngine, loadPricing } from '../../src/pricing';
import * as S from '../../src/semconv';
import { OtlpReceiver } from '../support/otlp-receiver';
// @ts-expect-error plain ESM helper without types
import * as harness from '../../collector/harness.mjs';

const REPO: string = harness.REPO;
const has = (cmd: string, args: string[]): boolean => spawnSync(cmd, args, { cwd: REPO, stdio: 'ignore' }).status === 0;
const why = !has('go', ['version'])
  ? 'Go is not installed'
  : !has('git', ['rev-parse', 'HEAD:collector/tokentaxprocessor'])
    ? 'not a git checkout with the module committed'
    : undefined;
if (why) console.warn(`SKIPPED test/collector/module.test.ts: ${why}`);

describe.skipIf(why !== undefined)(`the processor module from one gomod line${why ? ` (SKIPPED: ${why})` : ''}`, () => {
  let bin = '';
  let dataDir = '';
  const receiver = new OtlpReceiver();
  let collector: { stop: () => Promise<void>; logs: () => string } | undefined;

  beforeAll(() => {
    // The cold build (empty Go caches) takes minutes; the binary is cached by the module's tree hash.
    const out = execFileSync('bash', [join(REPO, 'collector', 'check-module.sh')], {
      cwd: REPO,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 1_200_000,
    });
    bin = out.trim().split('\n').pop()!;
    // The data the export embedded: the committed copy inside the module.
    dataDir = mkdtempSync(join(tmpdir(), 'tokentax-module-data-'));
    const names = execFileSync('git', ['ls-tree', '--name-only', 'HEAD:collector/tokentaxprocessor/data'], {
      cwd: REPO,
      encoding: 'utf8',
    });
    mkdirSync(dataDir, { recursive: true });
    for (const name of names.split('\n').filter(Boolean))
      writeFileSync(
        join(dataDir, name),
        execFileSync('git', ['show', `HEAD:collector/tokentaxprocessor/data/${name}`], { cwd: REPO }),
      );
  }, 1_300_000);

  afterAll(async () => {
    await collector?.stop();
    await receiver.stop();
  });

  it('builds with OCB from an exported module and lists the tokentax processor', () => {
    const components = execFileSync(bin, ['components'], { encoding: 'utf8' });
    expect(components).toMatch(
      /- name: tokentax\n\s+module: github.com\/tokentax\/tokentax\/collector\/tokentaxprocessor/,
    );
  });

  it('prices a span as the in-process engine does on the same data', async () => {
    const target = await receiver.start();
    const httpPort = await harness.freePort();
    const grpcPort = await harness.freePort();
    const config = `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: 127.0.0.1:${grpcPort} }
      http: { endpoint: 127.0.0.1:${httpPort} }
processors:
  tokentax: {}
exporters:
  otlphttp: { endpoint: ${target}, encoding: json, compression: none }
service:
  telemetry: { metrics: { level: none } }
  pipelines:
    traces: { receivers: [otlp], processors: [tokentax], exporters: [otlphttp] }
`;
    collector = await harness.startCollector({ bin, config, httpPort });
    const startMs = Date.parse('2026-11-20T00:00:00Z');
    const attributes = {
      [S.ATTR_GEN_AI_OPERATION_NAME]: 'chat',
      [S.ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
      [S.ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini',
      [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 12_000,
      [S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 800,
    };
    const res = await harness.post(
      httpPort,
      '/v1/traces',
      harness.otlpTraces([{ name: 'chat gpt-4o-mini', startMs, attributes }]),
    );
    expect(res.status).toBe(200);
    for (let i = 0; i < 200 && receiver.spans.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(receiver.spans, collector.logs()).toHaveLength(1);
    const got = receiver.spans[0].attributes;
    const want = createCostEngine(loadPricing({ dataDir, config: {} }))(attributes, startMs);
    expect(typeof want[S.ATTR_COST_USD]).toBe('number');
    expect(got[S.ATTR_PRICING_VERSION]).toBe(want[S.ATTR_PRICING_VERSION]);
    expect(got[S.ATTR_COST_USD] as number).toBeCloseTo(want[S.ATTR_COST_USD] as number, 12);
  });
});
