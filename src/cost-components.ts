/**
 * The pricing layer's parts for createTokentax(): the model catalog (context windows, tokenizer
 * families) for context measurement, and the in-process cost span processor, from one resolved
 * configuration. Pricing data is read on first use, not at start-up.
 */
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ResolvedConfig } from './config';
import type { ModelCatalog } from './contracts';
import { createModelCatalog } from './pricing/catalog';
import { DATA_DIR, loadPricing, type Pricing } from './pricing/data';
import type { TokenizerRatiosFile } from './pricing/types';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TokentaxCostProcessor } from './pricing/processor';

export interface CostComponents {
  catalog: ModelCatalog;
  /** Tokens of each tokenizer family per o200k token (context counting for non-OpenAI models). */
  tokenizerRatios: Record<string, number>;
  spanProcessors: SpanProcessor[];
}

export function createCostComponents(config: ResolvedConfig, cost: boolean): CostComponents {
  let pricing: Pricing | undefined;
  const getPricing = (): Pricing => (pricing ??= loadPricing({ config }));
  const ratiosFile = JSON.parse(readFileSync(join(DATA_DIR, 'tokenizer-ratios.json'), 'utf8')) as TokenizerRatiosFile;
  return {
    catalog: createModelCatalog(getPricing),
    tokenizerRatios: ratiosFile.families,
    spanProcessors: cost ? [new TokentaxCostProcessor({ pricing: getPricing })] : [],
  };
}
