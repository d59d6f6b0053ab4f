/**
 * OpenAIInstrumentation: patches the `openai` SDK (majors 4 to 7, CommonJS and ESM) so that every
 * call becomes one GenAI CLIENT span with tokentax's context attributes.
 *
 * Methods are patched on the resource classes' prototypes (Chat.Completions, Responses, ...), so the
 * SDK's own helpers that call create() internally (parse, stream, runTools) are covered too.
 */
import { context as otelContext, createNoopMeter, diag, SpanKind, trace, type Span } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { getConversationId } from '../context/conversation-id';
import { ATTR_DUPLICATE, ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_REQUEST_MODEL, OPERATION } from '../semconv';
import { VERSION } from '../version';
import { observe } from './api-promise';
import { Call, type CallEnv } from './call';
import { resolveSettings, type OpenAIInstrumentationConfig, type Settings } from './config';
import { CallMetrics } from './metrics';
import { OPERATIONS, type OperationSpec } from './operations';
import { drainPendingCalls } from './deferred';
import { guard } from './safe';

export const INSTRUMENTATION_NAME = 'tokentax';
export const SUPPORTED_VERSIONS = ['>=4.0.0 <8'];

/** Marks tokentax's own wrappers, so a second tokentax never wraps the first. */
const TOKENTAX_WRAPPER = Symbol.for('tokentax.wrapper');

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;
/** The method a tokentax wrapper replaced, restored on disable(). */
const REPLACED = Symbol.for('tokentax.replaced');

type Wrapped = AnyFunction & {
  [TOKENTAX_WRAPPER]?: true;
  [REPLACED]?: AnyFunction;
  __original?: AnyFunction;
  __wrapped?: boolean;
};

export class OpenAIInstrumentation extends InstrumentationBase<OpenAIInstrumentationConfig> {
  // `declare`: the base constructor sets these (setConfig, _updateMetricInstruments) before field initialisers would run.
  declare private settings: Settings;
  declare private callMetrics: CallMetrics;
  /** Module exports patched by hand (manuallyInstrument), for unpatching on disable(). */
  private readonly manual = new Set<unknown>();

  constructor(config: OpenAIInstrumentationConfig = {}) {
    super(INSTRUMENTATION_NAME, VERSION, config);
  }

  override setConfig(config: OpenAIInstrumentationConfig = {}): void {
    super.setConfig(config);
    this.settings = resolveSettings(this.getConfig());
  }

  protected override _updateMetricInstruments(): void {
    // A meter that cannot create an instrument must not break setMeterProvider() or the calls.
    this.callMetrics =
      guard('creating metric instruments', () => new CallMetrics(this.meter)) ?? new CallMetrics(createNoopMeter());
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        'openai',
        SUPPORTED_VERSIONS,
        (moduleExports) => {
          this.patchModule(moduleExports);
          return moduleExports;
        },
        (moduleExports) => {
          if (moduleExports) this.unpatchModule(moduleExports);
        },
      ),
    ];
  }

  /**
   * Patches an `openai` module object loaded some other way (a bundler, an npm alias such as
   * `openai-v4`, or a module loaded before the instrumentation was registered).
   */
  manuallyInstrument(moduleExports: unknown): void {
    this.manual.add(moduleExports);
    this.patchModule(moduleExports);
  }

  /**
   * Ends now the spans of calls that have returned but whose span is still being completed (that
   * happens just after the call, off the application's path). Call before flushing a tracer provider
   * that createTokentax()'s span processors are not part of.
   */
  flushPendingSpans(): void {
    drainPendingCalls();
  }

  override disable(): void {
    drainPendingCalls();
    super.disable();
    for (const m of this.manual) this.unpatchModule(m);
  }

  private patchModule(moduleExports: unknown): void {
    const OpenAI = openAIClass(moduleExports);
    if (!OpenAI) {
      diag.warn('tokentax: the openai module has no OpenAI class; calls will not be traced');
      return;
    }
    for (const spec of OPERATIONS) {
      const proto = resourcePrototype(OpenAI, spec);
      const current = proto?.[spec.method] as Wrapped | undefined;
      if (!proto || typeof current !== 'function' || current[TOKENTAX_WRAPPER]) continue;
      // Not shimmer's _wrap: it would unwrap another instrumentation's patch silently, and a later
      // instrumentation's _wrap would silently unwrap ours. Ours carries no shimmer marker, so a
      // later peer wraps around it (and is then recognised as a duplicate), never removes it.
      const wrapper = this.wrapMethod(current, spec);
      wrapper[REPLACED] = current;
      Object.defineProperty(proto, spec.method, {
        configurable: true,
        writable: true,
        enumerable: false,
        value: wrapper,
      });
    }
  }

  private unpatchModule(moduleExports: unknown): void {
    const OpenAI = openAIClass(moduleExports);
    if (!OpenAI) return;
    for (const spec of OPERATIONS) {
      const proto = resourcePrototype(OpenAI, spec);
      const current = proto?.[spec.method] as Wrapped | undefined;
      // If a peer wrapped around ours since, leave it: ours passes calls through while disabled.
      if (proto && current?.[TOKENTAX_WRAPPER] && current[REPLACED]) {
        Object.defineProperty(proto, spec.method, {
          configurable: true,
          writable: true,
          enumerable: false,
          value: current[REPLACED],
        });
      }
    }
  }

  private wrapMethod(original: AnyFunction, spec: OperationSpec): Wrapped {
    const isEnabled = () => this.isEnabled();
    const startCall = (resource: unknown, args: unknown[]) => this.startCall(resource, spec, args);
    // Another OpenAI instrumentation wrapped this method before us: call past it, so each call
    // is traced and counted once (by tokentax).
    const target = foreignOriginal(original);
    if (target !== original) {
      diag.warn(
        `tokentax: another OpenAI instrumentation patched ${spec.resource.join('.')}.${spec.method}; ` +
          'tokentax calls past it so calls are not counted twice. Disable the other one (see README).',
      );
    }
    const wrapped: Wrapped = function tokentaxWrapper(this: unknown, ...args: unknown[]) {
      if (!isEnabled()) return target.apply(this, args);
      const call = startCall(this, args);
      if (!call) return target.apply(this, args);
      // The SDK runs inside the call's span context (HTTP spans become its children); what it
      // returns or throws reaches the application untouched.
      let result: unknown;
      try {
        result = otelContext.with(call.context, () => target.apply(this, args));
      } catch (error) {
        call.fail(error);
        throw error;
      }
      guard('observing the SDK result', () => observe(result, call));
      return result;
    };
    wrapped[TOKENTAX_WRAPPER] = true;
    return wrapped;
  }

  /** Starts the span for one SDK call; undefined (call goes untraced) if anything about it fails. */
  private startCall(resource: unknown, spec: OperationSpec, args: unknown[]): Call | undefined {
    return guard('starting a span', () => {
      const params = args[0];
      if (!params || typeof params !== 'object') return undefined;
      const body = params as Record<string, unknown>;
      const parent = otelContext.active();
      const foreign = foreignGenAISpan(trace.getSpan(parent), body.model);
      if (foreign) foreign.setAttribute(ATTR_DUPLICATE, true);
      if (this.settings.includeStreamUsage && spec.streamUsageOption) {
        args[0] = withStreamUsage(body);
      }
      const env: CallEnv = { tracer: this.tracer, metrics: this.callMetrics, settings: this.settings };
      const client = (resource as { _client?: { baseURL?: string } })._client;
      return new Call(env, {
        spec,
        params: args[0] as Record<string, unknown>,
        endpoint: this.settings.endpointOf(client?.baseURL),
        parent,
        conversationId: getConversationId(parent) ?? conversationOfParams(body),
        foreignMetrics: !!foreign && recordsGenAIMetrics(foreign),
      });
    });
  }
}

function openAIClass(moduleExports: unknown): Record<string, unknown> | undefined {
  const m = moduleExports as { OpenAI?: unknown; default?: { OpenAI?: unknown } } | undefined;
  const candidate = m?.OpenAI ?? m?.default?.OpenAI ?? m?.default;
  return typeof candidate === 'function' ? (candidate as unknown as Record<string, unknown>) : undefined;
}

function resourcePrototype(OpenAI: Record<string, unknown>, spec: OperationSpec): Record<string, unknown> | undefined {
  let node: unknown = OpenAI;
  for (const key of spec.resource) node = (node as Record<string, unknown> | undefined)?.[key];
  const proto = typeof node === 'function' ? (node as { prototype?: Record<string, unknown> }).prototype : undefined;
  return proto && typeof proto === 'object' ? proto : undefined;
}

/** The unwrapped SDK method behind another instrumentation's shimmer wrapper(s). */
function foreignOriginal(fn: AnyFunction): AnyFunction {
  let current = fn as Wrapped;
  while (current.__wrapped && typeof current.__original === 'function' && !current[TOKENTAX_WRAPPER]) {
    current = current.__original as Wrapped;
  }
  return current;
}

/**
 * A span of another OpenAI instrumentation that wrapped tokentax's wrapper (it was registered after
 * tokentax): it is open and active right now for this very call.
 */
function foreignGenAISpan(span: Span | undefined, model: unknown): Span | undefined {
  if (!span || !span.isRecording()) return undefined;
  const readable = span as unknown as {
    kind?: SpanKind;
    attributes?: Record<string, unknown>;
    instrumentationScope?: { name?: string };
  };
  // An application's own agent span (invoke_agent, often INTERNAL) must not count as a duplicate.
  if (readable.kind !== SpanKind.CLIENT || readable.instrumentationScope?.name === INSTRUMENTATION_NAME)
    return undefined;
  const attributes = readable.attributes ?? {};
  const operation = attributes[ATTR_GEN_AI_OPERATION_NAME];
  const sameCall =
    typeof operation === 'string' && MODEL_OPERATIONS.has(operation) && attributes[ATTR_GEN_AI_REQUEST_MODEL] === model;
  return sameCall ? span : undefined;
}

const MODEL_OPERATIONS = new Set<string>([
  OPERATION.chat,
  OPERATION.textCompletion,
  OPERATION.embeddings,
  OPERATION.generateContent,
]);

/** Instrumentations known to record gen_ai.client.* metrics themselves (so tokentax must not). */
const GENAI_METRIC_RECORDERS = new Set(['@opentelemetry/instrumentation-openai']);

function recordsGenAIMetrics(span: Span): boolean {
  const scope = (span as unknown as { instrumentationScope?: { name?: string } }).instrumentationScope?.name;
  return scope !== undefined && GENAI_METRIC_RECORDERS.has(scope);
}

function withStreamUsage(body: Record<string, unknown>): Record<string, unknown> {
  if (body.stream !== true) return body;
  const options = (body.stream_options ?? {}) as Record<string, unknown>;
  if (options.include_usage !== undefined) return body;
  return { ...body, stream_options: { ...options, include_usage: true } };
}

function conversationOfParams(body: Record<string, unknown>): string | undefined {
  const c = body.conversation;
  if (typeof c === 'string') return c;
  if (c && typeof c === 'object' && typeof (c as { id?: unknown }).id === 'string') return (c as { id: string }).id;
  return undefined;
}
