/**
 * The pricing layer's public surface: data loading, the pure cost engine, the model catalog and the
 * in-process processor / exporter wrapper. Format and formulas: src/pricing/README.md.
 */
export {
  loadPricing,
  readPricingSources,
  DATA_DIR,
  type Pricing,
  type PricingSources,
  type LoadPricingOptions,
} from './data';
export { createCostEngine } from './engine';
export { createModelCatalog } from './catalog';
export { TokentaxCostProcessor, CostEnrichingExporter, CostEnricher, type CostProcessorOptions } from './processor';
export type {
  PricesFile,
  TokenizerRatiosFile,
  EquivalenceFile,
  ModelEntry,
  PricePeriodData,
  ModelData,
  Tier,
} from './types';
