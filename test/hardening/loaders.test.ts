/**
 * Fuzzing the loaders users and packagers feed files to: loadConfig with random YAML/JSON documents
 * (random trees, schema-shaped documents with hostile values, broken text), and loadPricing with
 * mutated data files. Every failure is the loader's own error naming the file and the field; every
 * configuration that loads also loads as pricing and prices spans without NaN/Infinity.
 */
import fc from 'fast-check';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { createCostEngine, DATA_DIR, loadPricing } from '../../src/pricing';
import { PricingDataError } from '../../src/pricing/validate-data';
import { nonFinite, rng } from './support';

const dir = mkdtempSync(join(tmpdir(), 'tokentax-fuzz-'));

const hostile = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(-1, 0, 1e308, 0.5, 2 ** 60),
  fc.string({ maxLength: 5 }),
  fc.constant(null),
  fc.boolean(),
);
// Mostly plausible numbers, so that valid configurations load too and the priced path is fuzzed.
const hostileNumber = fc.oneof(
  { arbitrary: fc.double({ min: 0, max: 1000, noNaN: true }), weight: 12 },
  { arbitrary: fc.integer({ min: 1, max: 300_000 }), weight: 4 },
  { arbitrary: hostile, weight: 1 },
);
const name = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      'openai',
      'together',
      'oxlo',
      'fireworks',
      'gpt-4o',
      'llama-3.3-70b',
      'frontier_chat',
      'small_chat',
    ),
    weight: 10,
  },
  { arbitrary: fc.constantFrom('', ' ', 'a b', 'x"y', 'ü'), weight: 1 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
);
const maybe = <T>(a: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: a, weight: 15 }, { arbitrary: hostile as fc.Arbitrary<unknown>, weight: 1 });

/** Documents shaped like a tokentax config, with a hostile value somewhere most of the time. */
const configDoc = fc.record(
  {
    scenarios: maybe(
      fc.array(
        fc.oneof(
          name,
          fc.record({ id: name, provider: name, model: fc.option(name, { nil: undefined }) }, { requiredKeys: ['id'] }),
        ),
        { maxLength: 4 },
      ),
    ),
    prices: maybe(
      fc.array(
        fc.record(
          {
            provider: name,
            model: name,
            inputMtok: hostileNumber,
            outputMtok: hostileNumber,
            cachedInputMtok: hostileNumber,
            perRequest: hostileNumber,
            window: hostileNumber,
            effectiveFrom: fc.oneof(
              { arbitrary: fc.constantFrom('2026-01-01', '2020-02-29'), weight: 8 },
              { arbitrary: fc.constantFrom('2026-13-45', 'yesterday'), weight: 1 },
              { arbitrary: fc.string({ maxLength: 10 }), weight: 1 },
            ),
            aliases: maybe(fc.array(name, { maxLength: 3 })),
            perImage: fc.oneof(hostileNumber, fc.dictionary(name, hostileNumber, { maxKeys: 2 })),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
    ),
    requestPrices: maybe(
      fc.dictionary(
        name,
        fc.oneof(fc.dictionary(name, hostileNumber, { maxKeys: 2 }), hostileNumber as fc.Arbitrary<unknown>),
        { maxKeys: 2 },
      ),
    ),
    equivalence: maybe(
      fc.record(
        {
          classes: maybe(fc.dictionary(name, fc.array(name, { maxLength: 3 }), { maxKeys: 2 })),
          models: maybe(fc.dictionary(name, name, { maxKeys: 2 })),
        },
        { requiredKeys: [] },
      ),
    ),
    bloat: maybe(
      fc.record(
        {
          tokens: hostileNumber,
          utilization: hostileNumber,
          recycledRatio: hostileNumber,
          recycledMinTokens: hostileNumber,
          extra: hostileNumber,
        },
        { requiredKeys: [] },
      ),
    ),
    providerHosts: maybe(fc.dictionary(name, name, { maxKeys: 2 })),
  },
  { requiredKeys: [] },
);

const anyDoc = fc.oneof(
  { arbitrary: configDoc, weight: 6 },
  { arbitrary: configDoc.map((d) => ({ ...d, unknownField: 1 })), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
);

/** The ConfigError contract: the file is named, and a field path (or "(root)") before "expected". */
function checkConfigError(e: unknown, file: string): string | undefined {
  if (!(e instanceof ConfigError)) return `not a ConfigError: ${(e as Error)?.name}: ${(e as Error)?.message}`;
  if (!e.message.includes(file)) return `file not named: ${e.message}`;
  // "tokentax config file F: <field path or (root)>: expected ..." (a field may itself contain ':').
  if (!e.message.startsWith(`tokentax config file ${file}: `) || !e.message.slice(file.length).includes(': expected '))
    return `no field path: ${e.message}`;
  return undefined;
}

describe('loadConfig fuzz', () => {
  it('random YAML and JSON documents: loads, or a ConfigError naming the file and field; loaded configs price without NaN', () => {
    let loaded = 0;
    let rejected = 0;
    const spans = [
      {
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 5000,
        'gen_ai.usage.output_tokens': 200,
      },
      {
        'gen_ai.provider.name': 'oxlo',
        'gen_ai.request.model': 'llama-3.3-70b',
        'gen_ai.usage.input_tokens': 100,
        'gen_ai.usage.output_tokens': 20,
      },
    ];
    fc.assert(
      fc.property(anyDoc, fc.constantFrom('json', 'yaml', 'yml'), fc.nat(), (doc, ext, n) => {
        const file = join(dir, `config-${n}.${ext}`);
        writeFileSync(file, ext === 'json' ? JSON.stringify(doc) : stringify(doc));
        let config;
        try {
          config = loadConfig({ file, env: {} });
        } catch (e) {
          rejected++;
          const problem = checkConfigError(e, file);
          if (problem) throw new Error(`${problem}\n${JSON.stringify(doc)}`, { cause: e });
          return;
        }
        loaded++;
        // What validation accepts must load as pricing and price spans cleanly.
        const engine = createCostEngine(loadPricing({ config }));
        for (const s of spans) expect(nonFinite(engine(s, Date.now()) as Record<string, unknown>)).toEqual([]);
      }),
      { numRuns: 400, seed: 8 },
    );
    // Both outcomes are exercised.
    expect(loaded).toBeGreaterThan(20);
    expect(rejected).toBeGreaterThan(50);
  });

  it('broken text (truncated, binary, tabs, anchors): a ConfigError naming the file', () => {
    const good = stringify({ scenarios: ['together', { id: 'x', provider: 'fireworks' }], bloat: { tokens: 1000 } });
    const r = rng(3);
    const variants = [
      ...Array.from({ length: 40 }, () => good.slice(0, Math.floor(r() * good.length))),
      '\u0000\u0001\u0002',
      'scenarios: [unclosed',
      'a: &x [*x]',
      'bloat:\n\ttokens: 5',
      '{"scenarios": ',
      '- just\n- a list',
      '42',
      '"a string"',
      '? complex key\n: value',
      'bloat: !!binary aGVsbG8=',
    ];
    for (const [i, text] of variants.entries()) {
      for (const ext of ['json', 'yaml']) {
        const file = join(dir, `broken-${i}.${ext}`);
        writeFileSync(file, text);
        try {
          loadConfig({ file, env: {} });
        } catch (e) {
          expect(checkConfigError(e, file)).toBeUndefined();
        }
      }
    }
    const missing = join(dir, 'does-not-exist.yaml');
    expect(() => loadConfig({ file: missing, env: {} })).toThrow(missing);
  });
});

describe('loadPricing fuzz (mutated data files)', () => {
  const original = {
    prices: JSON.parse(readFileSync(join(DATA_DIR, 'prices.json'), 'utf8')),
    ratios: JSON.parse(readFileSync(join(DATA_DIR, 'tokenizer-ratios.json'), 'utf8')),
    equivalence: JSON.parse(readFileSync(join(DATA_DIR, 'equivalence.json'), 'utf8')),
  };
  const FILES = { prices: 'prices.json', ratios: 'tokenizer-ratios.json', equivalence: 'equivalence.json' } as const;
  const HOSTILE: unknown[] = [null, -1, 'NaN', '1.5', true, [], {}, [1], '', Infinity, 'x'.repeat(3)];

  /** A random path into the document (objects and arrays), and its parent. */
  function randomPath(root: any, r: () => number): Array<string | number> {
    const path: Array<string | number> = [];
    let node = root;
    while (node && typeof node === 'object' && r() < 0.85) {
      const keys = Array.isArray(node) ? node.map((_: unknown, i: number) => i) : Object.keys(node);
      if (keys.length === 0) break;
      const k = keys[Math.floor(r() * keys.length)];
      path.push(k);
      node = node[k];
    }
    return path;
  }

  it('120 mutated data sets: load, or PricingDataError naming the file and the field; loaded data prices without NaN', () => {
    const r = rng(11);
    const dataDir = mkdtempSync(join(tmpdir(), 'tokentax-data-fuzz-'));
    cpSync(DATA_DIR, dataDir, { recursive: true });
    const failures: string[] = [];
    let rejected = 0;
    const span = {
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': 5000,
      'gen_ai.usage.output_tokens': 200,
    };
    for (let i = 0; i < 120; i++) {
      const which = (['prices', 'prices', 'prices', 'ratios', 'equivalence'] as const)[Math.floor(r() * 5)];
      const doc = structuredClone(original[which]);
      const path = randomPath(doc, r);
      if (path.length === 0) continue;
      let parent: any = doc;
      for (const k of path.slice(0, -1)) parent = parent[k];
      const last = path[path.length - 1];
      if (r() < 0.3 && !Array.isArray(parent)) delete parent[last];
      else parent[last] = HOSTILE[Math.floor(r() * HOSTILE.length)];
      const truncate = r() < 0.1;
      const text = JSON.stringify(doc);
      const file = join(dataDir, FILES[which]);
      writeFileSync(file, truncate ? text.slice(0, Math.floor(r() * text.length)) : text);
      try {
        const engine = createCostEngine(loadPricing({ dataDir }));
        const bad = nonFinite(engine(span, Date.now()) as Record<string, unknown>);
        if (bad.length) failures.push(`#${i} ${which} ${path.join('.')}: ${bad.join(', ')}`);
      } catch (e) {
        rejected++;
        const msg = (e as Error).message;
        if (!(e instanceof PricingDataError))
          failures.push(`#${i} ${which} ${path.join('.')}: ${(e as Error).name}: ${msg}`);
        else if (!msg.includes(file)) failures.push(`#${i}: file not named: ${msg}`);
        else if (!truncate && !msg.includes(`: ${String(path[0])}`) && !msg.includes('(root)'))
          failures.push(`#${i} ${path.join('.')}: field not named: ${msg}`);
      } finally {
        writeFileSync(file, JSON.stringify(original[which]));
      }
    }
    expect(failures.slice(0, 10), `${failures.length} failures`).toEqual([]);
    expect(rejected).toBeGreaterThan(20);
  });
});
