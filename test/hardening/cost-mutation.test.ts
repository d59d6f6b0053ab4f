/**
 * The cost engine and the in-process enricher fed 10,000 mutations of real spans (what tokentax's
 * instrumentation wrote for simulated traffic under six providers' names, plus the recorded traffic
 * in ../shared when present). test/pricing/property.test.ts covers
 * random attribute sets; this starts from real ones. No throw, no NaN/Infinity in any attribute or
 * metric point, and bad usage gives tokentax.cost.unpriced = invalid_usage, never a cost.
 */
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { beforeAll, describe, expect, it } from 'vitest';
import { CostEnricher, createCostEngine, loadPricing } from '../../src/pricing';
import { INPUT_NAMES, OUTPUT_NAMES } from '../../src/pricing/usage';
import {
  ATTR_COST_CHEAPEST,
  ATTR_COST_SAVINGS_USD,
  ATTR_COST_UNPRICED,
  ATTR_COST_USD,
  ATTR_DUPLICATE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_PRICING_VERSION,
  OPERATION,
  UNPRICED,
} from '../../src/semconv';
import { RECORDINGS_DIR, recordingsAvailable } from '../support/recordings';
import { mutate } from './mutation';
import { collectRealSpans, type RealSpan } from './real-spans';
import { captureDiag, nonFinite } from './support';

const N = 10_000;
if (!recordingsAvailable())
  console.warn(`cost-mutation.test: recorded-traffic part SKIPPED, ${RECORDINGS_DIR} is absent (simulated spans only)`);
let real: RealSpan[] = [];

beforeAll(async () => {
  real = await collectRealSpans();
}, 60_000);

/** The first present value among names, as the engine reads it. */
const firstPresent = (a: Record<string, unknown>, names: readonly string[]) => {
  for (const n of names) if (a[n] !== undefined && a[n] !== null) return { present: true, value: a[n] };
  return { present: false, value: undefined };
};
const validCount = (v: unknown) => typeof v === 'number' && v >= 0 && v <= Number.MAX_SAFE_INTEGER;
const pricedCount = (spans: RealSpan[]) => {
  const engine = createCostEngine(loadPricing());
  return spans.filter((s) => engine(s.attributes, s.startMs)[ATTR_COST_USD] !== undefined).length;
};

describe('cost engine on mutated real spans', () => {
  it('has simulated spans of every provider and operation to start from, most of them priced', () => {
    const simulated = real.filter((s) => s.source === 'simulator');
    expect(simulated.length).toBeGreaterThanOrEqual(20);
    const operations = new Set(simulated.map((s) => s.attributes[ATTR_GEN_AI_OPERATION_NAME]));
    for (const op of [OPERATION.chat, OPERATION.embeddings, OPERATION.textCompletion]) expect(operations).toContain(op);
    // Most unmutated spans are priced: the mutations start from priceable ground.
    expect(pricedCount(simulated)).toBeGreaterThan(simulated.length / 2);
  });

  it.skipIf(!recordingsAvailable())(
    `adds the recorded OpenAI traffic, most of it priced${recordingsAvailable() ? '' : ` (skipped: ${RECORDINGS_DIR} is absent, a clone without ../shared; CI has it)`}`,
    () => {
      const recorded = real.filter((s) => s.source === 'recording');
      expect(recorded.length).toBeGreaterThanOrEqual(20);
      expect(pricedCount(recorded)).toBeGreaterThan(recorded.length / 2);
    },
  );

  it(`${N.toLocaleString('en')} mutated spans: no throw, no NaN/Infinity, invalid usage never priced`, () => {
    const diagCapture = captureDiag();
    const engine = createCostEngine(loadPricing());
    const reasons = new Map<string, number>();
    let priced = 0;
    const failures: string[] = [];
    for (const m of mutate(real, N, 20261127)) {
      let out: Record<string, unknown>;
      try {
        out = engine(m.attributes, m.startMs) as Record<string, unknown>;
      } catch (e) {
        failures.push(`${m.label}: threw ${(e as Error).message}`);
        continue;
      }
      const bad = nonFinite(out);
      if (bad.length) failures.push(`${m.label}: ${bad.join(', ')}`);
      if (m.attributes[ATTR_DUPLICATE] === true) continue;
      const usd = out[ATTR_COST_USD];
      const unpriced = out[ATTR_COST_UNPRICED];
      if (usd !== undefined) {
        priced++;
        if (typeof usd !== 'number' || usd < 0) failures.push(`${m.label}: cost ${String(usd)}`);
      }
      if (typeof unpriced === 'string') reasons.set(unpriced, (reasons.get(unpriced) ?? 0) + 1);
      if (usd !== undefined && unpriced !== undefined)
        failures.push(`${m.label}: both a cost and unpriced=${String(unpriced)}`);
      if (usd === undefined && unpriced === undefined && out[ATTR_PRICING_VERSION] !== undefined)
        failures.push(`${m.label}: neither cost nor unpriced reason`);
      const savings = out[ATTR_COST_SAVINGS_USD];
      if (savings !== undefined && !(typeof savings === 'number' && savings >= 0))
        failures.push(`${m.label}: savings ${String(savings)}`);
      if (out[ATTR_COST_CHEAPEST] !== undefined && typeof out[ATTR_COST_CHEAPEST] !== 'string')
        failures.push(`${m.label}: cheapest`);
      // A present but unusable input/output count: never priced, always invalid_usage.
      for (const names of [INPUT_NAMES, OUTPUT_NAMES]) {
        const f = firstPresent(m.attributes, names);
        if (f.present && !validCount(f.value) && unpriced !== UNPRICED.invalidUsage) {
          failures.push(
            `${m.label}: ${names[0]} ${String(f.value)} gave ${usd !== undefined ? `cost ${String(usd)}` : `unpriced=${String(unpriced)}`}`,
          );
        }
      }
    }
    expect(failures.slice(0, 20), `${failures.length} of ${N} failed`).toEqual([]);
    // The mutations reach every outcome: priced, invalid usage, unknown model/provider. Most unknown
    // providers are now priced by inference from the model, so the provider outcomes are rarer.
    expect(priced).toBeGreaterThan(N / 10);
    for (const r of [UNPRICED.invalidUsage, UNPRICED.unknownModel])
      expect(reasons.get(r) ?? 0, r).toBeGreaterThan(N / 100);
    for (const r of [UNPRICED.unknownProvider, UNPRICED.ambiguousProvider])
      expect(reasons.get(r) ?? 0, r).toBeGreaterThan(0);
    // The engine's own failure path (internal_error) was never taken.
    expect(reasons.get(UNPRICED.internalError) ?? 0).toBe(0);
    expect(diagCapture.logs.filter((l) => l.level === 'error')).toEqual([]);
    diagCapture.restore();
  });

  it('the enricher (processor path) records only finite cost metric points for the same spans', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ readers: [reader] });
    const enricher = new CostEnricher({ pricing: loadPricing(), meter: provider.getMeter('tokentax') });
    for (const m of mutate(real, 2_000, 7)) {
      const out = enricher.enrich(m.attributes, m.startMs);
      if (out) expect(nonFinite(out as Record<string, unknown>)).toEqual([]);
    }
    await reader.forceFlush();
    const points = exporter
      .getMetrics()
      .flatMap((rm) => rm.scopeMetrics.flatMap((s) => s.metrics.flatMap((x) => x.dataPoints)));
    expect(points.length).toBeGreaterThan(0);
    for (const p of points) expect(Number.isFinite(p.value as number), JSON.stringify(p.attributes)).toBe(true);
    await provider.shutdown();
  });
});
