/**
 * The cost of one span in every column of the report: "actual" (the call as it was made) and each
 * scenario. Recorded tokentax.cost.* attributes win (priced when the call happened); what a span
 * does not carry — no cost attributes at all (other instrumentations, collector-less pipelines), a
 * scenario it was not priced for, or a flat price missing at record time — comes from the same cost
 * engine the processor uses.
 */
import type { Attributes } from '@opentelemetry/api';
import type { PriceSpan, Scenario } from '../contracts';
import { createCostEngine, type Pricing } from '../pricing';
import { periodAt } from '../pricing/math';
import { CACHE_READ_NAMES, INPUT_NAMES } from '../pricing/usage';
import {
  ATTR_COST_UNPRICED,
  ATTR_COST_USD,
  INFEASIBLE,
  UNPRICED,
  scenarioCostAttr,
  scenarioInfeasibleAttr,
  scenarioModelAttr,
} from '../semconv';

export const ACTUAL = 'actual';

/** Recorded reasons the report's own data and configuration may answer differently. */
const REPRICED: ReadonlySet<string> = new Set([
  INFEASIBLE.noPrice,
  UNPRICED.unknownModel,
  UNPRICED.unknownProvider,
  UNPRICED.ambiguousProvider,
]);

export interface FlatPrice {
  flat: boolean;
  /** The configured USD per request, when there is one. */
  price: number | undefined;
}

export class SpanCoster {
  /** Column ids: "actual", then the scenarios in configuration order. */
  readonly ids: string[];
  /** Per column for the last resolved span: USD (NaN when not priced), why not, stand-in model. */
  readonly usd: Float64Array;
  readonly reason: Array<string | undefined>;
  readonly model: Array<string | undefined>;
  private readonly engine: PriceSpan;
  private readonly names: Array<{ usd: string; infeasible: string; model: string }>;
  private readonly flatCache = new Map<string, FlatPrice>();

  constructor(
    private readonly pricing: Pricing,
    private readonly scenarios: readonly Scenario[],
  ) {
    this.engine = createCostEngine(pricing, scenarios);
    this.ids = [ACTUAL, ...scenarios.map((s) => s.id)];
    this.names = [
      { usd: ATTR_COST_USD, infeasible: ATTR_COST_UNPRICED, model: '' },
      ...scenarios.map((s) => ({
        usd: scenarioCostAttr(s.id),
        infeasible: scenarioInfeasibleAttr(s.id),
        model: scenarioModelAttr(s.id),
      })),
    ];
    this.usd = new Float64Array(this.ids.length);
    this.reason = new Array<string | undefined>(this.ids.length);
    this.model = new Array<string | undefined>(this.ids.length);
  }

  /** The engine's output for the last resolved span, when resolve() needed it. */
  private computed: Attributes | undefined;

  resolve(a: Attributes, timeMs: number): void {
    this.computed = undefined;
    const engine = () => (this.computed ??= this.engine(a, timeMs));
    for (let i = 0; i < this.names.length; i++) {
      const n = this.names[i];
      let usd = a[n.usd];
      let why = a[n.infeasible];
      // A recorded "no price" may have one now (a flat price given to the report's configuration), and
      // a call from a host nobody named may be priced now (the configuration's providerHosts, inference).
      let src: Attributes = a;
      if (typeof usd !== 'number' && (why === undefined || REPRICED.has(why as string))) {
        src = engine();
        usd = src[n.usd];
        why = src[n.infeasible];
      }
      this.usd[i] = typeof usd === 'number' && Number.isFinite(usd) ? usd : NaN;
      this.reason[i] = typeof why === 'string' ? why : undefined;
      const m = n.model ? (src[n.model] ?? a[n.model]) : undefined;
      this.model[i] = typeof m === 'string' ? m : undefined;
    }
  }

  /**
   * What the recycled context cost in each column: the engine's price of the span minus its price
   * with the recycled tokens taken out of the input (and out of the cached part first: a resent
   * prefix is what a provider's cache holds). Written to `out` (NaN when a column is not priced).
   */
  recycledCost(
    a: Attributes,
    timeMs: number,
    input: number,
    cacheRead: number,
    recycled: number,
    out: Float64Array,
  ): void {
    const full = this.computed ?? this.engine(a, timeMs);
    // Price the trimmed request on the same attributes object, restored right after: the engine is
    // synchronous and the object is the reader's own, so nothing else sees the change.
    const inputName = INPUT_NAMES[0];
    const readName = CACHE_READ_NAMES[0];
    const hadInput = inputName in a;
    const hadRead = readName in a;
    const savedInput = a[inputName];
    const savedRead = a[readName];
    a[inputName] = Math.max(0, input - recycled);
    a[readName] = Math.max(0, cacheRead - recycled);
    let trimmed: Attributes;
    try {
      trimmed = this.engine(a, timeMs);
    } finally {
      if (hadInput) a[inputName] = savedInput;
      else delete a[inputName];
      if (hadRead) a[readName] = savedRead;
      else delete a[readName];
    }
    for (let i = 0; i < this.names.length; i++) {
      const f = full[this.names[i].usd];
      const t = trimmed[this.names[i].usd];
      out[i] = typeof f === 'number' && typeof t === 'number' ? Math.max(0, f - t) : NaN;
    }
  }

  /** Whether column i's stand-in `model` is priced per request (flat), and at what configured price. */
  flatPrice(i: number, model: string | undefined, timeMs: number): FlatPrice {
    if (i === 0 || model === undefined) return { flat: false, price: undefined };
    const key = `${i}\u0000${model}`;
    let hit = this.flatCache.get(key);
    if (!hit) {
      const idx = this.pricing.index;
      const provider = idx.provider(this.scenarios[i - 1].provider);
      const entry = provider ? idx.lookup(provider, model) : undefined;
      const period = entry ? periodAt(entry, Number.isFinite(timeMs) ? timeMs : Infinity) : undefined;
      const flat = period !== undefined && period.perRequest !== undefined && !period.tokenMetered;
      hit = { flat, price: flat && typeof period.perRequest === 'number' ? period.perRequest : undefined };
      if (this.flatCache.size < 10_000) this.flatCache.set(key, hit);
    }
    return hit;
  }
}
