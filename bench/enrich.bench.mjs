#!/usr/bin/env node
/**
 * Enrichment cost per span: the pure cost engine with the default 5 scenarios on the shipped data,
 * the processor's onEnding path (engine + cost metric on the global no-op meter), and, for
 * comparison in the same run, @pydantic/genai-prices' calcPrice called once per price needed (actual
 * + 5 scenarios), the alternative we chose not to run per span.
 *
 * Goal: engine median <= 2 microseconds per span. Run after `npm run build`:
 *   node bench/enrich.bench.mjs
 */
import { createRequire } from 'node:module';
import { median } from './support/stats.mjs';
import { GENAI_SPANS } from './support/genai-spans.mjs';

const require = createRequire(import.meta.url);
const { loadPricing, createCostEngine, TokentaxCostProcessor } = require('../dist/pricing/index.js');

const ROUNDS = 7;
const SPANS_PER_ROUND = 200_000;
const GOAL_NS = 2000;

const spans = GENAI_SPANS;
const t0 = Date.parse('2026-11-01T00:00:00Z');

function measure(fn, n = SPANS_PER_ROUND) {
  for (let i = 0; i < 20_000; i++) fn(spans[i % spans.length], i); // warm up (JIT, memo)
  const perSpan = [];
  let sink = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink += fn(spans[i % spans.length], i) ? 1 : 0;
    perSpan.push(Number(process.hrtime.bigint() - start) / n);
  }
  if (sink < 0) console.log(sink);
  return { median: median(perSpan), min: Math.min(...perSpan), max: Math.max(...perSpan) };
}

const loadStart = process.hrtime.bigint();
const pricing = loadPricing();
const loadMs = Number(process.hrtime.bigint() - loadStart) / 1e6;
const price = createCostEngine(pricing);

const engine = measure((a) => price(a, t0));

const processor = new TokentaxCostProcessor({ pricing });
const fakeSpan = (a) => ({ attributes: a, startTime: [Math.floor(t0 / 1000), 0], setAttributes() {} });
const fakes = spans.map(fakeSpan);
const viaProcessor = measure((_a, i) => processor.onEnding(fakes[i % fakes.length]) ?? true);

// genai-prices: one calcPrice per price needed (actual + 5 scenarios), fewer spans (it is slow).
let genai;
try {
  const { calcPrice } = require('@pydantic/genai-prices');
  const when = new Date(t0);
  const calls = [
    ['openai', 'gpt-4o'],
    ['together', 'meta-llama/Llama-3.3-70B-Instruct-Turbo'],
    ['fireworks', 'accounts/fireworks/models/deepseek-v3p2'],
    ['openrouter', 'meta-llama/llama-3.3-70b-instruct'],
    ['openai', 'gpt-4o-mini'],
    ['openai', 'gpt-4.1'],
  ];
  const usage = { input_tokens: 12_000, cache_read_tokens: 8_000, output_tokens: 400 };
  genai = measure(() => {
    let ok = 0;
    for (const [providerId, model] of calls) if (calcPrice(usage, model, { providerId, timestamp: when })) ok++;
    return ok;
  }, 5_000);
} catch (err) {
  genai = undefined;
  console.error('genai-prices comparison skipped:', err.message);
}

const us = (ns) => (ns / 1000).toFixed(3);
const rows = [
  ['cost engine, 5 scenarios', engine],
  ['processor onEnding (+ metric, no-op meter)', viaProcessor],
  ...(genai ? [['genai-prices calcPrice x6 (comparison)', genai]] : []),
];
console.log(
  `\nenrich.bench: ${ROUNDS} rounds x ${SPANS_PER_ROUND} spans (${spans.length}-span mix), median of per-round means`,
);
console.log(
  `pricing data load (once, lazily): ${loadMs.toFixed(1)} ms, ${pricing.index.entries().length} models, version ${pricing.version}`,
);
console.table(
  Object.fromEntries(
    rows.map(([name, r]) => [
      name,
      {
        'median µs/span': us(r.median),
        'min µs': us(r.min),
        'max µs': us(r.max),
        'vs engine': (r.median / engine.median).toFixed(1) + 'x',
      },
    ]),
  ),
);
const pass = engine.median <= GOAL_NS;
console.log(`goal: engine median <= ${GOAL_NS / 1000} µs/span -> ${pass ? 'PASS' : 'FAIL'} (${us(engine.median)} µs)`);
process.exitCode = pass ? 0 : 1;
