/**
 * ModelCatalog (src/contracts.ts) from the pricing data: window, max input and tokenizer family of a
 * model as named on a span, for context measurement. Data is loaded on the first lookup.
 */
import type { ModelCatalog, ModelInfo } from '../contracts';
import { loadPricing, type LoadPricingOptions, type Pricing } from './data';
import type { ModelEntry } from './types';

export function createModelCatalog(source: Pricing | LoadPricingOptions | (() => Pricing) = {}): ModelCatalog {
  let pricing: Pricing | undefined = isPricing(source) ? source : undefined;
  // A load failure is kept and re-thrown: broken data must not be re-read on every lookup (every call).
  let failure: { error: unknown } | undefined;
  const get = (): Pricing => {
    if (failure) throw failure.error;
    try {
      return (pricing ??= typeof source === 'function' ? source() : loadPricing(source as LoadPricingOptions));
    } catch (error) {
      failure = { error };
      throw error;
    }
  };
  const infos = new WeakMap<ModelEntry, ModelInfo>();
  return {
    model(model: string, provider?: string): ModelInfo | undefined {
      if (typeof model !== 'string' || model === '') return undefined;
      const index = get().index;
      // An unknown provider (a self-hosted OpenAI-compatible host) still runs a known model family.
      const known = provider ? index.provider(provider) : undefined;
      const entry = (known ? index.lookup(known, model) : undefined) ?? index.lookup(undefined, model);
      if (!entry) return undefined;
      let info = infos.get(entry);
      if (!info) {
        info = { tokenizer: entry.tokenizer };
        if (entry.window !== undefined) info.window = entry.window;
        if (entry.maxInput !== undefined) info.maxInputTokens = entry.maxInput;
        infos.set(entry, Object.freeze(info));
      }
      return info;
    },
  };
}

function isPricing(x: unknown): x is Pricing {
  return typeof x === 'object' && x !== null && 'index' in x && 'version' in x;
}
