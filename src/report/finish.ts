/** Aggregates -> ReportData: distributions, bills, break-even prices, growth by turn. */
import { INFEASIBLE } from '../semconv';
import type { Aggregates, ConversationStats, ModelStats } from './aggregates';
import type { InputSummary } from './input';
import { recommend } from './recommend';
import type {
  ConversationRow,
  Distribution,
  FlatAnalysis,
  ProfileRow,
  ReportData,
  ScenarioBill,
  SizeBin,
  TurnRow,
} from './report-data';
import type { QuantileSketch } from './sketch';

const TOP_CONVERSATIONS = 20;

function distribution(s: QuantileSketch): Distribution {
  return {
    count: s.count,
    mean: s.count ? s.sum / s.count : 0,
    p50: s.quantile(50) ?? 0,
    p90: s.quantile(90) ?? 0,
    p99: s.quantile(99) ?? 0,
    max: s.count ? s.max : 0,
    exact: s.isExact,
  };
}

function profileRow(model: string, m: ModelStats): ProfileRow {
  return {
    model,
    requests: m.requests,
    input: distribution(m.input),
    output: distribution(m.output),
    large: m.large,
    largeShare: m.requests ? m.large / m.requests : 0,
  };
}

const binFrom = (k: number): number => (k === 0 ? 0 : Math.round(2 ** ((k - 1) / 2)));
const binTo = (k: number): number => Math.round(2 ** (k / 2));

function record(ids: string[], values: ArrayLike<number>): Record<string, number> {
  const out: Record<string, number> = {};
  ids.forEach((id, i) => (out[id] = values[i]));
  return out;
}

/** The prompt size where the mean cost per request on column j reaches `price` (bins interpolated). */
function crossing(g: Aggregates, j: number, price: number): number | null {
  let prevX: number | undefined;
  let prevY: number | undefined;
  for (let k = 0; k < g.binRequests.length; k++) {
    const count = g.binPriced[j][k];
    if (!count) continue;
    const mean = g.binCost[j][k] / count;
    const x = Math.sqrt(Math.max(1, binFrom(k)) * binTo(k)); // geometric middle of the bin
    if (mean >= price) {
      if (prevX === undefined || prevY === undefined || mean === prevY)
        return Math.round(prevX === undefined ? binFrom(k) : x);
      return Math.round(prevX + ((price - prevY) / (mean - prevY)) * (x - prevX));
    }
    prevX = x;
    prevY = mean;
  }
  return null;
}

function flatAnalysis(g: Aggregates, i: number, kinds: ScenarioBill['kind'][]): FlatAnalysis {
  const col = g.columns[i];
  const versus: FlatAnalysis['versus'] = [];
  for (let j = 0; j < g.ids.length; j++) {
    if (j === i || kinds[j] === 'flat' || !g.pairCount[i][j]) continue;
    versus.push({ id: g.ids[j], requests: g.pairCount[i][j], pricePerRequest: g.pairSum[i][j] / g.pairCount[i][j] });
  }
  versus.sort((a, b) => a.pricePerRequest - b.pricePerRequest);
  const best = versus[0];
  const configuredPrice = col.priced ? col.bill / col.priced : undefined;
  const winsAbove =
    configuredPrice !== undefined && best ? crossing(g, g.ids.indexOf(best.id), configuredPrice) : undefined;
  return {
    id: g.ids[i],
    servable: col.servable,
    notServable: col.reasons.get(INFEASIBLE.contextWindow) ?? 0,
    versus,
    breakEven: best
      ? {
          pricePerRequest: best.pricePerRequest,
          versus: best.id,
          promptTokens: crossing(g, g.ids.indexOf(best.id), best.pricePerRequest),
        }
      : undefined,
    configuredPrice,
    winsAbovePromptTokens: winsAbove,
  };
}

export function finishReport(g: Aggregates, inputs: InputSummary[]): ReportData {
  const ids = g.ids;
  const kinds: ScenarioBill['kind'][] = g.columns.map((c, i) => (i === 0 ? 'actual' : c.flatSeen ? 'flat' : 'token'));
  const scenarios: ScenarioBill[] = g.columns.map((c, i) => ({
    id: ids[i],
    provider: i === 0 ? undefined : g.scenarios[i - 1].provider,
    kind: kinds[i],
    models: [...c.models.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([m]) => m),
    bill: c.bill,
    priced: c.priced,
    notServed: c.reasons.get(INFEASIBLE.contextWindow) ?? 0,
    reasons: Object.fromEntries([...c.reasons.entries()].sort((a, b) => b[1] - a[1])),
    actualOnSame: { requests: g.pairCount[i][0], usd: g.pairSum[i][0] },
  }));

  const ranked: Array<{ key: string; c: ConversationStats; rank: number }> = [];
  const t1 = { requests: 0, input: 0, cost: new Float64Array(ids.length), priced: new Float64Array(ids.length) };
  let multiTurn = 0;
  for (const [key, c] of g.conversations) {
    if (c.turns > 1) {
      multiTurn++;
      // Turn 1 of multi-turn conversations only: single calls would drown the growth curve.
      t1.requests++;
      if (c.firstTurnInput === c.firstTurnInput) t1.input += c.firstTurnInput;
      for (let i = 0; i < ids.length; i++) {
        const v = c.firstCost[i];
        if (v === v) {
          t1.cost[i] += v;
          t1.priced[i]++;
        }
      }
    }
    // Most expensive first, by what was paid (or the first scenario priced, when actual is not).
    ranked.push({ key, c, rank: c.cost.find((v) => v > 0) ?? 0 });
  }
  ranked.sort((a, b) => Number(b.c.turns > 1) - Number(a.c.turns > 1) || b.rank - a.rank || b.c.turns - a.c.turns);
  // Rows only for the conversations listed: there may be millions.
  const convs: ConversationRow[] = ranked.slice(0, TOP_CONVERSATIONS).map(({ key, c }) => ({
    key,
    turns: c.turns,
    firstInput: c.firstInput,
    lastInput: c.lastInput,
    inputTokens: c.inputTokens,
    cost: record(ids, c.cost),
    unpriced: record(ids, c.unpriced),
  }));

  const byTurn: TurnRow[] = [];
  for (let t = 1; t < g.turnRequests.length; t++) {
    const first = t === 1;
    const n = first ? t1.requests : g.turnRequests[t];
    if (!n) continue;
    const meanCost: Record<string, number> = {};
    ids.forEach((id, i) => {
      const priced = first ? t1.priced[i] : g.turnPriced[i][t];
      meanCost[id] = priced ? (first ? t1.cost[i] : g.turnCost[i][t]) / priced : NaN;
    });
    byTurn.push({ turn: t, requests: n, meanInput: (first ? t1.input : g.turnInput[t]) / n, meanCost });
  }

  const sizeBins: SizeBin[] = [];
  for (let k = 0; k < g.binRequests.length; k++) {
    if (!g.binRequests[k]) continue;
    sizeBins.push({
      from: binFrom(k),
      to: binTo(k),
      requests: g.binRequests[k],
      cost: record(
        ids,
        g.binCost.map((row) => row[k]),
      ),
      priced: record(
        ids,
        g.binPriced.map((row) => row[k]),
      ),
    });
  }

  const byModel = [...g.byModel.entries()].map(([m, s]) => profileRow(m, s)).sort((a, b) => b.requests - a.requests);
  const data: ReportData = {
    generatedAt: new Date().toISOString(),
    pricingVersion: g.pricingVersion,
    inputs,
    spans: { read: g.read, genai: g.genai, duplicates: g.duplicates, withoutUsage: g.withoutUsage },
    largeThreshold: g.largeThreshold,
    profile: { overall: profileRow('all models', g.overall), byModel },
    scenarios,
    conversations: {
      count: g.conversations.size,
      multiTurn,
      requestsWithout: g.requestsWithoutConversation,
      top: convs.slice(0, TOP_CONVERSATIONS),
      byTurn,
    },
    recycled: {
      tokens: g.recycledTokens,
      inputTokens: g.inputTokens,
      share: g.inputTokens ? g.recycledTokens / g.inputTokens : 0,
      cost: record(ids, g.recycledCost),
    },
    flat: kinds
      .map((k, i) => (k === 'flat' ? flatAnalysis(g, i, kinds) : undefined))
      .filter((f): f is FlatAnalysis => f !== undefined),
    sizeBins,
    recommendation: [],
  };
  data.recommendation = recommend(data);
  return data;
}
