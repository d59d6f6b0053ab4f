/**
 * Streams spans into bounded aggregates: sketches per model, sums per scenario, per conversation
 * and per turn, fixed prompt-size bins. Memory grows with the number of conversations and models,
 * never with the number of spans. finish() turns the aggregates into ReportData.
 */
import type { Scenario } from '../contracts';
import type { Pricing } from '../pricing';
import { MODEL_NAMES, firstString, newUsage, readUsage, tokenState } from '../pricing/usage';
import {
  ATTR_CONTEXT_RECYCLED_TOKENS,
  ATTR_CONTEXT_TURN,
  ATTR_CONVERSATION_KEY,
  ATTR_DUPLICATE,
  ATTR_GEN_AI_CONVERSATION_ID,
  INFEASIBLE,
} from '../semconv';
import { BIN_COUNT, binOf, MAX_MODELS, MAX_TURN, ModelStats, type Aggregates } from './aggregates';
import { finishReport } from './finish';
import type { InputSummary } from './input';
import { SpanCoster } from './span-costs';
import type { SpanRecord } from './span-record';

export class ReportAccumulator {
  private readonly coster: SpanCoster;
  private readonly u = newUsage();
  private readonly scratch: Float64Array;
  readonly agg: Aggregates;

  constructor(pricing: Pricing, scenarios: readonly Scenario[] = pricing.scenarios, largeThreshold = 20_000) {
    this.coster = new SpanCoster(pricing, scenarios);
    const n = this.coster.ids.length;
    const rows = (len: number) => Array.from({ length: n }, () => new Float64Array(len));
    this.scratch = new Float64Array(n);
    this.agg = {
      ids: this.coster.ids,
      scenarios,
      pricingVersion: pricing.version,
      largeThreshold,
      read: 0,
      genai: 0,
      duplicates: 0,
      withoutUsage: 0,
      overall: new ModelStats(),
      byModel: new Map(),
      columns: Array.from({ length: n }, () => ({
        bill: 0,
        priced: 0,
        reasons: new Map(),
        models: new Map(),
        flatSeen: false,
        lastChecked: undefined,
        servable: 0,
      })),
      pairSum: rows(n),
      pairCount: rows(n),
      binRequests: new Float64Array(BIN_COUNT),
      binCost: rows(BIN_COUNT),
      binPriced: rows(BIN_COUNT),
      conversations: new Map(),
      requestsWithoutConversation: 0,
      turnRequests: new Float64Array(MAX_TURN + 1),
      turnInput: new Float64Array(MAX_TURN + 1),
      turnCost: rows(MAX_TURN + 1),
      turnPriced: rows(MAX_TURN + 1),
      recycledTokens: 0,
      inputTokens: 0,
      recycledCost: new Float64Array(n),
    };
  }

  /** Bound as a SpanSink: `(span) => acc.add(span)`. */
  add(span: SpanRecord): void {
    const g = this.agg;
    const a = span.attributes;
    g.read++;
    if (a[ATTR_DUPLICATE] === true) {
      g.duplicates++; // another instrumentation's copy of a call the tokentax span already counts
      return;
    }
    const u = this.u;
    readUsage(a, u);
    const model = firstString(a, MODEL_NAMES);
    if (model === undefined && u.input < 0) return; // not a GenAI call
    g.genai++;
    const c = this.coster;
    c.resolve(a, span.startMs);
    const n = c.ids.length;
    const hasUsage = tokenState(u) === 'ok';
    let bin = -1;
    if (hasUsage) {
      this.profile(model ?? 'unknown', u.input, u.output);
      bin = binOf(u.input);
      g.binRequests[bin]++;
      g.inputTokens += u.input;
    } else {
      g.withoutUsage++;
    }
    for (let i = 0; i < n; i++) {
      const col = g.columns[i];
      const usd = c.usd[i];
      const m = i === 0 ? model : c.model[i]; // "actual": the model called; scenarios: their stand-ins
      if (m !== undefined && (col.models.has(m) || col.models.size < MAX_MODELS))
        col.models.set(m, (col.models.get(m) ?? 0) + 1);
      if (!col.flatSeen && m !== undefined && m !== col.lastChecked) {
        col.lastChecked = m; // stand-ins repeat: look each up once in a row
        if (c.flatPrice(i, m, span.startMs).flat) col.flatSeen = true;
      }
      if (usd === usd) {
        col.bill += usd;
        col.priced++;
        if (bin >= 0) {
          g.binCost[i][bin] += usd;
          g.binPriced[i][bin]++;
        }
      } else {
        const why = c.reason[i] ?? 'unpriced';
        col.reasons.set(why, (col.reasons.get(why) ?? 0) + 1);
      }
      // Can column i serve this request? Priced, or only lacking a (flat) price.
      if (usd === usd || c.reason[i] === INFEASIBLE.noPrice) {
        col.servable++;
        const sums = g.pairSum[i];
        const counts = g.pairCount[i];
        for (let j = 0; j < n; j++) {
          const v = c.usd[j];
          if (v === v) {
            sums[j] += v;
            counts[j]++;
          }
        }
      }
    }
    this.conversation(a, span.startMs, hasUsage ? u.input : NaN);
    const recycled = a[ATTR_CONTEXT_RECYCLED_TOKENS];
    if (hasUsage && typeof recycled === 'number' && recycled > 0) {
      g.recycledTokens += Math.min(recycled, u.input);
      const cacheRead = u.cacheRead > 0 ? u.cacheRead : 0;
      c.recycledCost(a, span.startMs, u.input, cacheRead, Math.min(recycled, u.input), this.scratch);
      for (let i = 0; i < n; i++) if (this.scratch[i] === this.scratch[i]) g.recycledCost[i] += this.scratch[i];
    }
  }

  private profile(model: string, input: number, output: number): void {
    const g = this.agg;
    let m = g.byModel.get(model);
    if (!m) {
      m = new ModelStats();
      if (g.byModel.size < MAX_MODELS) g.byModel.set(model, m);
      else
        m = g.byModel.get('(other models)') ?? g.byModel.set('(other models)', new ModelStats()).get('(other models)')!;
    }
    for (const s of [g.overall, m]) {
      s.requests++;
      s.input.add(input);
      s.output.add(output);
      if (input >= g.largeThreshold) s.large++;
    }
  }

  private conversation(a: SpanRecord['attributes'], startMs: number, input: number): void {
    const g = this.agg;
    const c = this.coster;
    const n = c.ids.length;
    const keyAttr = a[ATTR_CONVERSATION_KEY] ?? a[ATTR_GEN_AI_CONVERSATION_ID];
    const key = typeof keyAttr === 'string' && keyAttr !== '' ? keyAttr : undefined;
    if (key === undefined) {
      g.requestsWithoutConversation++;
      return;
    }
    let turn: number;
    {
      let conv = g.conversations.get(key);
      if (!conv) {
        conv = {
          turns: 0,
          firstMs: Infinity,
          firstInput: NaN,
          lastMs: -Infinity,
          lastInput: NaN,
          inputTokens: 0,
          cost: new Float64Array(n),
          unpriced: new Uint32Array(n),
          firstTurnInput: NaN,
          firstCost: new Float64Array(n).fill(NaN),
        };
        g.conversations.set(key, conv);
      }
      conv.turns++;
      // Files are not always in time order: the first and last turns are the earliest and latest.
      const t = startMs === startMs ? startMs : conv.turns;
      if (t < conv.firstMs) {
        conv.firstMs = t;
        conv.firstInput = input;
      }
      if (t >= conv.lastMs) {
        conv.lastMs = t;
        conv.lastInput = input;
      }
      if (input === input) conv.inputTokens += input;
      for (let i = 0; i < n; i++) {
        const usd = c.usd[i];
        if (usd === usd) conv.cost[i] += usd;
        else conv.unpriced[i]++;
      }
      const recorded = a[ATTR_CONTEXT_TURN];
      turn = typeof recorded === 'number' && recorded >= 1 ? Math.floor(recorded) : conv.turns;
      if (turn === 1) {
        conv.firstCost.set(c.usd);
        conv.firstTurnInput = input;
        return;
      }
    }
    const ti = Math.min(turn, MAX_TURN);
    g.turnRequests[ti]++;
    if (input === input) g.turnInput[ti] += input;
    for (let i = 0; i < n; i++) {
      const usd = c.usd[i];
      if (usd === usd) {
        g.turnCost[i][ti] += usd;
        g.turnPriced[i][ti]++;
      }
    }
  }

  finish(inputs: InputSummary[]) {
    return finishReport(this.agg, inputs);
  }
}
