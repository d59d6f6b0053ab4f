/**
 * Differential test: thousands of spans go over real OTLP/HTTP through the real collector built by
 * collector/build.sh, running the transform processor generated from the shipped pricing
 * data; the file exporter's output is compared attribute by attribute with the in-process engine.
 *
 * Without the binary (Go build not run) the first test fails with the reason and the command,
 * rather than skipping silently: CI builds it first (.ci/run calls collector/build.sh).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createCostEngine, loadPricing, readPricingSources } from '../../src/pricing';
import { firstString, MODEL_NAMES } from '../../src/pricing/usage';
import * as S from '../../src/semconv';
import { generateTransformProcessor } from '../../src/collector';
import { loadConfig } from '../../src/config';
import { buildCases, type AttrValue, type Case } from './cases';
// @ts-expect-error plain ESM helper without types
import * as harness from '../../collector/harness.mjs';

const found = harness.findCollector() as { bin?: string; missing?: string };
// One read of the data for both sides: the data files may be regenerated while the test runs.
const sources = readPricingSources();
const cases = buildCases(sources);

type Plain = Record<string, unknown>;
const plain = (attrs: Record<string, AttrValue>): Plain =>
  Object.fromEntries(
    Object.entries(attrs).map(([k, v]) => [k, typeof v === 'object' && v !== null && 'double' in v ? v.double : v]),
  );

/** What the in-process processor adds to a span (CostEnricher.enrich's gate, then the engine). */
function expected(c: Case, engine: ReturnType<typeof createCostEngine>): Plain {
  const a = plain(c.attributes) as Parameters<typeof engine>[0];
  if (firstString(a, MODEL_NAMES) === undefined || a[S.ATTR_PRICING_VERSION] !== undefined) return {};
  return engine(a, c.startMs) as Plain;
}

/** The attributes the collector added: everything tokentax.cost.* / pricing.version not sent. */
function added(sent: Record<string, AttrValue>, got: Plain): Plain {
  const out: Plain = {};
  for (const [k, v] of Object.entries(got)) {
    if (k in sent) continue;
    out[k] = v;
  }
  return out;
}

function differences(want: Plain, got: Plain): string[] {
  const diffs: string[] = [];
  for (const k of new Set([...Object.keys(want), ...Object.keys(got)])) {
    const w = want[k];
    const g = got[k];
    if (typeof w === 'number' && typeof g === 'number') {
      const tol = 1e-9 * Math.max(Math.abs(w), Math.abs(g));
      if (!(Math.abs(w - g) <= tol)) diffs.push(`${k}: engine ${w} collector ${g}`);
    } else if (w !== g) {
      diffs.push(`${k}: engine ${JSON.stringify(w)} collector ${JSON.stringify(g)}`);
    }
  }
  return diffs;
}

/** A user configuration that exercises escaping and every override the generator must honour. */
const HOSTILE = 'my "model\\ ${env:HOME} \u0001x';
const userConfig = {
  env: {},
  requestPrices: { oxlo: { 'llama-3.3-70b': 0.002, 'deepseek-v3.2': 0.004 } },
  prices: [
    {
      provider: 'openai',
      model: HOSTILE,
      aliases: ['quote"alias', 'back\\slash'],
      inputMtok: 1.5,
      cachedInputMtok: 0.5,
      outputMtok: 6,
      window: 64_000,
      class: 'frontier_chat',
    },
    {
      provider: 'together',
      model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
      inputMtok: 0.5,
      outputMtok: 0.5,
      effectiveFrom: '2026-06-01',
    },
  ],
  scenarios: [
    'together',
    'oxlo',
    { id: 'pinned', provider: 'fireworks', model: 'accounts/fireworks/models/qwen3-32b' },
    'openai',
  ],
  equivalence: {
    models: { 'gpt-4o-mini': 'small_chat', 'gpt-4.1': 'deepseek-v3.2' },
    classes: { small_chat: ['mistral-7b', 'qwen-3-32b'] },
  },
};

function userCases(): Case[] {
  const base = {
    [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 4000,
    [S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 300,
    [S.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 1024,
  };
  const extra: Case[] = [
    HOSTILE,
    'quote"alias',
    'back\\slash',
    'QUOTE"ALIAS',
    'my "model',
    '${env:HOME}',
    'gpt-4o-mini',
    'gpt-4.1',
    'gpt-4o',
  ].flatMap((m, i) => [
    {
      label: `user model ${m}`,
      startMs: Date.parse('2026-11-20T00:00:00Z') + i,
      attributes: { [S.ATTR_GEN_AI_PROVIDER_NAME]: 'openai', [S.ATTR_GEN_AI_REQUEST_MODEL]: m, ...base },
    },
    {
      label: `user model ${m} big`,
      startMs: Date.parse('2026-11-20T00:00:00Z') + i,
      attributes: { [S.ATTR_GEN_AI_REQUEST_MODEL]: m, ...base, [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 100_000 },
    },
  ]);
  // A deterministic third of the shipped cases, so every mechanism also runs under the user config.
  return [...extra, ...cases.filter((_, i) => i % 3 === 0)];
}

/**
 * `expressOnly`: the collector runs only the express group (the first one), so each span is either
 * priced by it, exactly like the engine, or left without any tokentax attribute for the groups after it.
 */
function runDifferential(
  title: string,
  configOptions: Parameters<typeof generateTransformProcessor>[0]['config'],
  spanCases: Case[],
  expressOnly = false,
): void {
  describe(title, () => {
    let collector: { stop: () => Promise<void>; logs: () => string; dir: string } | undefined;
    let outFile = '';
    let httpPort = 0;

    it('finds the collector binary built by collector/build.sh', () => {
      expect(found.missing, 'the collector tests below did not run').toBeUndefined();
    });

    beforeAll(async () => {
      if (!found.bin) return;
      const grpcPort = await harness.freePort();
      httpPort = await harness.freePort();
      const dir = (await import('node:fs')).mkdtempSync(join((await import('node:os')).tmpdir(), 'tokentax-diff-'));
      outFile = join(dir, 'spans.jsonl');
      const config = {
        receivers: {
          otlp: {
            protocols: { grpc: { endpoint: `127.0.0.1:${grpcPort}` }, http: { endpoint: `127.0.0.1:${httpPort}` } },
          },
        },
        processors: { 'transform/tokentax': transformFor(configOptions, expressOnly) },
        exporters: { file: { path: outFile, format: 'json' } },
        service: {
          telemetry: { metrics: { level: 'none' } },
          pipelines: { traces: { receivers: ['otlp'], processors: ['transform/tokentax'], exporters: ['file'] } },
        },
      };
      collector = await harness.startCollector({
        bin: found.bin,
        config: stringify(config, { lineWidth: 0 }),
        httpPort,
        startTimeoutMs: 90_000,
      });
    }, 120_000);

    afterAll(async () => {
      await collector?.stop();
    });

    it(`prices ${spanCases.length} spans exactly like the in-process engine`, async () => {
      if (!collector) throw new Error(`collector not started: ${found.missing ?? 'see beforeAll'}`);
      const cases = spanCases;
      const BATCH = 250;
      for (let i = 0; i < cases.length; i += BATCH) {
        const batch = cases
          .slice(i, i + BATCH)
          .map((c) => ({ name: 'chat', startMs: c.startMs, endMs: c.startMs + 1000, attributes: c.attributes }));
        const res = await harness.post(httpPort, '/v1/traces', harness.otlpTraces(batch, 'differential', i + 1));
        expect(res.status, res.body).toBe(200);
      }
      // The file exporter writes one ExportTraceServiceRequest per line as batches arrive.
      const got = (await harness.readExportedSpans(outFile, cases.length, 60_000)) as Map<number, Plain>;
      expect(got.size).toBe(cases.length);

      const engine = createCostEngine(loadPricing({ config: loadConfig(configOptions ?? {}), sources }));
      const failures: string[] = [];
      let pricedByEngine = 0;
      let leftAlone = 0;
      cases.forEach((c, i) => {
        const want = expected(c, engine);
        if (want[S.ATTR_COST_USD] !== undefined) pricedByEngine++;
        const gotAdded = added(c.attributes, got.get(i) ?? {});
        // Alone, the express group's hand-over mark stays on the spans it did not price.
        if (expressOnly) delete gotAdded[S.ATTR_COLLECTOR_RETRY];
        if (expressOnly && Object.keys(gotAdded).length === 0) {
          leftAlone++;
          return;
        }
        const diffs = differences(want, gotAdded);
        if (diffs.length) failures.push(`#${i} ${c.label}: ${diffs.join('; ')}`);
      });
      expect(failures.slice(0, 25), `${failures.length} of ${cases.length} spans differ`).toEqual([]);
      // The comparison is not vacuous: most spans carry a cost.
      expect(pricedByEngine).toBeGreaterThan(cases.length / 2);
      // The express group alone prices a real share (these cases are mostly edge cases, which it leaves
      // whole for the complete groups; 461 of 2,675 when written).
      if (expressOnly) expect(cases.length - leftAlone).toBeGreaterThan(cases.length / 10);
    }, 180_000);

    it('logged no OTTL errors (a failing statement would be skipped silently)', () => {
      if (!collector) throw new Error(`collector not started: ${found.missing ?? 'see beforeAll'}`);
      const errors = collector
        .logs()
        .split('\n')
        .filter((l) => /\berror\b/i.test(l) || /failed/i.test(l));
      expect(errors.slice(0, 5)).toEqual([]);
    });
  });
}

function transformFor(configOptions: Parameters<typeof generateTransformProcessor>[0]['config'], expressOnly: boolean) {
  const t = generateTransformProcessor({ config: configOptions, sources });
  // Express alone: the inbound clean-up group, then the express group.
  return expressOnly ? { ...t, trace_statements: t.trace_statements.slice(0, 2) } : t;
}

it('covers at least 1,000 spans with the shipped data', () => {
  expect(cases.length).toBeGreaterThanOrEqual(1000);
});

runDifferential('collector differential test: shipped pricing data, default scenarios', { env: {} }, cases);
runDifferential(
  'collector differential test: user config (flat prices, hostile names, custom scenarios, equivalence)',
  userConfig,
  userCases(),
);
runDifferential(
  'collector differential test: the express group alone (priced like the engine, or untouched)',
  { env: {} },
  cases,
  true,
);
