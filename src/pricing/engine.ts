/**
 * The cost engine: ONE pure function of a span's attributes and time (plus the loaded pricing data
 * and scenarios) -> the tokentax.cost.* attributes. It never throws and never reports a cost of 0
 * for something it could not price: it writes tokentax.cost.unpriced with a reason instead.
 *
 * Flow per span (src/pricing/README.md "Engine"): read usage -> provider -> model -> actual cost ->
 * per scenario: stand-in model, tokenizer translation, window check, cost -> cheapest, savings.
 */
import { diag, type Attributes } from '@opentelemetry/api';
import type { CallUsage, PriceSpan, Scenario } from '../contracts';
import {
  ATTR_CONTEXT_LARGEST_INPUT_TOKENS,
  ATTR_COST_CHEAPEST,
  ATTR_COST_SAVINGS_USD,
  ATTR_COST_SOURCE,
  ATTR_COST_UNPRICED,
  ATTR_COST_USD,
  ATTR_DUPLICATE,
  ATTR_OPENINFERENCE_MODEL_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_PRICING_PROVIDER,
  ATTR_PRICING_VERSION,
  ATTR_PROVIDER_INFERRED,
  CHEAPEST_ACTUAL,
  COST_SOURCE,
  INFEASIBLE,
  OPERATION,
  UNPRICED,
  scenarioCostAttr,
  scenarioInfeasibleAttr,
  scenarioModelAttr,
} from '../semconv';
import type { Pricing } from './data';
import { createStandInResolver } from './equivalence';
import { createSpanProviderResolver } from './provider-of-span';
import { PriceFailure, fitsWindow, minuteOfDay, periodAt, priceFailed, priceUsage } from './math';
import { newUsage, readCallUsage, readUsage, tokenState } from './usage';
import type { ModelEntry } from './types';

const EMPTY: Attributes = Object.freeze({}) as Attributes;

interface ScenarioNames {
  id: string;
  usd: string;
  model: string;
  infeasible: string;
}

function unpricedReason(failure: PriceFailure): string {
  switch (failure) {
    case PriceFailure.MissingUsage:
      return UNPRICED.missingUsage;
    case PriceFailure.InvalidUsage:
      return UNPRICED.invalidUsage;
    case PriceFailure.UnsupportedUnit:
      return UNPRICED.unsupportedUnit;
    case PriceFailure.ImageSizeUnpriced:
      return UNPRICED.imageSizeUnpriced;
    default:
      return UNPRICED.noPrice;
  }
}

function infeasibleReason(failure: PriceFailure): string {
  switch (failure) {
    case PriceFailure.MissingUsage:
    case PriceFailure.InvalidUsage:
      return INFEASIBLE.missingUsage;
    case PriceFailure.UnsupportedUnit:
      return INFEASIBLE.unsupportedOperation;
    case PriceFailure.ImageSizeUnpriced:
      return INFEASIBLE.imageSizeUnpriced;
    default:
      return INFEASIBLE.noPrice;
  }
}

/** A span that cannot be priced from the data: the provider's reported cost when it gave one, else why not. */
function stop(out: Attributes, reason: string, reported: number | undefined): Attributes {
  if (reported === undefined) out[ATTR_COST_UNPRICED] = reason;
  else {
    out[ATTR_COST_USD] = reported;
    out[ATTR_COST_SOURCE] = COST_SOURCE.providerReported;
  }
  return out;
}

/** What a scenario model's window must hold: the input tokens, or for an embeddings batch its largest
 *  input when the span gives it (the window applies to each input, not to the batch). */
function windowInput(a: Attributes, operation: string | undefined, input: number): number {
  if (operation !== OPERATION.embeddings) return input;
  const largest = a[ATTR_CONTEXT_LARGEST_INPUT_TOKENS];
  return typeof largest === 'number' && largest >= 0 && largest < input ? largest : input;
}

/** Builds the PriceSpan function for loaded pricing data and its scenarios. */
export function createCostEngine(pricing: Pricing, scenarios: readonly Scenario[] = pricing.scenarios): PriceSpan {
  const index = pricing.index;
  const version = pricing.version;
  const names: ScenarioNames[] = scenarios.map((s) => ({
    id: s.id,
    usd: scenarioCostAttr(s.id),
    model: scenarioModelAttr(s.id),
    infeasible: scenarioInfeasibleAttr(s.id),
  }));
  const standIns = createStandInResolver(pricing, scenarios);
  const providerOf = createSpanProviderResolver(index, pricing.hosts);
  const u = newUsage(); // scratch, reused: the engine is synchronous and never re-entered
  let reported = false;

  function findModel(a: Attributes, provider: string | undefined): ModelEntry | undefined {
    // The response model is the snapshot that actually ran; fall back to what was requested.
    const response = a[ATTR_GEN_AI_RESPONSE_MODEL];
    if (typeof response === 'string' && response !== '') {
      const hit = index.lookup(provider, response);
      if (hit) return hit;
    }
    const request = a[ATTR_GEN_AI_REQUEST_MODEL];
    if (typeof request === 'string' && request !== '') {
      const hit = index.lookup(provider, request);
      if (hit) return hit;
    }
    const oi = a[ATTR_OPENINFERENCE_MODEL_NAME];
    if (typeof oi === 'string' && oi !== '') return index.lookup(provider, oi);
    return undefined;
  }

  function price(a: Attributes, timeMs: number, given: CallUsage | undefined): Attributes {
    if (a[ATTR_DUPLICATE] === true) return EMPTY; // the tokentax span of the same call carries the cost
    const out: Attributes = { [ATTR_PRICING_VERSION]: version };
    if (given) readCallUsage(a, given, u);
    else readUsage(a, u);
    const tokens = tokenState(u);
    // What the provider says it billed is the actual cost, whatever our data knows of the model.
    const reported = u.providerCost >= 0 ? u.providerCost : undefined;
    if (tokens === 'invalid') return stop(out, UNPRICED.invalidUsage, reported);
    const { provider, inferred, unpriced } = providerOf(a);
    if (inferred) out[ATTR_PROVIDER_INFERRED] = true;
    if (provider === undefined) return stop(out, unpriced ?? UNPRICED.unknownProvider, reported);
    const entry = findModel(a, provider);
    if (!entry) return stop(out, UNPRICED.unknownModel, reported);
    out[ATTR_PRICING_PROVIDER] = provider;
    const tokensOk = tokens === 'ok';
    if (!(timeMs > -Infinity && timeMs < Infinity)) timeMs = Infinity; // no usable time: latest price
    const period = periodAt(entry, timeMs);
    const minute = minuteOfDay(timeMs); // time-of-day prices
    let actual = period ? priceUsage(period, u, 1, tokensOk, minute) : priceFailed(PriceFailure.NoPrice);
    if (reported !== undefined) {
      actual = { ok: true, usd: reported };
      out[ATTR_COST_USD] = reported;
      out[ATTR_COST_SOURCE] = COST_SOURCE.providerReported;
    } else if (!actual.ok) {
      out[ATTR_COST_UNPRICED] = unpricedReason(actual.failure);
      // Without a usable usage there is nothing to compare; a flat call without a configured
      // price still gets its scenarios (they show what it would cost elsewhere).
      if (actual.failure !== PriceFailure.NoPrice) return out;
    } else if (!Number.isFinite(actual.usd)) {
      out[ATTR_COST_UNPRICED] = UNPRICED.invalidUsage;
      return out;
    } else {
      out[ATTR_COST_USD] = actual.usd;
      out[ATTR_COST_SOURCE] = COST_SOURCE.computed;
    }

    const chosen = standIns(entry, u.operation);
    const fitInput = windowInput(a, u.operation, u.input);
    let bestCost = Infinity;
    let bestId: string | undefined;
    for (let i = 0; i < names.length; i++) {
      const n = names[i];
      const st = chosen[i];
      if (!st) {
        out[n.infeasible] = INFEASIBLE.noModel;
        continue;
      }
      out[n.model] = st.id;
      const p = periodAt(st, timeMs);
      if (!p) {
        out[n.infeasible] = INFEASIBLE.noPrice;
        continue;
      }
      const factor = st.tokenRatio / entry.tokenRatio;
      if (tokensOk && !fitsWindow(st, fitInput, u.output, factor)) {
        out[n.infeasible] = INFEASIBLE.contextWindow;
        continue;
      }
      const priced = priceUsage(p, u, factor, tokensOk, minute);
      if (!priced.ok || !Number.isFinite(priced.usd)) {
        out[n.infeasible] = priced.ok ? INFEASIBLE.noPrice : infeasibleReason(priced.failure);
        continue;
      }
      const cost = priced.usd;
      out[n.usd] = cost;
      if (cost < bestCost) {
        bestCost = cost;
        bestId = n.id;
      }
    }
    if (actual.ok) {
      if (bestId !== undefined && bestCost < actual.usd) {
        out[ATTR_COST_CHEAPEST] = bestId;
        out[ATTR_COST_SAVINGS_USD] = actual.usd - bestCost;
      } else {
        out[ATTR_COST_CHEAPEST] = CHEAPEST_ACTUAL;
        out[ATTR_COST_SAVINGS_USD] = 0;
      }
    } else if (bestId !== undefined) {
      out[ATTR_COST_CHEAPEST] = bestId;
    }
    return out;
  }

  return (attributes, timeMs, usage) => {
    try {
      return price(attributes, timeMs, usage);
    } catch (err) {
      if (!reported) {
        reported = true;
        diag.error(
          'tokentax: the cost engine failed on a span; such spans get tokentax.cost.unpriced=internal_error',
          err,
        );
      }
      return { [ATTR_PRICING_VERSION]: version, [ATTR_COST_UNPRICED]: UNPRICED.internalError };
    }
  };
}
