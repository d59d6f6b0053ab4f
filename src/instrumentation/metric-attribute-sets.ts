/**
 * The attribute sets of tokentax's per-call metric records, interned: calls of one model on one
 * endpoint share one frozen object (and one per added attribute, e.g. gen_ai.token.type=input).
 * PreSummedCounter then finds a call's series by identity instead of hashing the set's content
 * (~4 µs per add: an agent loop adds recycled tokens and bloat reasons on every turn), and a call
 * allocates no attribute objects for its records.
 *
 * Bounded: past `maxSets` distinct sets (high-cardinality model names) the cache starts again, so
 * memory stays flat; the sets stay correct, only the identity hits are lost for a while.
 */
import type { Attributes } from '@opentelemetry/api';
import type { Endpoint } from './provider';
import { ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_REQUEST_MODEL, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from '../semconv';

export class MetricAttributeSets {
  /** By endpoint (resolved once per base URL and cached: ./provider), then operation and model. */
  private bases = new WeakMap<Endpoint, Map<string, Attributes>>();
  private derived = new WeakMap<Attributes, Map<string, Attributes>>();
  private size = 0;

  constructor(private readonly maxSets = 2000) {}

  /** The set every record of this call starts from; `model` '' (none named) leaves the attribute out. */
  base(endpoint: Endpoint, operation: string, model: string): Attributes {
    let byCall = this.bases.get(endpoint);
    if (!byCall) this.bases.set(endpoint, (byCall = new Map()));
    // NUL occurs in no operation name: one key per (operation, model).
    const key = `${operation}\0${model}`;
    let set = byCall.get(key);
    if (!set) {
      const attributes: Attributes = {
        [ATTR_GEN_AI_OPERATION_NAME]: operation,
        [ATTR_GEN_AI_PROVIDER_NAME]: endpoint.provider,
        [ATTR_SERVER_ADDRESS]: endpoint.address,
        [ATTR_SERVER_PORT]: endpoint.port,
      };
      if (model) attributes[ATTR_GEN_AI_REQUEST_MODEL] = model;
      set = this.remember(Object.freeze(attributes));
      byCall.set(key, set);
    }
    return set;
  }

  /** `base` plus one attribute (token type, response model, error type, bloat reason). */
  with(base: Attributes, key: string, value: string): Attributes {
    let byValue = this.derived.get(base);
    if (!byValue) this.derived.set(base, (byValue = new Map()));
    const slot = `${key}\0${value}`;
    let set = byValue.get(slot);
    if (!set) {
      const attributes: Attributes = Object.assign({}, base);
      attributes[key] = value;
      set = this.remember(Object.freeze(attributes));
      byValue.set(slot, set);
    }
    return set;
  }

  private remember(set: Attributes): Attributes {
    if (++this.size > this.maxSets) {
      // Start again: derived maps hang off the old bases and go with them.
      this.bases = new WeakMap();
      this.derived = new WeakMap();
      this.size = 1;
    }
    return set;
  }
}
