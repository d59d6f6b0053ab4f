/**
 * One instrumented SDK call, from request to the span's end: the span is started before the request
 * is sent, and ended exactly once — when the body is parsed, the stream ends or stops, the call fails,
 * or telemetry shuts down first (cut short). Only what must be read at that moment happens on the
 * application's path (the response summary, the end time); measuring, completing, recording and
 * ending run just after, in one bounded queue (./deferred).
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
import type { ContextMeasurement, PendingCount } from '../contracts';
import { handOverUsage } from '../pricing/usage';
import {
  ATTR_CALL_CUT_SHORT,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ERROR_TYPE,
} from '../semconv';
import { completeCall, outputCount, type Outcome } from './completion';
import type { Settings } from './config';
import { inputContent } from './content';
import { defer } from './deferred';
import type { CallMetrics } from './metrics';
import { callEnded, callOpened } from './open-calls';
import type { OperationSpec, ResponseSummary, StreamAccumulator } from './operations';
import type { Endpoint } from './provider';
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

/** How a call ended, besides its response. */
interface Ending {
  errorType?: string;
  statusMessage?: string;
  cutShort?: boolean;
}

export class Call {
  readonly span: Span;
  readonly context: Context;
  private readonly startedAt = performance.now();
  private readonly model: string;
  private measurement?: ContextMeasurement;
  private measureParams?: Record<string, unknown>;
  private firstChunkAt?: number;
  private accumulator?: StreamAccumulator;
  private streamSignal?: AbortSignal;
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
    if (env.settings.captureContent) inputContent(spec.name, params, attributes);

    const name = this.model ? `${spec.name} ${this.model}` : spec.name;
    // The same clock reading starts the span and the duration metric, so the two agree exactly.
    this.span = env.tracer.startSpan(
      name,
      { kind: SpanKind.CLIENT, attributes, startTime: this.startedAt },
      start.parent,
    );
    this.context = trace.setSpan(start.parent, this.span);
    callOpened(this);

    if (env.settings.measureContext && spec.measuresContext && env.settings.contextMeter) {
      // Measured off the request path; the arrays are copied now because agent loops push onto
      // the very messages array they passed, often before the measurement runs.
      this.measureParams = snapshot(params);
      defer(() => this.ensureMeasured());
    }
  }

  /** Runs context measurement once (queued at start; run at the latest by the completion). */
  private ensureMeasured(): ContextMeasurement | undefined {
    const params = this.measureParams;
    const meter = this.env.settings.contextMeter;
    if (params && meter) {
      this.measureParams = undefined;
      const { spec, endpoint, conversationId } = this.start;
      this.measurement = guard('context measurement', () =>
        meter.measure({ operation: spec.name, provider: endpoint.provider, model: this.model, params, conversationId }),
      );
    }
    return this.measurement;
  }

  /** The non-streaming result was parsed. */
  succeed(result: unknown): void {
    if (this.ended) return;
    // Read now: the application owns the result once its await resumes and may change it.
    const summary = guard('reading the response', () => this.start.spec.readResponse(result)) ?? {};
    this.finish(summary, {});
  }

  /** Wraps a stream's iterator so chunks are observed as the application (or tee) pulls them. */
  observeStream(stream: { iterator?: unknown; controller?: unknown }): boolean {
    const accumulator = this.start.spec.accumulator?.();
    const original = stream.iterator;
    if (!accumulator || typeof original !== 'function') return false;
    // The SDK ends a stream quietly when its request is aborted: the signal tells that from an end.
    const signal = (stream.controller as { signal?: AbortSignal } | undefined)?.signal;
    this.streamSignal = signal;
    const observe = (it: AsyncIterator<unknown>) => this.observeIterator(it, accumulator, signal);
    abandonedStreams.register(stream, this, this);
    stream.iterator = function observedIterator(this: unknown, ...args: unknown[]) {
      return observe((original as (...a: unknown[]) => AsyncIterator<unknown>).apply(this, args));
    };
    return true;
  }

  private observeIterator(
    it: AsyncIterator<unknown>,
    acc: StreamAccumulator,
    signal: AbortSignal | undefined,
  ): AsyncIterableIterator<unknown> {
    this.accumulator = acc;
    // Per chunk: one clock reading for the first, then only the accumulator's fold.
    const onResult = (r: IteratorResult<unknown>): IteratorResult<unknown> => {
      if (r.done) this.endStream(signal?.aborted ? ERROR_TYPE.aborted : undefined);
      else {
        this.firstChunkAt ??= performance.now();
        try {
          acc.add(r.value);
        } catch (error) {
          reportOnce('stream chunk', error);
        }
      }
      return r;
    };
    const onError = (e: unknown): never => {
      this.fail(e, acc.summary());
      throw e;
    };
    return {
      next: (...args: [] | [unknown]) => it.next(...args).then(onResult, onError),
      return: (value?: unknown) => {
        this.endStream(ERROR_TYPE.cancelled);
        return it.return ? it.return(value) : Promise.resolve({ done: true, value } as IteratorResult<unknown>);
      },
      throw: (error?: unknown) => {
        this.fail(error, acc.summary());
        return it.throw ? it.throw(error) : Promise.reject(error);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /**
   * The stream ended, or the application stopped it (`stoppedAs`: an abort, or leaving before the
   * end). Stopped before the whole response arrived, the call failed: what was streamed so far is
   * its output (then estimated) and the span says how it stopped.
   */
  private endStream(stoppedAs: string | undefined): void {
    const acc = this.accumulator;
    const summary = acc ? () => acc.summary() : {};
    if (stoppedAs === undefined || acc?.complete()) this.finish(summary, {});
    else this.finish(summary, { errorType: stoppedAs, statusMessage: STOPPED_MESSAGE });
  }

  /** The request failed (HTTP error after retries, connection error, abort, parse error). */
  fail(error: unknown, partial?: ResponseSummary): void {
    if (this.ended) return;
    const errorType = guard('reading the error', () => errorTypeOf(error)) ?? ERROR_TYPE.other;
    // An API error message can echo the request (an invalid value, a prompt excerpt): it is content,
    // so by default the status says only the error type and HTTP status.
    const statusMessage = guard('reading the error', () =>
      this.env.settings.captureContent ? errorMessage(error) : statusSummary(error, errorType),
    );
    this.finish(partial, { errorType, statusMessage });
  }

  /** A stream the application dropped without reading it to the end (garbage-collected). */
  endAbandoned(): void {
    this.endStream(this.streamSignal?.aborted ? ERROR_TYPE.aborted : ERROR_TYPE.cancelled);
  }

  /** The response arrived but nobody parsed its body (asResponse()): end with what is known. */
  endUnparsed(): void {
    this.finish({}, {});
  }

  /** Telemetry is shutting down with this call still open: end it with what is known so far. */
  cutShort(): void {
    const acc = this.accumulator;
    this.finish(acc ? () => acc.summary() : {}, { cutShort: true });
  }

  /**
   * `summary` may be a function: a stream's accumulator is ours alone, so it is read later;
   * undefined for a failure with no response at all.
   */
  private finish(summary: ResponseSummary | (() => ResponseSummary) | undefined, ending: Ending): void {
    if (this.ended) return;
    this.ended = true;
    callEnded(this);
    // A registered stream keeps its whole call alive through every minor GC until a major one:
    // unregistered at its end, the call and the stream die young again.
    abandonedStreams.unregister(this);
    const endedAt = performance.now();
    defer(() => this.complete(summary, ending, endedAt));
  }

  /**
   * Off the application's path: reads the response, and when its output must be counted and is long,
   * lets that count run in slices (the queue waits for it) before completing.
   */
  private complete(summary: ResponseSummary | (() => ResponseSummary) | undefined, ending: Ending, endedAt: number) {
    const read = guard('reading the response', () => (typeof summary === 'function' ? summary() : summary));
    const meter = this.start.spec.measuresContext ? this.env.settings.contextMeter : undefined;
    const count = outputCount(read, meter, this.model, this.start.endpoint.provider);
    if (count && !count.done) defer(() => this.completeWith(read, count, ending, endedAt));
    else this.completeWith(read, count, ending, endedAt);
  }

  /** The span's attributes, metrics and usage for cost; then its end. */
  private completeWith(
    read: ResponseSummary | undefined,
    count: PendingCount | undefined,
    ending: Ending,
    endedAt: number,
  ) {
    const outcome = guard(ending.errorType ? 'ending a failed call' : 'ending a call', () => {
      const { settings } = this.env;
      return completeCall({
        summary: read,
        measurement: this.ensureMeasured(),
        outputCount: count,
        model: this.model,
        provider: this.start.endpoint.provider,
        conversationId: this.start.conversationId,
        timeToFirstChunk: this.firstChunkAt === undefined ? undefined : (this.firstChunkAt - this.startedAt) / 1000,
        captureContent: settings.captureContent,
        legacyAttributes: settings.legacyAttributes,
      });
    });
    // A failure the response itself reports (a failed Responses answer) counts as one too.
    const errorType = ending.errorType ?? outcome?.errorType;
    if (outcome) {
      if (errorType) outcome.attributes[ATTR_ERROR_TYPE] = errorType;
      if (ending.cutShort) outcome.attributes[ATTR_CALL_CUT_SHORT] = true;
      guard('recording the call', () => {
        this.span.setAttributes(outcome.attributes);
        this.record(outcome, errorType, endedAt);
        handOverUsage(this.span, outcome.usage);
      });
    }
    if (errorType) this.span.setStatus({ code: SpanStatusCode.ERROR, message: ending.statusMessage });
    // A span processor or exporter that throws in onEnd must not reach the application.
    guard('ending the span', () => this.span.end(endedAt));
  }

  private record(outcome: Outcome, errorType: string | undefined, endedAt: number): void {
    const { spec, endpoint } = this.start;
    const attributes: Attributes = {
      [ATTR_GEN_AI_PROVIDER_NAME]: endpoint.provider,
      [ATTR_SERVER_ADDRESS]: endpoint.address,
      [ATTR_SERVER_PORT]: endpoint.port,
      [ATTR_GEN_AI_OPERATION_NAME]: spec.name,
    };
    if (this.model) attributes[ATTR_GEN_AI_REQUEST_MODEL] = this.model;
    if (errorType) attributes[ATTR_ERROR_TYPE] = errorType;
    else if (outcome.responseModel) attributes[ATTR_GEN_AI_RESPONSE_MODEL] = outcome.responseModel;
    this.env.metrics.record(attributes, {
      durationS: (endedAt - this.startedAt) / 1000,
      timeToFirstChunkS: this.firstChunkAt === undefined ? undefined : (this.firstChunkAt - this.startedAt) / 1000,
      usage: outcome.usage,
      estimated: outcome.estimated,
      context: outcome.context,
      genAI: !this.start.foreignMetrics,
    });
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
  return ERROR_TYPE.other;
}

/** The span status of a stream stopped before its end (error.type says how). */
const STOPPED_MESSAGE = 'the stream was stopped before its end';
