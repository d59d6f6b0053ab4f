/**
 * In-process enrichment (the embedded default: no collector needed).
 *
 * TokentaxCostProcessor adds the tokentax.cost.* attributes in the SDK's onEnding(span) hook
 * (sdk-trace 2.x; attributes set in onEnd are ignored because the span is already read-only), and
 * counts USD on the tokentax.cost counter by scenario. For SDKs without onEnding, wrap the exporter
 * with CostEnrichingExporter instead: it prices each span on export and hands the exporter a view
 * made with Object.create(span) whose `attributes` include the cost (a {...span} copy would lose the
 * prototype getters such as spanContext() that OTLP serialisation needs).
 *
 * Nothing here throws into the application: loading failures are reported once through diag and
 * the processor then does nothing.
 */
import {
  diag,
  metrics,
  type Attributes,
  type Context,
  type Counter,
  type Meter,
  type MeterProvider,
} from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { loadConfig, type LoadConfigOptions, type ResolvedConfig } from '../config';
import type { CallUsage, PriceSpan, Scenario } from '../contracts';
import {
  ATTR_COST_USD,
  ATTR_DUPLICATE,
  ATTR_METRIC_MODEL,
  ATTR_METRIC_PROVIDER,
  ATTR_METRIC_SCENARIO,
  ATTR_PRICING_PROVIDER,
  ATTR_PRICING_VERSION,
  ATTR_PROVIDER_INFERRED,
  CHEAPEST_ACTUAL,
  METRIC_COST,
  PROVIDER,
  scenarioCostAttr,
  scenarioModelAttr,
} from '../semconv';
import { loadPricing, type Pricing } from './data';
import { createCostEngine } from './engine';
import { MODEL_NAMES, firstString, takeUsage } from './usage';

export interface CostProcessorOptions {
  /** Resolved configuration (from loadConfig), or options to load it with; default: loadConfig(). */
  config?: ResolvedConfig | LoadConfigOptions;
  /** Already loaded pricing, or a function returning it (called on the first GenAI span, so one
   *  lazily loaded Pricing can be shared with createModelCatalog). Overrides `config`. */
  pricing?: Pricing | (() => Pricing);
  /** Meter for the tokentax.cost counter; default: the global meter provider's "tokentax" meter. */
  meter?: Meter;
}

/** Shared by the processor and the exporter wrapper: lazy engine + metric recording. */
export class CostEnricher {
  private engine: PriceSpan | undefined;
  /** Per scenario: its attribute names. */
  private scenarios: Array<{ id: string; provider: string; usd: string; model: string }> = [];
  private failed = false;
  private metricFailureReported = false;
  private counter: Counter | undefined;
  /** The global MeterProvider the counter came from: a provider registered later (the SDK starts
   *  after the first span, or is replaced) gets a new counter instead of a dead no-op one. */
  private counterSource: MeterProvider | undefined;

  constructor(private readonly options: CostProcessorOptions = {}) {}

  /**
   * The cost attributes for a finished GenAI span's attributes, or undefined (not GenAI / disabled).
   * `usage`: the call's typed usage when tokentax's own instrumentation made the span.
   */
  enrich(attributes: Attributes, timeMs: number, usage?: CallUsage): Attributes | undefined {
    if (this.failed || firstString(attributes, MODEL_NAMES) === undefined) return undefined;
    if (attributes[ATTR_PRICING_VERSION] !== undefined) return undefined; // already priced upstream
    // Another instrumentation's span for a call tokentax recorded too: price the call once.
    if (attributes[ATTR_DUPLICATE] === true) return undefined;
    const engine = this.engine ?? this.load();
    if (!engine) return undefined;
    const cost = engine(attributes, timeMs, usage);
    this.record(attributes, cost);
    return cost;
  }

  private load(): PriceSpan | undefined {
    try {
      const given = this.options.pricing;
      const pricing =
        typeof given === 'function' ? given() : (given ?? loadPricing({ config: resolveConfig(this.options.config) }));
      this.scenarios = pricing.scenarios.map((s: Scenario) => ({
        id: s.id,
        provider: s.provider,
        usd: scenarioCostAttr(s.id),
        model: scenarioModelAttr(s.id),
      }));
      this.engine = createCostEngine(pricing);
      return this.engine;
    } catch (err) {
      this.failed = true;
      diag.error('tokentax: pricing data or configuration could not be loaded; spans are not priced', err);
      return undefined;
    }
  }

  /** The provider label of the actual cost: the provider it was priced as, else _OTHER (never a host,
   *  nor an inferred provider stated as fact); collector/config.yaml labels its copy the same way. */
  private providerLabel(cost: Attributes): string {
    const priced = cost[ATTR_PRICING_PROVIDER];
    return typeof priced === 'string' && cost[ATTR_PROVIDER_INFERRED] !== true ? priced : PROVIDER.other;
  }

  private record(span: Attributes, cost: Attributes): void {
    try {
      let counter = this.counter;
      if (!this.options.meter) {
        const source = metrics.getMeterProvider();
        if (source !== this.counterSource) {
          this.counterSource = source;
          counter = undefined;
        }
      }
      if (!counter) {
        counter = (this.options.meter ?? metrics.getMeter('tokentax')).createCounter(METRIC_COST, {
          unit: 'USD',
          description: 'Cost of GenAI calls as made (scenario=actual) and as they would have cost in each scenario',
        });
        this.counter = counter;
      }
      const provider = this.providerLabel(cost);
      const actual = cost[ATTR_COST_USD];
      if (typeof actual === 'number')
        counter.add(actual, costAttributes(CHEAPEST_ACTUAL, firstString(span, MODEL_NAMES) ?? 'unknown', provider));
      for (const s of this.scenarios) {
        const usd = cost[s.usd];
        const model = cost[s.model];
        if (typeof usd === 'number' && typeof model === 'string')
          counter.add(usd, costAttributes(s.id, model, s.provider));
      }
    } catch (err) {
      // Once, not per span: a broken meter would otherwise log on every call.
      if (this.metricFailureReported) return;
      this.metricFailureReported = true;
      diag.warn('tokentax: the tokentax.cost metric could not be recorded; spans still carry their cost', err);
    }
  }
}

function costAttributes(scenario: string, model: string, provider: string): Attributes {
  return { [ATTR_METRIC_SCENARIO]: scenario, [ATTR_METRIC_MODEL]: model, [ATTR_METRIC_PROVIDER]: provider };
}

function resolveConfig(config: CostProcessorOptions['config']): ResolvedConfig {
  if (config && 'bloat' in config && 'prices' in config && 'providerHosts' in config && Array.isArray(config.prices)) {
    return config as ResolvedConfig;
  }
  return loadConfig(config as LoadConfigOptions | undefined);
}

const hrToMs = (t: [number, number]): number => t[0] * 1e3 + t[1] / 1e6;

/** Adds cost attributes as each span ends. Add it to a NodeSDK with `spanProcessors: [...]`. */
export class TokentaxCostProcessor implements SpanProcessor {
  private readonly enricher: CostEnricher;

  constructor(options: CostProcessorOptions = {}) {
    this.enricher = new CostEnricher(options);
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnding(span: Span): void {
    try {
      const cost = this.enricher.enrich(span.attributes, hrToMs(span.startTime), takeUsage(span));
      if (cost) span.setAttributes(cost);
    } catch (err) {
      diag.debug('tokentax: span not priced', err);
    }
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** For SDKs without onEnding: prices spans on their way to `exporter`. */
export class CostEnrichingExporter implements SpanExporter {
  private readonly enricher: CostEnricher;

  constructor(
    private readonly exporter: SpanExporter,
    options: CostProcessorOptions = {},
  ) {
    this.enricher = new CostEnricher(options);
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    let out: ReadableSpan[];
    try {
      out = spans.map((span) => {
        const cost = this.enricher.enrich(span.attributes, hrToMs(span.startTime), takeUsage(span));
        if (!cost) return span;
        // A view over the original span: prototype methods (spanContext) keep working.
        return Object.create(span, {
          attributes: { value: { ...span.attributes, ...cost }, enumerable: true },
        }) as ReadableSpan;
      });
    } catch (err) {
      diag.debug('tokentax: spans exported without cost', err);
      out = spans;
    }
    this.exporter.export(out, resultCallback);
  }

  shutdown(): Promise<void> {
    return this.exporter.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.exporter.forceFlush ? this.exporter.forceFlush() : Promise.resolve();
  }
}
