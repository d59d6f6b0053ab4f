/**
 * The pricing layer's parts for createTokentax(): the model catalog (context windows, tokenizer
 * families) and the in-process cost span processor, from one resolved configuration.
 */
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ResolvedConfig } from './config';
import type { ModelCatalog } from './contracts';

export interface CostComponents {
  catalog?: ModelCatalog;
  tokenizerRatios?: Record<string, number>;
  spanProcessors: SpanProcessor[];
}

export function createCostComponents(_config: ResolvedConfig, _cost: boolean): CostComponents {
  return { spanProcessors: [] };
}
