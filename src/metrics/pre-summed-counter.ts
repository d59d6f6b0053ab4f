/**
 * A monotonic counter summed in tokentax and reported through an ObservableCounter: what a backend
 * receives is the same cumulative Sum a Counter gives, but an add costs a WeakMap lookup for an
 * attribute object seen before (callers cache theirs) instead of the SDK's per-record attribute
 * hashing (measured 4.4 µs per record with 7 attributes, the largest share of tokentax's per-call CPU).
 *
 * An attribute object not seen before is matched by content, once, so equal sets always share one
 * series. Series are bounded like the SDK's cardinality limit: past `maxSeries`, adds go to one
 * `otel.metric.overflow=true` series, as the SDK itself would report them. Counters of one name on one
 * meter share their series, as Counters of one name share one instrument.
 */
import type { Attributes, Meter, MetricOptions, ObservableResult } from '@opentelemetry/api';

interface Series {
  readonly attributes: Attributes;
  value: number;
}

const OVERFLOW: Attributes = Object.freeze({ 'otel.metric.overflow': true });
const OVERFLOW_KEY = contentKey(OVERFLOW);

/** The series of one instrument: shared by every PreSummedCounter of that name on that meter. */
interface Store {
  readonly byObject: WeakMap<Attributes, Series>;
  readonly byContent: Map<string, Series>;
}

/**
 * Stores by meter, then instrument name. Two instrumentations (or cost processors) in one process get
 * the same meter; as with two Counters of one name, their adds go to one instrument, observed once
 * (two callbacks observing the same attributes would keep only the last observation).
 */
const stores = new WeakMap<Meter, Map<string, Store>>();

export class PreSummedCounter {
  private readonly byObject: WeakMap<Attributes, Series>;
  private readonly byContent: Map<string, Series>;

  constructor(
    meter: Meter,
    name: string,
    options: MetricOptions,
    private readonly maxSeries = 2000,
  ) {
    let byName = stores.get(meter);
    if (!byName) stores.set(meter, (byName = new Map()));
    let store = byName.get(name);
    if (!store) {
      const created: Store = { byObject: new WeakMap(), byContent: new Map() };
      meter.createObservableCounter(name, options).addCallback((result: ObservableResult) => {
        for (const series of created.byContent.values()) result.observe(series.value, series.attributes);
      });
      byName.set(name, (store = created));
    }
    this.byObject = store.byObject;
    this.byContent = store.byContent;
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
