import type { Histogram, Meter } from '@opentelemetry/api';
import { PreSummedCounter } from '../metrics/pre-summed-counter';
import { MetricAttributeSets } from './metric-attribute-sets';
import {
  DURATION_BUCKETS,
  METRIC_CONTEXT_RECYCLED_TOKENS,
  METRIC_CONTEXT_TOKENS,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TIME_TO_FIRST_CHUNK,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  METRIC_CONTEXT_BLOATED,
  METRIC_CONTEXT_UTILIZATION,
  TOKEN_USAGE_BUCKETS,
  UTILIZATION_BUCKETS,
} from '../semconv';

/** The instruments one instrumentation records per call. */
export class CallMetrics {
  readonly tokenUsage: Histogram;
  readonly duration: Histogram;
  readonly timeToFirstChunk: Histogram;
  readonly contextTokens: Histogram;
  readonly recycledTokens: PreSummedCounter;
  readonly utilization: Histogram;
  readonly bloated: PreSummedCounter;
  /** The records' attribute sets, shared across calls. */
  readonly attributeSets = new MetricAttributeSets();

  constructor(meter: Meter) {
    this.tokenUsage = meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      description: 'Number of input and output tokens used',
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
    // Counters are summed here and observed at collection (src/metrics/pre-summed-counter.ts).
    this.recycledTokens = new PreSummedCounter(meter, METRIC_CONTEXT_RECYCLED_TOKENS, {
      description: 'Input tokens resent unchanged from the previous request of the same conversation',
      unit: '{token}',
    });
    this.utilization = meter.createHistogram(METRIC_CONTEXT_UTILIZATION, {
      description: "Share of the model's context window the request used",
      unit: '1',
      advice: { explicitBucketBoundaries: UTILIZATION_BUCKETS },
    });
    this.bloated = new PreSummedCounter(meter, METRIC_CONTEXT_BLOATED, {
      description: 'Requests whose context was bloated, by the rule that fired',
      unit: '{request}',
    });
  }
}
