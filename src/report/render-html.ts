/** The HTML report: one self-contained file (inline CSS and SVG, no scripts, nothing fetched). */
import { pct, plural, profileCells, tokens, usd } from './format';
import type { ReportData } from './report-data';
import { scenarioLabel } from './render-text';
import { billChart, cumulativeChart, distributionChart, esc } from './svg-charts';

/** `text`: columns (by index) that hold text, left-aligned and allowed to wrap. Wide tables scroll in their box. */
function tableHtml(head: string[], rows: string[][], text: number[] = [0]): string {
  const cls = (i: number) => (text.includes(i) ? (i ? ' class="t"' : '') : ' class="n"');
  return `<div class="scroll"><table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table></div>`;
}

const CSS = `body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:860px;color:#222;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ddd}p,li{overflow-wrap:anywhere}
.scroll{overflow-x:auto;max-width:100%;margin:.5em 0}table{border-collapse:collapse}
td,th{padding:3px 10px;white-space:nowrap;border-bottom:1px solid #eee;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}td.t{white-space:normal;min-width:10em;max-width:22em}
figure.chart-box{margin:1em 0;max-width:640px}figure.narrow{max-width:480px}svg.chart{display:block;width:100%;height:auto}svg.chart text{font:13px system-ui,sans-serif}
.legend{font-size:.9em;color:#444;display:flex;flex-wrap:wrap;gap:.2em 1.2em;margin-top:.3em}.key svg{vertical-align:middle;margin-right:.35em}
.note{color:#666}.rec li{margin:.4em 0}`;

export function renderHtml(r: ReportData): string {
  const o = r.profile.overall;
  const priced = r.scenarios.filter((s) => s.priced > 0);
  const profileRows = [o, ...(r.profile.byModel.length > 1 ? r.profile.byModel : [])].map((p) => [
    p.model,
    String(p.requests),
    ...profileCells(p),
  ]);
  const billRows = r.scenarios.map((s) => [
    scenarioLabel(s),
    s.models.slice(0, 2).join(', '),
    s.priced ? usd(s.bill) : '-',
    String(s.priced),
    String(s.notServed),
    Object.entries(s.reasons)
      .filter(([k]) => k !== 'context_window')
      .map(([k, n]) => `${n} ${k}`)
      .join(', '),
  ]);
  const conv = r.conversations;
  // Multi-turn conversations are where context grows; single calls are listed only when alone.
  const listed = conv.multiTurn ? conv.top.filter((c) => c.turns > 1) : conv.top;
  const convRows = listed.map((c) => [
    c.key,
    String(c.turns),
    `${tokens(c.firstInput)} → ${tokens(c.lastInput)}`,
    ...priced.map((s) => usd(c.cost[s.id]) + (c.unpriced[s.id] ? ' (partial)' : '')),
  ]);
  const turnRows = conv.byTurn.map((t) => [
    String(t.turn),
    String(t.requests),
    tokens(t.meanInput),
    ...priced.map((s) => usd(t.meanCost[s.id])),
  ]);
  const flat = r.flat
    .map(
      (f) =>
        `<h3>${esc(f.id)}: flat per request</h3><p>${esc(
          f.breakEven
            ? `Break-even request price ${usd(f.breakEven.pricePerRequest)}: below it ${f.id} beats ${f.breakEven.versus} on the ${f.servable} requests it can serve.`
            : 'No comparison available.',
        )}${f.configuredPrice === undefined ? ' No price configured (none published).' : esc(` Configured price ${usd(f.configuredPrice)}.`)}${
          typeof f.winsAbovePromptTokens === 'number'
            ? esc(` It wins on prompts above ~${tokens(f.winsAbovePromptTokens)} input tokens.`)
            : ''
        }</p>${tableHtml(
          ['versus', 'requests', 'average cost per request'],
          f.versus.map((v) => [v.id, String(v.requests), usd(v.pricePerRequest)]),
        )}`,
    )
    .join('');
  const corrupt = r.inputs.flatMap((i) => i.corrupt.map((c) => `${i.source} line ${c.line}: ${c.reason}`));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>tokentax report</title><style>${CSS}</style></head><body>
<h1>Which provider is cheapest for this traffic?</h1>
<p class="note">${esc(`${plural(r.spans.genai, 'GenAI request')} from ${r.inputs.map((i) => i.source).join(', ')}; pricing data ${r.pricingVersion}; generated ${r.generatedAt}.`)}${
    corrupt.length ? ` ${esc(`${corrupt.length} corrupt line(s) skipped: ${corrupt.slice(0, 5).join('; ')}`)}` : ''
  }</p>
<h2>Recommendation</h2><ul class="rec">${r.recommendation.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>
<h2>Total bill per scenario</h2>${billChart(r)}
${tableHtml(['scenario', 'stand-in models', 'bill', 'priced', 'not served (window)', 'not priced'], billRows, [0, 1, 5])}
<h2>Request profile</h2>${tableHtml(['model', 'requests', 'input p50', 'p90', 'p99', 'output p50', 'p90', 'p99', `≥${tokens(r.largeThreshold)} input`], profileRows)}
${distributionChart(r)}
<h2>Where the money goes</h2>${cumulativeChart(r)}
${flat ? `<h2>Flat per-request pricing</h2>${flat}` : ''}
${conv.count ? `<h2>Cost per conversation</h2><p class="note">${esc(`${conv.count} conversations, ${conv.multiTurn} multi-turn${conv.multiTurn && conv.count > conv.multiTurn ? ' (listed)' : ''}; most expensive first.${listed.some((c) => priced.some((s) => c.unpriced[s.id])) ? ' (partial): some turns not priced there.' : ''}`)}</p>${tableHtml(['conversation', 'turns', 'input first → last', ...priced.map((s) => s.id)], convRows)}` : ''}
${turnRows.length > 1 ? `<h2>Multi-turn growth</h2>${tableHtml(['turn', 'requests', 'mean input', ...priced.map((s) => s.id)], turnRows)}` : ''}
${r.recycled.tokens ? `<h2>Recycled context</h2><p>${esc(`${tokens(r.recycled.tokens)} tokens resent from earlier turns (${pct(r.recycled.share)} of input). What they cost: ${priced.map((s) => `${s.id} ${usd(r.recycled.cost[s.id])}`).join(', ')}.`)}</p>` : ''}
</body></html>
`;
}
