/**
 * The report's bounded aggregates: what the accumulator (analyse.ts) fills span by span and
 * finish.ts turns into ReportData. Their own module, so the two depend on it and not on each other.
 */
import type { Scenario } from '../contracts';
import { QuantileSketch } from './sketch';

/** Prompt-size bins are sqrt(2) wide: bin k >= 1 holds [2^((k-1)/2), 2^(k/2)). */
export const BIN_COUNT = 64;
export const binOf = (tokens: number): number =>
  tokens < 1 ? 0 : Math.min(BIN_COUNT - 1, Math.floor(2 * Math.log2(tokens)) + 1);
export const MAX_TURN = 100;
export const MAX_MODELS = 200;

export class ModelStats {
  requests = 0;
  large = 0;
  readonly input = new QuantileSketch();
  readonly output = new QuantileSketch();
}

export interface ConversationStats {
  turns: number;
  firstMs: number;
  firstInput: number;
  lastMs: number;
  lastInput: number;
  inputTokens: number;
  cost: Float64Array;
  unpriced: Uint32Array;
  /** Input tokens and cost per column (NaN: not priced) of turn 1, for the growth table when more turns follow. */
  firstTurnInput: number;
  firstCost: Float64Array;
}

export interface ColumnStats {
  bill: number;
  priced: number;
  reasons: Map<string, number>;
  models: Map<string, number>;
  flatSeen: boolean;
  lastChecked: string | undefined;
  /** Requests this column can serve (priced, or lacking only a flat price). */
  servable: number;
}

export interface Aggregates {
  ids: string[];
  scenarios: readonly Scenario[];
  pricingVersion: string;
  largeThreshold: number;
  read: number;
  genai: number;
  duplicates: number;
  withoutUsage: number;
  overall: ModelStats;
  byModel: Map<string, ModelStats>;
  columns: ColumnStats[];
  /** pairSum[i][j]: USD of column j over the requests column i can serve and j priced; pairCount alike. */
  pairSum: Float64Array[];
  pairCount: Float64Array[];
  binRequests: Float64Array;
  binCost: Float64Array[];
  binPriced: Float64Array[];
  conversations: Map<string, ConversationStats>;
  requestsWithoutConversation: number;
  turnRequests: Float64Array;
  turnInput: Float64Array;
  turnCost: Float64Array[];
  turnPriced: Float64Array[];
  recycledTokens: number;
  inputTokens: number;
  recycledCost: Float64Array;
}
