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
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '../semconv';

export class MetricAttributeSets {
  /** An endpoint's own attributes (endpoints are resolved once per base URL and cached: ./provider). */
  private roots = new WeakMap<Endpoint, Attributes>();
  /** Every set derived from a set by one more attribute, by `key NUL value`. */
  private derived = new WeakMap<Attributes, Map<string, Attributes>>();
  private size = 0;

  constructor(private readonly maxSets = 2000) {}

  /** The set every record of this call starts from; `model` '' (none named) leaves the attribute out. */
  base(endpoint: Endpoint, operation: string, model: string): Attributes {
    let root = this.roots.get(endpoint);
    if (!root) {
      const attributes: Attributes = {
        [ATTR_GEN_AI_PROVIDER_NAME]: endpoint.provider,
        [ATTR_SERVER_ADDRESS]: endpoint.address,
        [ATTR_SERVER_PORT]: endpoint.port,
      };
      this.roots.set(endpoint, (root = this.remember(attributes)));
    }
    const call = this.with(root, ATTR_GEN_AI_OPERATION_NAME, operation);
    return model ? this.with(call, ATTR_GEN_AI_REQUEST_MODEL, model) : call;
  }

  /** `base` plus one attribute (operation, model, token type, response model, error type, bloat reason). */
  with(base: Attributes, key: string, value: string): Attributes {
    let byValue = this.derived.get(base);
    if (!byValue) this.derived.set(base, (byValue = new Map()));
    // NUL occurs in no attribute name: one slot per (key, value).
    const slot = `${key}\0${value}`;
    let set = byValue.get(slot);
    if (!set) {
      // Object.assign, not a spread: spreading then adding dotted keys sends V8 down a slow dictionary path.
      const attributes: Attributes = Object.assign({}, base);
      attributes[key] = value;
      byValue.set(slot, (set = this.remember(attributes)));
    }
    return set;
  }

  private remember(attributes: Attributes): Attributes {
    if (++this.size > this.maxSets) {
      // Start again: derived maps hang off the old sets and go with them.
      this.roots = new WeakMap();
      this.derived = new WeakMap();
      this.size = 1;
    }
    return Object.freeze(attributes);
  }
}
