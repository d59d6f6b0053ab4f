/**
 * User configuration: the file named by code or TOKENTAX_CONFIG (JSON or YAML), environment
 * variables, and options given in code, merged and validated in one place.
 *
 * SKELETON: the pricing work owns the file loader (prices, flat request prices, scenarios,
 * equivalence table); the types below are the contract other layers use.
 */

export interface BloatThresholds {
  /** Input tokens at or above which a request is bloated. */
  tokens: number;
  /** Context window utilisation (0..1) at or above which a request is bloated. */
  utilization: number;
  /** Recycled ratio (0..1) at or above which a request is bloated ... */
  recycledRatio: number;
  /** ... provided at least this many tokens were recycled. */
  recycledMinTokens: number;
}

export const DEFAULT_BLOAT: Readonly<BloatThresholds> = Object.freeze({
  tokens: 20_000,
  utilization: 0.8,
  recycledRatio: 0.9,
  recycledMinTokens: 4_000,
});
