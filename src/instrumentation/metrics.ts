import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import type { CallUsage } from '../contracts';
import type { CompletedContext } from './completion';
import {
  DURATION_BUCKETS,
  METRIC_CONTEXT_RECYCLED_TOKENS,
  METRIC_CONTEXT_TOKENS,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TIME_TO_FIRST_CHUNK,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  METRIC_USAGE_ESTIMATED_TOKENS,
  METRIC_CONTEXT_BLOATED,
  METRIC_CONTEXT_UTILIZATION,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_METRIC_BLOAT_REASON,
  TOKEN_TYPE_INPUT,
  TOKEN_TYPE_OUTPUT,
  TOKEN_USAGE_BUCKETS,
  UTILIZATION_BUCKETS,
} from '../semconv';

/** What one finished call records, as typed values. */
export interface CallRecord {
  durationS: number;
  timeToFirstChunkS: number | undefined;
  usage: CallUsage;
  /** Which usage counts came from the tokenizer: they go to their own metric, never to gen_ai.client.token.usage. */
  estimated: { input: boolean; output: boolean };
  context: CompletedContext | undefined;
  /** Record the gen_ai.client.* metrics (false when another instrumentation records them). */
  genAI: boolean;
}

/** The instruments one instrumentation records per call. */
export class CallMetrics {
  readonly tokenUsage: Histogram;
  readonly estimatedTokens: Histogram;
  readonly duration: Histogram;
  readonly timeToFirstChunk: Histogram;
  readonly contextTokens: Histogram;
  readonly recycledTokens: Counter;
  readonly utilization: Histogram;
  readonly bloated: Counter;

  constructor(meter: Meter) {
    this.tokenUsage = meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      description: 'Number of input and output tokens used',
      unit: '{token}',
      advice: { explicitBucketBoundaries: TOKEN_USAGE_BUCKETS },
    });
    this.estimatedTokens = meter.createHistogram(METRIC_USAGE_ESTIMATED_TOKENS, {
      description: 'Input and output tokens counted with a tokenizer because the API reported no usage',
      unit: '{token}',
      advice: { explicitBucketBoundaries: TOKEN_USAGE_BUCKETS },
    });
    this.duration = meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
      description: 'GenAI operation duration',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.timeToFirstChunk = meter.createHistogram(METRIC_GEN_AI_CLIENT_TIME_TO_FIRST_CHUNK, {
      description: 'Time to receive the first chunk of a streamed response',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.contextTokens = meter.createHistogram(METRIC_CONTEXT_TOKENS, {
      description: 'Input tokens of the whole request context',
      unit: '{token}',
      advice: { explicitBucketBoundaries: TOKEN_USAGE_BUCKETS },
    });
    this.recycledTokens = meter.createCounter(METRIC_CONTEXT_RECYCLED_TOKENS, {
      description: 'Input tokens resent unchanged from the previous request of the same conversation',
      unit: '{token}',
    });
    this.utilization = meter.createHistogram(METRIC_CONTEXT_UTILIZATION, {
      description: "Share of the model's context window the request used",
      unit: '1',
      advice: { explicitBucketBoundaries: UTILIZATION_BUCKETS },
    });
    this.bloated = meter.createCounter(METRIC_CONTEXT_BLOATED, {
      description: 'Requests whose context was bloated, by the rule that fired',
      unit: '{request}',
    });
  }

  private recordTokens(histogram: Histogram, count: number, type: string, attributes: Attributes): void {
    histogram.record(count, { ...attributes, [ATTR_GEN_AI_TOKEN_TYPE]: type });
  }

  /** Records one call at its end: plain OpenTelemetry records, `attributes` being the call's own set. */
  record(attributes: Attributes, call: CallRecord): void {
    const { input, output } = call.usage;
    // Estimates are tokentax's own metric, recorded even when a peer records the gen_ai.* ones.
    if (input !== undefined && call.estimated.input)
      this.recordTokens(this.estimatedTokens, input, TOKEN_TYPE_INPUT, attributes);
    if (output !== undefined && call.estimated.output)
      this.recordTokens(this.estimatedTokens, output, TOKEN_TYPE_OUTPUT, attributes);
    if (call.genAI) {
      this.duration.record(call.durationS, attributes);
      if (input !== undefined && !call.estimated.input)
        this.recordTokens(this.tokenUsage, input, TOKEN_TYPE_INPUT, attributes);
      if (output !== undefined && !call.estimated.output)
        this.recordTokens(this.tokenUsage, output, TOKEN_TYPE_OUTPUT, attributes);
      if (call.timeToFirstChunkS !== undefined) this.timeToFirstChunk.record(call.timeToFirstChunkS, attributes);
    }
    const context = call.context;
    if (!context) return;
    if (context.contextTokens !== undefined) this.contextTokens.record(context.contextTokens, attributes);
    if (context.recycledTokens !== undefined && context.recycledTokens > 0)
      this.recycledTokens.add(context.recycledTokens, attributes);
    if (context.utilization !== undefined) this.utilization.record(context.utilization, attributes);
    for (const reason of context.bloatReasons ?? [])
      this.bloated.add(1, { ...attributes, [ATTR_METRIC_BLOAT_REASON]: reason });
  }
}
