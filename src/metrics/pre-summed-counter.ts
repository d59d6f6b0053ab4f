/**
 * A monotonic counter summed in tokentax and reported through an ObservableCounter: what a backend
 * receives is the same cumulative Sum a Counter gives, but an add costs a WeakMap lookup for an
 * attribute object seen before (callers cache theirs) instead of the SDK's per-record attribute
 * hashing (measured 4.4 µs per record with 7 attributes, the largest share of tokentax's per-call CPU).
 *
 * An attribute object not seen before is matched by content, once, so equal sets always share one
 * series. Series are bounded like the SDK's cardinality limit: past `maxSeries`, adds go to one
 * `otel.metric.overflow=true` series, as the SDK itself would report them.
 */
import type { Attributes, Meter, MetricOptions, ObservableResult } from '@opentelemetry/api';

interface Series {
  readonly attributes: Attributes;
  value: number;
}

const OVERFLOW: Attributes = Object.freeze({ 'otel.metric.overflow': true });
const OVERFLOW_KEY = contentKey(OVERFLOW);

export class PreSummedCounter {
  private readonly byObject = new WeakMap<Attributes, Series>();
  private readonly byContent = new Map<string, Series>();

  constructor(
    meter: Meter,
    name: string,
    options: MetricOptions,
    private readonly maxSeries = 2000,
  ) {
    meter.createObservableCounter(name, options).addCallback((result: ObservableResult) => {
      for (const series of this.byContent.values()) result.observe(series.value, series.attributes);
    });
  }

  add(value: number, attributes: Attributes): void {
    if (!(value >= 0) || value === Infinity) return; // as the SDK: a counter ignores negative (and NaN) adds
    let series = this.byObject.get(attributes);
    if (!series) {
      series = this.seriesFor(attributes);
      this.byObject.set(attributes, series);
    }
    series.value += value;
  }

  private seriesFor(attributes: Attributes): Series {
    const key = contentKey(attributes);
    let series = this.byContent.get(key);
    if (series) return series;
    const full = this.byContent.size >= this.maxSeries;
    series = full ? this.byContent.get(OVERFLOW_KEY) : undefined;
    if (series) return series;
    series = { attributes: full ? OVERFLOW : Object.freeze({ ...attributes }), value: 0 };
    this.byContent.set(full ? OVERFLOW_KEY : key, series);
    return series;
  }
}

/** Order-independent identity of an attribute set (as the SDK hashes it). */
function contentKey(attributes: Attributes): string {
  return JSON.stringify(
    Object.keys(attributes)
      .sort()
      .map((k) => [k, attributes[k]]),
  );
}
