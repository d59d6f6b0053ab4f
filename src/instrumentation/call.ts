/**
 * One instrumented SDK call, from request to the span's end: the span is started before the request
 * is sent, and ended exactly once — when the body is parsed, the stream ends or stops, or the call fails.
 * Only what must be read at that moment happens on the application's path (the response summary,
 * the end time); measuring, completing, recording and ending run just after (./deferred).
 */
import {
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { ContextMeasurement } from '../contracts';
import {
  ATTR_CONTEXT_BLOAT_REASONS,
  ATTR_CONTEXT_UTILIZATION,
  ATTR_METRIC_BLOAT_REASON,
  ATTR_CONTEXT_RECYCLED_TOKENS,
  ATTR_CONTEXT_TOKENS,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_COMPLETION_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_PROMPT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_USAGE_AUDIO_SECONDS,
  ATTR_USAGE_ESTIMATED,
  ATTR_USAGE_IMAGES,
  TOKEN_TYPE_INPUT,
  TOKEN_TYPE_OUTPUT,
} from '../semconv';
import type { Settings } from './config';
import { inputContent, outputContent } from './content';
import type { CallMetrics } from './metrics';
import type { OperationSpec, ResponseSummary, StreamAccumulator } from './operations';
import type { Endpoint } from './provider';
import { defer, Pass } from './deferred';
import { guard, reportOnce } from './safe';

export interface CallEnv {
  tracer: Tracer;
  metrics: CallMetrics;
  settings: Settings;
}

export interface CallStart {
  spec: OperationSpec;
  params: Record<string, unknown>;
  endpoint: Endpoint;
  parent: Context;
  conversationId?: string;
  /** Another instrumentation records this call's gen_ai.* metrics already. */
  foreignMetrics: boolean;
}

export class Call {
  readonly span: Span;
  readonly context: Context;
  private readonly startedAt = performance.now();
  private readonly model: string;
  private measurement?: ContextMeasurement;
  private measureParams?: Record<string, unknown>;
  private firstChunkAt?: number;
  private ended = false;

  constructor(
    private readonly env: CallEnv,
    private readonly start: CallStart,
  ) {
    const { spec, params, endpoint } = start;
    this.model = typeof params.model === 'string' ? params.model : '';
    const attributes: Attributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: spec.name,
      [ATTR_GEN_AI_PROVIDER_NAME]: endpoint.provider,
      [ATTR_SERVER_ADDRESS]: endpoint.address,
      [ATTR_SERVER_PORT]: endpoint.port,
    };
    if (this.model) attributes[ATTR_GEN_AI_REQUEST_MODEL] = this.model;
    if (env.settings.legacyAttributes) attributes[ATTR_GEN_AI_SYSTEM] = endpoint.provider;
    if (start.conversationId) attributes[ATTR_GEN_AI_CONVERSATION_ID] = start.conversationId;
    spec.requestAttributes(params, attributes);
    if (env.settings.captureContent) inputContent(params, attributes);

    const name = this.model ? `${spec.name} ${this.model}` : spec.name;
    // The same clock reading starts the span and the duration metric, so the two agree exactly.
    this.span = env.tracer.startSpan(
      name,
      { kind: SpanKind.CLIENT, attributes, startTime: this.startedAt },
      start.parent,
    );
    this.context = trace.setSpan(start.parent, this.span);

    if (env.settings.measureContext && spec.measuresContext && env.settings.contextMeter) {
      // Measured off the request path; the arrays are copied now because agent loops push onto
      // the very messages array they passed, often before the measurement runs.
      this.measureParams = snapshot(params);
      defer(() => this.ensureMeasured());
    }
  }

  /** Runs context measurement once (queued at start; run at the latest by whoever needs it). */
  private ensureMeasured(): void {
    const params = this.measureParams;
    const meter = this.env.settings.contextMeter;
    if (!params || !meter) return;
    this.measureParams = undefined;
    const { spec, endpoint, conversationId } = this.start;
    this.measurement = guard('context measurement', () =>
      meter.measure({ operation: spec.name, provider: endpoint.provider, model: this.model, params, conversationId }),
    );
  }

  /** The non-streaming result was parsed. */
  succeed(result: unknown): void {
    if (this.ended) return;
    // Read now: the application owns the result once its await resumes and may change it.
    const summary = guard('reading the response', () => this.start.spec.readResponse(result)) ?? {};
    this.finish(summary);
  }

  /** Wraps a stream's iterator so chunks are observed as the application (or tee) pulls them. */
  observeStream(stream: { iterator?: unknown }): boolean {
    const { spec, params } = this.start;
    const keepText = this.env.settings.captureContent || !spec.streamReportsUsage?.(params);
    const accumulator = spec.accumulator?.(keepText);
    const original = stream.iterator;
    if (!accumulator || typeof original !== 'function') return false;
    const call = this;
    abandonedStreams.register(stream, this);
    stream.iterator = function observedIterator(this: unknown, ...args: unknown[]) {
      const it = (original as (...a: unknown[]) => AsyncIterator<unknown>).apply(this, args);
      return call.observeIterator(it, accumulator);
    };
    return true;
  }

  private observeIterator(it: AsyncIterator<unknown>, acc: StreamAccumulator): AsyncIterableIterator<unknown> {
    const call = this;
    const onResult = (r: IteratorResult<unknown>): IteratorResult<unknown> => {
      if (r.done) call.finish(() => acc.summary());
      else {
        call.firstChunkAt ??= performance.now();
        // Inline try/catch rather than guard(): no closure per chunk on long streams.
        try {
          acc.add(r.value);
        } catch (error) {
          reportOnce('stream chunk', error);
        }
      }
      return r;
    };
    const onError = (e: unknown): never => {
      call.fail(e, acc.summary());
      throw e;
    };
    return {
      next: (...args: [] | [unknown]) => it.next(...args).then(onResult, onError),
      return: (value?: unknown) => {
        call.finish(() => acc.summary());
        return it.return ? it.return(value) : Promise.resolve({ done: true, value } as IteratorResult<unknown>);
      },
      throw: (error?: unknown) => {
        call.fail(error, acc.summary());
        return it.throw ? it.throw(error) : Promise.reject(error);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** The request failed (HTTP error after retries, connection error, abort, parse error). */
  fail(error: unknown, partial?: ResponseSummary): void {
    if (this.ended) return;
    this.ended = true;
    const endedAt = performance.now();
    const errorType = guard('reading the error', () => errorTypeOf(error)) ?? '_OTHER';
    // An API error message can echo the request (an invalid value, a prompt excerpt): it is content,
    // so by default the status says only the error type and HTTP status.
    const message = guard('reading the error', () =>
      this.env.settings.captureContent ? errorMessage(error) : statusSummary(error, errorType),
    );
    this.completeLater('ending a failed call', endedAt, (attributes) => {
      attributes[ATTR_ERROR_TYPE] = errorType;
      if (partial) this.responseAttributes(partial, attributes);
      else this.contextAttributes(undefined, attributes);
      this.span.setStatus({ code: SpanStatusCode.ERROR, message });
      return this.withAttribute(ATTR_ERROR_TYPE, errorType);
    });
  }

  /** A stream the application dropped without reading it to the end (garbage-collected). */
  endAbandoned(): void {
    this.finish({});
  }

  /** The response arrived but nobody parsed its body (asResponse()): end with what is known. */
  endUnparsed(): void {
    if (this.ended) return;
    this.finish({});
  }

  /** `summary` may be a function: a stream's accumulator is ours alone, so it is read later. */
  private finish(summary: ResponseSummary | (() => ResponseSummary)): void {
    if (this.ended) return;
    this.ended = true;
    this.completeLater('ending a call', performance.now(), (attributes) => {
      const read = typeof summary === 'function' ? summary() : summary;
      this.responseAttributes(read, attributes);
      return read.model ? this.withAttribute(ATTR_GEN_AI_RESPONSE_MODEL, read.model) : this.metricAttributes;
    });
  }

  /**
   * Queues the span's completion (./deferred): `fill` adds its attributes and returns the metric
   * attributes (in call order); the attributes are then set and the metrics recorded, and last the
   * span is ended at `endedAt`, each in its own pass of the drain.
   */
  private completeLater(where: string, endedAt: number, fill: (attributes: Attributes) => Attributes): void {
    defer(() => {
      const attributes: Attributes = {};
      const metricAttributes = guard(where, () => fill(attributes));
      if (metricAttributes) {
        const record = () => {
          this.span.setAttributes(attributes);
          this.record(metricAttributes, attributes, endedAt);
        };
        defer(() => guard(where, record), Pass.Record);
      }
      // A span processor or exporter that throws in onEnd must not reach the application.
      defer(() => guard('ending the span', () => this.span.end(endedAt)), Pass.End);
    });
  }

  /** This call's metric attributes (interned: ./metric-attribute-sets); read off the call's path only. */
  private get metricAttributes(): Attributes {
    const { spec, endpoint } = this.start;
    return this.env.metrics.attributeSets.base(endpoint, spec.name, this.model);
  }

  /** This call's metric attributes plus one. */
  private withAttribute(key: string, value: string): Attributes {
    return this.env.metrics.attributeSets.with(this.metricAttributes, key, value);
  }

  private responseAttributes(summary: ResponseSummary, out: Attributes): void {
    if (summary.id) out[ATTR_GEN_AI_RESPONSE_ID] = summary.id;
    if (summary.model) out[ATTR_GEN_AI_RESPONSE_MODEL] = summary.model;
    if (summary.finishReasons) out[ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = summary.finishReasons;
    if (summary.conversationId && !this.start.conversationId) out[ATTR_GEN_AI_CONVERSATION_ID] = summary.conversationId;
    if (this.firstChunkAt !== undefined)
      out[ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] = (this.firstChunkAt - this.startedAt) / 1000;
    const usage = summary.usage ?? {};
    let estimated = false;
    let input = usage.input;
    const counted = this.contextAttributes(input, out, summary.id);
    if (input === undefined && counted !== undefined) {
      input = counted;
      estimated = true;
    }
    let output = usage.output;
    const meter = this.env.settings.contextMeter;
    if (output === undefined && summary.outputText !== undefined && meter && this.start.spec.measuresContext) {
      output = guard('output token estimate', () =>
        meter.countText(this.model, summary.outputText ?? '', this.start.endpoint.provider),
      );
      estimated = output !== undefined;
    }
    if (input !== undefined) out[ATTR_GEN_AI_USAGE_INPUT_TOKENS] = input;
    if (output !== undefined) out[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] = output;
    if (usage.cacheRead !== undefined) out[ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = usage.cacheRead;
    if (usage.cacheWrite !== undefined) out[ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] = usage.cacheWrite;
    if (usage.reasoning !== undefined) out[ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = usage.reasoning;
    if (usage.seconds !== undefined) out[ATTR_USAGE_AUDIO_SECONDS] = usage.seconds;
    if (summary.images !== undefined) out[ATTR_USAGE_IMAGES] = summary.images;
    if (input !== undefined || output !== undefined) out[ATTR_USAGE_ESTIMATED] = estimated;
    if (this.env.settings.legacyAttributes) {
      if (input !== undefined) out[ATTR_GEN_AI_USAGE_PROMPT_TOKENS] = input;
      if (output !== undefined) out[ATTR_GEN_AI_USAGE_COMPLETION_TOKENS] = output;
    }
    if (this.env.settings.captureContent) outputContent(summary, out);
  }

  /** Completes context measurement; returns the tokenizer's input count when it had to count. */
  private contextAttributes(apiInput: number | undefined, out: Attributes, responseId?: string): number | undefined {
    this.ensureMeasured();
    const m = this.measurement;
    if (!m) return undefined;
    Object.assign(out, m.attributes);
    const done = guard('context completion', () => m.complete(apiInput, { responseId }));
    if (!done) return undefined;
    Object.assign(out, done.attributes);
    return done.estimated ? done.inputTokens : undefined;
  }

  private record(metricAttributes: Attributes, span: Attributes, now: number): void {
    const { metrics } = this.env;
    if (!this.start.foreignMetrics) {
      metrics.duration.record((now - this.startedAt) / 1000, metricAttributes);
      const input = span[ATTR_GEN_AI_USAGE_INPUT_TOKENS];
      const output = span[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS];
      if (typeof input === 'number')
        metrics.tokenUsage.record(
          input,
          metrics.attributeSets.with(metricAttributes, ATTR_GEN_AI_TOKEN_TYPE, TOKEN_TYPE_INPUT),
        );
      if (typeof output === 'number')
        metrics.tokenUsage.record(
          output,
          metrics.attributeSets.with(metricAttributes, ATTR_GEN_AI_TOKEN_TYPE, TOKEN_TYPE_OUTPUT),
        );
      if (this.firstChunkAt !== undefined)
        metrics.timeToFirstChunk.record((this.firstChunkAt - this.startedAt) / 1000, metricAttributes);
    }
    const contextTokens = span[ATTR_CONTEXT_TOKENS];
    if (typeof contextTokens === 'number') metrics.contextTokens.record(contextTokens, metricAttributes);
    const recycled = span[ATTR_CONTEXT_RECYCLED_TOKENS];
    if (typeof recycled === 'number' && recycled > 0) metrics.recycledTokens.add(recycled, metricAttributes);
    const utilization = span[ATTR_CONTEXT_UTILIZATION];
    if (typeof utilization === 'number') metrics.utilization.record(utilization, metricAttributes);
    const reasons = span[ATTR_CONTEXT_BLOAT_REASONS];
    if (Array.isArray(reasons))
      for (const reason of reasons)
        metrics.bloated.add(1, metrics.attributeSets.with(metricAttributes, ATTR_METRIC_BLOAT_REASON, String(reason)));
  }
}

/** A copy of the request whose arrays (messages, input items, tools) no later push can change. */
function snapshot(params: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = Object.assign({}, params);
  for (const key in copy) {
    const value = copy[key];
    if (Array.isArray(value)) copy[key] = value.slice();
  }
  return copy;
}

/** Ends the span of a stream that was garbage-collected before it was read to the end. */
const abandonedStreams = new FinalizationRegistry<Call>((call) => call.endAbandoned());

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function statusSummary(error: unknown, errorType: string): string {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? `${errorType} (HTTP ${status})` : errorType;
}

/** A low-cardinality error type: the SDK's error class (RateLimitError, APIConnectionError, ...). */
export function errorTypeOf(error: unknown): string {
  if (error && typeof error === 'object') {
    const name = (error as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string' && name && name !== 'Object') return name;
  }
  return '_OTHER';
}
