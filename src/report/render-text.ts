/** The terminal report: aligned tables and unicode bar charts, plain text (no colour codes). */
import { pct, plural, profileCells, tokens, usd } from './format';
import type { ReportData, ScenarioBill } from './report-data';
import { ACTUAL } from './span-costs';

const BAR_WIDTH = 28;
const MAX_MODEL_ROWS = 15;
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

export function bar(value: number, max: number, width = BAR_WIDTH): string {
  if (!(max > 0) || !(value > 0)) return '';
  const eighths = Math.max(1, Math.round((value / max) * width * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
}

/** align: one letter per column, 'l' or 'r' (default: first left, the rest right). */
function table(rows: string[][], align?: string): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return rows.map(
    (r) =>
      '  ' +
      r
        .map((c, i) => {
          const pad = ' '.repeat(widths[i] - [...c].length);
          const right = align ? align[i] === 'r' : i > 0;
          return right ? pad + c : c + pad;
        })
        .join('  ')
        .trimEnd(),
  );
}

export function scenarioLabel(s: ScenarioBill): string {
  if (s.id === ACTUAL) return 'actual (as called)';
  return s.provider && s.provider !== s.id ? `${s.id} (${s.provider})` : s.id;
}

function billNote(s: ScenarioBill, r: ReportData): string {
  const notes: string[] = [];
  if (s.notServed) notes.push(`could not serve ${plural(s.notServed, 'request')} (context window)`);
  const other = Object.entries(s.reasons).filter(([k]) => k !== 'context_window');
  const flat = r.flat.find((f) => f.id === s.id);
  if (s.kind === 'flat' && s.priced === 0) {
    notes.push(
      flat?.breakEven
        ? `no published price; break-even ${usd(flat.breakEven.pricePerRequest)}/request`
        : 'no published price',
    );
  } else if (other.length) {
    notes.push(`not priced: ${other.map(([k, n]) => `${n} ${k}`).join(', ')}`);
  }
  return notes.join('; ');
}

export function renderText(r: ReportData): string {
  const out: string[] = [];
  const o = r.profile.overall;
  out.push(
    `tokentax report: ${plural(r.spans.genai, 'GenAI request')} from ${plural(r.inputs.length, 'input')} (pricing data ${r.pricingVersion})`,
  );
  for (const i of r.inputs) {
    out.push(
      `  ${i.source}: ${i.format}, ${plural(i.spans, 'span')}${i.corruptLines ? `, ${plural(i.corruptLines, 'corrupt line')} skipped` : ''}`,
    );
    for (const c of i.corrupt) out.push(`    line ${c.line}: ${c.reason}`);
    if (i.corruptLines > i.corrupt.length) out.push(`    ... and ${i.corruptLines - i.corrupt.length} more`);
  }
  if (r.spans.duplicates)
    out.push(
      `  ${plural(r.spans.duplicates, 'duplicate span')} from other instrumentations skipped (tokentax recorded the same calls)`,
    );
  if (r.spans.withoutUsage)
    out.push(`  ${plural(r.spans.withoutUsage, 'request')} without token usage (not in the profile)`);

  out.push('', 'Request profile (input / output tokens per request)');
  const head = [
    'model',
    'requests',
    'in p50',
    'p90',
    'p99',
    'out p50',
    'p90',
    'p99',
    `>=${tokens(r.largeThreshold)} in`,
  ];
  const models = r.profile.byModel.length > 1 ? r.profile.byModel.slice(0, MAX_MODEL_ROWS) : [];
  const rows = [o, ...models].map((p) => [p.model, p.requests.toLocaleString('en-US'), ...profileCells(p)]);
  out.push(...table([head, ...rows]));
  if (r.profile.byModel.length > MAX_MODEL_ROWS)
    out.push(`  (${r.profile.byModel.length - MAX_MODEL_ROWS} less used models not shown; --json lists all)`);
  if (!o.input.exact) out.push('  (percentiles from a log-bucket sketch: within 0.5%)');

  out.push('', 'Total bill per scenario');
  const max = Math.max(...r.scenarios.map((s) => s.bill));
  out.push(
    ...table(
      r.scenarios.map((s) => [
        scenarioLabel(s),
        s.models[0] ?? '',
        s.priced ? usd(s.bill) : '-',
        bar(s.bill, max),
        billNote(s, r),
      ]),
      'llrll',
    ),
  );

  const conv = r.conversations;
  if (conv.count) {
    out.push(
      '',
      `Cost per conversation (${plural(conv.count, 'conversation')}, ${conv.multiTurn} multi-turn; most expensive first)`,
    );
    const ids = r.scenarios.filter((s) => s.priced > 0).map((s) => s.id);
    // Multi-turn conversations are where context grows; single calls are listed only when alone.
    const top = (conv.multiTurn ? conv.top.filter((c) => c.turns > 1) : conv.top).slice(0, 10);
    out.push(
      ...table([
        ['conversation', 'turns', 'input first -> last', ...ids],
        ...top.map((c) => [
          c.key.length > 24 ? `${c.key.slice(0, 21)}...` : c.key,
          String(c.turns),
          `${tokens(c.firstInput)} -> ${tokens(c.lastInput)}`,
          ...ids.map((id) => (c.unpriced[id] ? `${usd(c.cost[id])}*` : usd(c.cost[id]))),
        ]),
      ]),
    );
    if (conv.multiTurn && conv.count > conv.multiTurn)
      out.push(`  (${plural(conv.count - conv.multiTurn, 'single-request conversation')} not listed)`);
    if (top.some((c) => ids.some((id) => c.unpriced[id])))
      out.push('  * some turns not priced in that scenario (not served or no price)');
    if (conv.byTurn.length > 1) {
      out.push('', 'Multi-turn growth (mean per request at each turn)');
      const maxIn = Math.max(...conv.byTurn.map((t) => t.meanInput));
      out.push(
        ...table([
          ['turn', 'requests', 'input', '', ...ids],
          ...conv.byTurn.map((t) => [
            String(t.turn),
            String(t.requests),
            tokens(t.meanInput),
            bar(t.meanInput, maxIn, 16),
            ...ids.map((id) => usd(t.meanCost[id])),
          ]),
        ]),
      );
    }
  }

  if (r.recycled.tokens > 0) {
    const priced = r.scenarios.filter((s) => s.priced > 0);
    out.push(
      '',
      `Recycled context: ${tokens(r.recycled.tokens)} tokens resent from earlier turns (${pct(r.recycled.share)} of all input tokens)`,
    );
    out.push(`  what they cost: ${priced.map((s) => `${s.id} ${usd(r.recycled.cost[s.id])}`).join(', ')}`);
  }

  for (const f of r.flat) {
    out.push(
      '',
      `Flat per-request pricing: ${f.id} (${plural(f.servable, 'request')} it can serve${f.notServable ? `, ${f.notServable} it cannot` : ''})`,
    );
    if (f.breakEven) {
      out.push(
        `  break-even request price: ${usd(f.breakEven.pricePerRequest)} (below it ${f.id} beats ${f.breakEven.versus}, the cheapest token-metered option here)`,
      );
      out.push(`  versus each option: ${f.versus.map((v) => `${v.id} ${usd(v.pricePerRequest)}`).join(', ')}`);
      if (f.configuredPrice === undefined && typeof f.breakEven.promptTokens === 'number')
        out.push(
          `  at that price it would win on prompts above ~${tokens(f.breakEven.promptTokens)} input tokens and lose below`,
        );
    }
    if (f.configuredPrice === undefined)
      out.push(`  no request price configured (none published): set requestPrices.${f.id} in a config file to compare`);
    else {
      out.push(`  configured price: ${usd(f.configuredPrice)} per request`);
      if (f.winsAbovePromptTokens !== undefined)
        out.push(
          f.winsAbovePromptTokens === null
            ? '  no observed prompt size where it wins'
            : `  wins on prompts above ~${tokens(f.winsAbovePromptTokens)} input tokens`,
        );
    }
  }

  out.push('', 'Recommendation');
  for (const line of r.recommendation) out.push(`  • ${line}`);
  return `${out.join('\n')}\n`;
}
