/** The report as data: what `--json` prints and what the terminal and HTML renderers draw. */
import type { InputSummary } from './input';

export interface Distribution {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** False once a sketch switched from exact values to log buckets (error <= 0.5%). */
  exact: boolean;
}

export interface ProfileRow {
  model: string;
  requests: number;
  input: Distribution;
  output: Distribution;
  /** Requests with at least `largeThreshold` input tokens, and their share of `requests`. */
  large: number;
  largeShare: number;
}

export interface ScenarioBill {
  /** "actual" or a scenario id. */
  id: string;
  provider: string | undefined;
  kind: 'actual' | 'token' | 'flat';
  /** Stand-in models, most used first (up to 5). */
  models: string[];
  /** USD over the requests this column could price. */
  bill: number;
  priced: number;
  /** Requests the scenario could not serve because they exceed its model's window. */
  notServed: number;
  /** Every reason a request has no price here (context_window, no_price, unknown_model, ...). */
  reasons: Record<string, number>;
  /** Like for like: on the requests this column priced, what "actual" cost (the same requests). */
  actualOnSame: { requests: number; usd: number };
}

export interface ConversationRow {
  key: string;
  turns: number;
  firstInput: number;
  lastInput: number;
  inputTokens: number;
  /** USD per column (the requests that column priced). */
  cost: Record<string, number>;
  /** Requests per column that had no price (the conversation's cost there is incomplete). */
  unpriced: Record<string, number>;
}

export interface TurnRow {
  turn: number;
  requests: number;
  meanInput: number;
  meanCost: Record<string, number>;
}

export interface FlatAnalysis {
  id: string;
  /** Requests the flat provider can serve (its model's window holds them). */
  servable: number;
  notServable: number;
  /** Per token-metered column: average cost per request on the requests both can serve. */
  versus: Array<{ id: string; requests: number; pricePerRequest: number }>;
  /** The lowest of `versus`: below this request price the flat provider is cheapest for this traffic. */
  breakEven:
    | {
        pricePerRequest: number;
        versus: string;
        /** Prompt size where `versus` costs that much a request (null: none observed). */ promptTokens: number | null;
      }
    | undefined;
  /** Mean configured request price, when one is configured. */
  configuredPrice: number | undefined;
  /** With a configured price: the prompt size (input tokens) above which a request is cheaper flat
   *  than on `breakEven.versus`; null when no observed prompt size gets there. */
  winsAbovePromptTokens: number | null | undefined;
}

export interface SizeBin {
  /** Input tokens, from (inclusive) to (exclusive). */
  from: number;
  to: number;
  requests: number;
  cost: Record<string, number>;
  priced: Record<string, number>;
}

export interface ReportData {
  generatedAt: string;
  pricingVersion: string;
  inputs: InputSummary[];
  spans: { read: number; genai: number; duplicates: number; withoutUsage: number };
  largeThreshold: number;
  profile: { overall: ProfileRow; byModel: ProfileRow[] };
  scenarios: ScenarioBill[];
  conversations: {
    count: number;
    multiTurn: number;
    requestsWithout: number;
    top: ConversationRow[];
    byTurn: TurnRow[];
  };
  recycled: { tokens: number; inputTokens: number; share: number; cost: Record<string, number> };
  flat: FlatAnalysis[];
  sizeBins: SizeBin[];
  recommendation: string[];
}
