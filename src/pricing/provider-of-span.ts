/**
 * Which provider's prices a span is priced at (the Go processor's provider.go applies the same rules):
 *  1. gen_ai.provider.name (or an older/other convention's name) naming a priced provider or its alias;
 *     a name the user's map gives but no prices cover: unknown_provider (the user's word stands);
 *  2. server.address (else the provider name itself, which some instrumentations fill with the host)
 *     through the user's map, then the shipped host rules (src/pricing/data/providers.json);
 *  3. inference: the response model (else the request model) is exactly the id or alias of models at
 *     one priced provider -> that provider, marked inferred (a reseller such as OpenRouter counts only
 *     when no other provider has the name); several -> ambiguous_provider;
 *     none -> unknown_provider, or unknown_model when the span names no provider or host at all.
 * Inference never uses prefixes: "gpt-4o-custom" on a gateway is not OpenAI's gpt-4o.
 */
import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_OPENINFERENCE_MODEL_NAME,
  ATTR_SERVER_ADDRESS,
  UNPRICED,
} from '../semconv';
import type { HostMap } from './hosts';
import type { ModelIndex } from './match';
import { PROVIDER_NAMES, firstString } from './usage';

export interface SpanProvider {
  /** Provider id in the pricing data; undefined when unpriced (then `unpriced` says why). */
  provider?: string;
  inferred: boolean;
  unpriced?: string;
}

const MODEL_ORDER = [ATTR_GEN_AI_RESPONSE_MODEL, ATTR_GEN_AI_REQUEST_MODEL, ATTR_OPENINFERENCE_MODEL_NAME] as const;

export function createSpanProviderResolver(index: ModelIndex, hosts: HostMap): (a: Attributes) => SpanProvider {
  // The provider (or unpriced reason) the maps give a host, or undefined when neither knows it.
  const byHost = (host: string): SpanProvider | undefined => {
    const m = hosts.match(host);
    if (!m) return undefined;
    const id = index.provider(m.provider);
    return id ? { provider: id, inferred: false } : { inferred: false, unpriced: UNPRICED.unknownProvider };
  };

  return (a) => {
    const name = firstString(a, PROVIDER_NAMES);
    if (name !== undefined) {
      const id = index.provider(name);
      if (id !== undefined) return { provider: id, inferred: false };
      if (hosts.userProviders.has(name.trim().toLowerCase()))
        return { inferred: false, unpriced: UNPRICED.unknownProvider };
    }
    const address = a[ATTR_SERVER_ADDRESS];
    const host = typeof address === 'string' && address !== '' ? address : undefined;
    for (const candidate of [host, name]) {
      if (candidate === undefined) continue;
      const found = byHost(candidate);
      if (found) return found;
    }
    for (const attr of MODEL_ORDER) {
      const model = a[attr];
      if (typeof model !== 'string' || model === '') continue;
      let providers = index.providersWithModel(model);
      const direct = providers.filter((p) => !hosts.resellers.has(p));
      if (direct.length > 0) providers = direct;
      if (providers.length === 1) return { provider: providers[0], inferred: true };
      if (providers.length > 1) return { inferred: false, unpriced: UNPRICED.ambiguousProvider };
    }
    const named = name !== undefined || host !== undefined;
    return { inferred: false, unpriced: named ? UNPRICED.unknownProvider : UNPRICED.unknownModel };
  };
}
