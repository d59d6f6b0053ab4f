/**
 * PreSummedCounter reports what a Counter would: a monotonic cumulative Sum per attribute set (and
 * the right deltas to a delta-temporality reader), one series per attribute set whatever object carries
 * it, ignores negative/NaN adds, and bounds its series.
 */
import { AggregationTemporality, DataPointType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { PreSummedCounter } from '../../src/metrics/pre-summed-counter';

class Reader extends MetricReader {
  constructor(temporality = AggregationTemporality.CUMULATIVE) {
    super({ aggregationTemporalitySelector: () => temporality });
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

async function points(reader: Reader) {
  const { resourceMetrics } = await reader.collect();
  const metric = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === 'test.cost');
  return {
    metric,
    values: Object.fromEntries(
      (metric?.dataPoints ?? []).map((p) => [JSON.stringify(p.attributes), p.value as number]),
    ),
  };
}

function setup(temporality?: AggregationTemporality, maxSeries?: number) {
  const reader = new Reader(temporality);
  const provider = new MeterProvider({ readers: [reader] });
  const meter = provider.getMeter('t');
  const counter = new PreSummedCounter(meter, 'test.cost', { unit: 'USD' }, maxSeries);
  return { reader, counter, meter };
}

describe('PreSummedCounter', () => {
  const a = Object.freeze({ scenario: 'actual', model: 'gpt-4o' });
  const b = Object.freeze({ scenario: 'cheap', model: 'llama' });

  it('is a monotonic cumulative sum per attribute set, like a Counter', async () => {
    const { reader, counter } = setup();
    counter.add(0.5, a);
    counter.add(0.25, a);
    counter.add(2, b);
    counter.add(-1, a); // a counter ignores negative adds
    counter.add(Number.NaN, b);
    const first = await points(reader);
    expect(first.metric?.dataPointType).toBe(DataPointType.SUM);
    expect((first.metric as { isMonotonic?: boolean }).isMonotonic).toBe(true);
    expect(first.metric?.descriptor.unit).toBe('USD');
    expect(first.values).toEqual({ [JSON.stringify(a)]: 0.75, [JSON.stringify(b)]: 2 });
    counter.add(1, a);
    expect((await points(reader)).values[JSON.stringify(a)]).toBe(1.75);
  });

  it('sums equal attribute sets given as different objects (any key order) into one series', async () => {
    const { reader, counter } = setup();
    counter.add(1, { scenario: 'cheap', model: 'llama' });
    counter.add(2, { model: 'llama', scenario: 'cheap' });
    counter.add(4, b);
    const { values } = await points(reader);
    expect(Object.keys(values)).toHaveLength(1);
    expect(Object.values(values)).toEqual([7]);
  });

  it('gives a delta reader the increase since its last collection', async () => {
    const { reader, counter } = setup(AggregationTemporality.DELTA);
    counter.add(3, a);
    expect((await points(reader)).values[JSON.stringify(a)]).toBe(3);
    counter.add(4, a);
    expect((await points(reader)).values[JSON.stringify(a)]).toBe(4);
  });

  it('adds up, like one Counter, when two are made with the same name on the same meter', async () => {
    // Two instrumentations (or cost processors) in one process get the same meter: their counts are
    // one instrument's, as two Counters of one name would be, not one observation hiding the other.
    const { reader, counter, meter } = setup();
    const twin = new PreSummedCounter(meter, 'test.cost', { unit: 'USD' });
    counter.add(1, a);
    twin.add(2, a);
    twin.add(4, b);
    expect((await points(reader)).values).toEqual({ [JSON.stringify(a)]: 3, [JSON.stringify(b)]: 4 });
  });

  it('sends series past its limit to one overflow series, losing no value', async () => {
    const { reader, counter } = setup(undefined, 2);
    counter.add(1, a);
    counter.add(1, b);
    counter.add(5, { scenario: 'x', model: 'third' });
    counter.add(6, { scenario: 'y', model: 'fourth' });
    const { values } = await points(reader);
    expect(values[JSON.stringify({ 'otel.metric.overflow': true })]).toBe(11);
    expect(Object.values(values).reduce((s, v) => s + v, 0)).toBe(13);
  });
});
