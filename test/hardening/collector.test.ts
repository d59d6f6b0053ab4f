/**
 * The tokentax processor under hostile input, through the real collector built by
 * collector/build.sh (test/collector/differential.test.ts compares it with the engine on
 * well-formed spans; this adds what an attacker or a broken SDK sends):
 *  - a tokentax config file whose model names, aliases and request-price keys carry quotes,
 *    backslashes, newlines, ${...} and YAML syntax (fast-check, seeded): the pipeline printed by
 *    `tokentax collector-config --config` passes `otelcol validate`, and each name round-trips (a
 *    span naming it is priced with the user's price, exactly as the engine prices it);
 *  - 10,000 mutated real span attribute sets: the collector adds exactly what the engine adds, and
 *    never a NaN/Infinity.
 * Without the binary the first test fails with the reason (as the collector tests do).
 */
import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTOR_CONFIG, collectorConfig } from '../../src/collector';
import { loadConfig, type LoadConfigOptions } from '../../src/config';
import { createCostEngine, loadPricing, readPricingSources } from '../../src/pricing';
import { firstString, MODEL_NAMES } from '../../src/pricing/usage';
import * as S from '../../src/semconv';
import { HOSTILE_STRINGS, mutate } from './mutation';
import { collectRealSpans } from './real-spans';
import { nonFinite } from './support';
// @ts-expect-error plain ESM helper without types
import * as harness from '../../collector/harness.mjs';

const found = harness.findCollector() as { bin?: string; missing?: string };
const sources = readPricingSources();
const N = 10_000;

/** OTTL/YAML syntax fragments a model name may carry. */
const SYNTAX = [
  '"',
  '\\',
  '\n',
  '\r',
  '\t',
  '$',
  '${',
  '}',
  '{',
  '(',
  ')',
  '[',
  ']',
  ',',
  ' ',
  'where',
  ' and ',
  'set(',
  '==',
  'nil',
  '#',
  ': ',
  "'",
  '\u0000',
  '\u2028',
  '---',
  '|',
  '>',
  '&a',
  '*a',
  '!!str',
  '%',
  '@',
];
const hostileName = fc.oneof(
  fc.array(fc.constantFrom(...SYNTAX, 'gpt', '4o', 'x'), { minLength: 1, maxLength: 12 }).map((xs) => xs.join('')),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }),
  fc.constantFrom(...HOSTILE_STRINGS.filter((s) => s.trim() !== '' && s.length < 100)),
);

/** Distinct (case-insensitively) hostile names, each made unique by a suffix; never blank. */
function hostileNames(seed: number, n: number): string[] {
  const raw = fc.sample(hostileName, { seed, numRuns: n });
  return raw.map((s, i) => `${s}#${seed}-${i}`);
}

function userConfig(names: string[]): Omit<LoadConfigOptions, 'file'> {
  return {
    env: {},
    prices: names.map((model, i) => ({
      provider: 'openai',
      model,
      aliases: [`${model} alias`],
      inputMtok: 1 + i,
      outputMtok: 2 + i,
      window: 100_000 + i,
    })),
    requestPrices: { oxlo: Object.fromEntries(names.slice(0, 5).map((m, i) => [m, 0.001 * (i + 1)])) },
    equivalence: { models: Object.fromEntries(names.slice(0, 5).map((m) => [m, 'frontier_chat'])) },
  };
}

it('finds the collector binary built by collector/build.sh', () => {
  expect(found.missing, 'the collector tests below did not run').toBeUndefined();
});

/** Writes a tokentax config file (the Node package's format) that the processor reads with config_file. */
function configFile(options: Omit<LoadConfigOptions, 'file'>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tokentax-hardening-config-'));
  const file = join(dir, 'tokentax.json');
  const { env: _env, ...rest } = options;
  writeFileSync(file, JSON.stringify(rest));
  return file;
}

describe('hostile names reach the processor as data, never as config syntax', () => {
  const configs = [1, 2, 3].map((seed) => hostileNames(seed, 20));

  it('all fuzzed names in a config file: `tokentax collector-config --config` output passes otelcol validate', async () => {
    if (!found.bin) throw new Error(found.missing);
    const text = collectorConfig({ configFile: configFile(userConfig(configs.flat())) });
    // The names stay in the file: the pipeline text is the shipped one plus the file's path.
    expect(text.split('\n').length).toBe(readFileSync(COLLECTOR_CONFIG, 'utf8').split('\n').length + 1);
    const result = await harness.validateConfig(found.bin, text);
    expect(result.ok, result.output.slice(-2000)).toBe(true);
  }, 60_000);

  it('a config file path with YAML and ${...} syntax is quoted, not expanded', async () => {
    if (!found.bin) throw new Error(found.missing);
    const dir = mkdtempSync(join(tmpdir(), 'tokentax odd ${env:HOME} "dir": #'));
    const file = join(dir, 'tokentax.json');
    writeFileSync(file, JSON.stringify({ requestPrices: { oxlo: { 'llama-3.3-70b': 0.002 } } }));
    const result = await harness.validateConfig(found.bin, collectorConfig({ configFile: file }));
    expect(result.ok, result.output.slice(-2000)).toBe(true);
  }, 60_000);

  it('the shipped pipeline listens on loopback unless told otherwise', () => {
    const doc = parse(readFileSync(COLLECTOR_CONFIG, 'utf8'));
    const endpoints = [
      doc.receivers.otlp.protocols.grpc.endpoint,
      doc.receivers.otlp.protocols.http.endpoint,
      doc.exporters.prometheus.endpoint,
    ];
    for (const e of endpoints) expect(e).toMatch(/^\$\{env:[A-Z_]+:-127\.0\.0\.1:\d+\}$/);
    expect(readFileSync(COLLECTOR_CONFIG, 'utf8')).not.toMatch(/0\.0\.0\.0/);
  });
});

type Plain = Record<string, unknown>;

/** Integers beyond int64 travel as OTLP doubles (the same value; an intValue cannot hold them). */
const asOtlp = (a: Plain): Plain =>
  Object.fromEntries(
    Object.entries(a).map(([k, v]) => [
      k,
      typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v) ? { double: v } : v,
    ]),
  );

describe('the real collector on hostile names and mutated spans', () => {
  const names = hostileNames(4, 30);
  const configOptions = userConfig(names);
  let collector: { stop: () => Promise<void>; logs: () => string } | undefined;
  let outFile = '';
  let httpPort = 0;
  let spans: Array<{ attributes: Plain; startMs: number; label: string }> = [];

  beforeAll(async () => {
    if (!found.bin) return;
    const real = await collectRealSpans();
    const base = { [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 4000, [S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 300 };
    const named = names.flatMap((m) => [
      {
        label: `name ${JSON.stringify(m)}`,
        startMs: Date.now(),
        attributes: { [S.ATTR_GEN_AI_PROVIDER_NAME]: 'openai', [S.ATTR_GEN_AI_REQUEST_MODEL]: m, ...base },
      },
      {
        label: `alias of ${JSON.stringify(m)}`,
        startMs: Date.now(),
        attributes: { [S.ATTR_GEN_AI_REQUEST_MODEL]: `${m} alias`.toUpperCase(), ...base },
      },
    ]);
    spans = [...named, ...mutate(real, N, 99, true).map((m) => ({ ...m, attributes: m.attributes as Plain }))];
    const grpcPort = await harness.freePort();
    httpPort = await harness.freePort();
    const dir = (await import('node:fs')).mkdtempSync(join((await import('node:os')).tmpdir(), 'tokentax-hardening-'));
    outFile = join(dir, 'spans.jsonl');
    const config = {
      receivers: {
        otlp: {
          protocols: { grpc: { endpoint: `127.0.0.1:${grpcPort}` }, http: { endpoint: `127.0.0.1:${httpPort}` } },
        },
      },
      processors: { tokentax: { config_file: configFile(configOptions) } },
      exporters: { file: { path: outFile, format: 'json' } },
      service: {
        telemetry: { metrics: { level: 'none' } },
        pipelines: { traces: { receivers: ['otlp'], processors: ['tokentax'], exporters: ['file'] } },
      },
    };
    collector = await harness.startCollector({
      bin: found.bin,
      config: stringify(config, { lineWidth: 0 }),
      httpPort,
      startTimeoutMs: 90_000,
    });
  }, 150_000);

  afterAll(async () => {
    await collector?.stop();
  });

  it(`prices ${N.toLocaleString('en')} mutated real spans and 60 hostile-name spans exactly like the engine, with no NaN/Infinity`, async () => {
    if (!collector) throw new Error(`collector not started: ${found.missing ?? 'see beforeAll'}`);
    const BATCH = 500;
    for (let i = 0; i < spans.length; i += BATCH) {
      const batch = spans
        .slice(i, i + BATCH)
        .map((c) => ({ name: 'chat', startMs: c.startMs, endMs: c.startMs + 1000, attributes: asOtlp(c.attributes) }));
      const res = await harness.post(httpPort, '/v1/traces', harness.otlpTraces(batch, 'hardening', i + 1));
      expect(res.status, res.body).toBe(200);
    }
    const got = (await harness.readExportedSpans(outFile, spans.length, 90_000, 300)) as Map<number, Plain>;
    expect(got.size).toBe(spans.length);

    const engine = createCostEngine(loadPricing({ config: loadConfig(configOptions), sources }));
    const failures: string[] = [];
    let pricedHostile = 0;
    spans.forEach((c, i) => {
      const received = got.get(i) ?? {};
      const bad = nonFinite(received);
      if (bad.length) failures.push(`${c.label}: ${bad.join(', ')}`);
      const a = c.attributes as Parameters<typeof engine>[0];
      const want: Plain =
        firstString(a, MODEL_NAMES) === undefined ||
        a[S.ATTR_PRICING_VERSION] !== undefined ||
        a[S.ATTR_DUPLICATE] === true
          ? {}
          : (engine(a, c.startMs) as Plain);
      const added: Plain = {};
      for (const [k, v] of Object.entries(received)) if (!(k in c.attributes)) added[k] = v;
      for (const k of new Set([...Object.keys(want), ...Object.keys(added)])) {
        const w = want[k];
        const g = added[k];
        const same =
          typeof w === 'number' && typeof g === 'number'
            ? Math.abs(w - g) <= 1e-12 * Math.max(Math.abs(w), Math.abs(g))
            : w === g;
        if (!same) failures.push(`${c.label}: ${k}: engine ${JSON.stringify(w)} collector ${JSON.stringify(g)}`);
      }
      if (i < names.length * 2 && typeof added[S.ATTR_COST_USD] === 'number') pricedHostile++;
    });
    expect(failures.slice(0, 20), `${failures.length} of ${spans.length} spans differ`).toEqual([]);
    // Every hostile name and its alias round-tripped: the user's price was found for each.
    expect(pricedHostile).toBe(names.length * 2);
  }, 240_000);

  it('logged no errors', () => {
    if (!collector) throw new Error(`collector not started: ${found.missing ?? 'see beforeAll'}`);
    const errors = collector
      .logs()
      .split('\n')
      .filter((l) => /\berror\b/i.test(l) || /failed/i.test(l));
    expect(errors.slice(0, 5)).toEqual([]);
  });
});
