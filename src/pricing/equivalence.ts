/**
 * Which model stands in for the actual one in each scenario (src/pricing/README.md "Equivalence"):
 *  0. the scenario names a fixed model -> that model on the scenario's provider;
 *  1. the user's equivalence.models maps the actual model (its id or canonical id) to a class
 *     name -> rule 3 with that class; or to a canonical model id -> that model where the
 *     scenario's provider offers it (elsewhere rules 2-3 apply as usual);
 *  2. the scenario's provider offers the same canonical model -> that one, if the model is
 *     open-weight or the provider is its home (its own id is the canonical id: an Azure or
 *     OpenRouter gpt-4o maps to OpenAI's gpt-4o in the openai scenario);
 *  3. the first canonical id in the class's candidate list that the provider offers; the class is
 *     the model's own, else the operation's, else frontier_chat.
 * No match -> undefined (scenario infeasible: no_model). Results are memoised per actual model.
 */
import type { Scenario } from '../contracts';
import type { Pricing } from './data';
import type { ModelEntry } from './types';

const DEFAULT_CLASS = 'frontier_chat';

export type StandIns = ReadonlyArray<ModelEntry | undefined>;

export function createStandInResolver(
  pricing: Pricing,
  scenarios: readonly Scenario[],
): (actual: ModelEntry, operation: string | undefined) => StandIns {
  const memo = new Map<ModelEntry, Map<string, StandIns>>();
  const NO_OP = '';

  function forScenario(actual: ModelEntry, operation: string | undefined, s: Scenario): ModelEntry | undefined {
    const index = pricing.index;
    if (s.model) return index.lookup(s.provider, s.model);
    let cls = actual.class;
    const mapped =
      pricing.modelEquivalence[actual.id.toLowerCase()] ??
      (actual.canonical ? pricing.modelEquivalence[actual.canonical] : undefined);
    if (mapped !== undefined && pricing.classes[mapped]) {
      cls = mapped;
    } else {
      // A mapped model this provider does not offer falls through to the usual rules.
      const target = mapped !== undefined ? index.byCanonical(s.provider, mapped) : undefined;
      if (target) return target;
      // Same model elsewhere: any provider for open weights; for a closed model only its home
      // provider (whose own id is the canonical id), so OpenRouter's resale of gpt-4o does not
      // hide the open-weight alternative the scenario is about.
      const same = actual.canonical ? index.byCanonical(s.provider, actual.canonical) : undefined;
      if (same && (actual.openWeight || same.id.toLowerCase() === actual.canonical)) return same;
    }
    cls ??= (operation ? pricing.operationClasses[operation] : undefined) ?? DEFAULT_CLASS;
    for (const candidate of pricing.classes[cls] ?? []) {
      const found = index.byCanonical(s.provider, candidate);
      if (found) return found;
    }
    return undefined;
  }

  return (actual, operation) => {
    let perOp = memo.get(actual);
    if (!perOp) {
      perOp = new Map();
      memo.set(actual, perOp);
    }
    // Only models without a class depend on the operation; keep one memo slot for the others.
    const key = actual.class ? NO_OP : (operation ?? NO_OP);
    let hit = perOp.get(key);
    if (!hit) {
      hit = scenarios.map((s) => forScenario(actual, operation, s));
      perOp.set(key, hit);
    }
    return hit;
  };
}
