/**
 * A monotonic counter summed in tokentax and reported through an ObservableCounter: what a backend
 * receives is the same cumulative Sum a Counter gives, but a span's many adds (one per scenario for
 * tokentax.cost) cost a Map lookup each instead of the SDK's per-record attribute hashing — the
 * largest single share of tokentax's per-call CPU when measured.
 *
 * Callers pass attribute objects they reuse (cached per model/scenario): series are found by object
 * identity. Series are bounded like the SDK's cardinality limit: past `maxSeries` distinct objects,
 * adds go to one `otel.metric.overflow=true` series, as the SDK itself would report them.
 */
import type { Attributes, Meter, MetricOptions, ObservableResult } from '@opentelemetry/api';

const OVERFLOW: Attributes = Object.freeze({ 'otel.metric.overflow': true });

export class PreSummedCounter {
  private readonly sums = new Map<Attributes, number>();

  constructor(
    meter: Meter,
    name: string,
    options: MetricOptions,
    private readonly maxSeries = 2000,
  ) {
    meter.createObservableCounter(name, options).addCallback((result: ObservableResult) => {
      for (const [attributes, value] of this.sums) result.observe(value, attributes);
    });
  }

  add(value: number, attributes: Attributes): void {
    if (!(value >= 0) || value === Infinity) return; // as the SDK: a counter ignores negative (and NaN) adds
    let key = attributes;
    let sum = this.sums.get(key);
    if (sum === undefined) {
      if (this.sums.size >= this.maxSeries) {
        key = OVERFLOW;
        sum = this.sums.get(key);
      }
      sum ??= 0;
    }
    this.sums.set(key, sum + value);
  }
}
