/** Inline SVG charts for the HTML report: no scripts, no fonts or files from anywhere. */
import { tokens, usd } from './format';
import type { ReportData } from './report-data';
import { scenarioLabel } from './render-text';

const W = 720;
const COLORS = ['#4c6ef5', '#f08c00', '#2f9e44', '#e03131', '#7048e8', '#0c8599', '#c2255c', '#5c940d'];

export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(s)}</text>`;
}

export function billChart(r: ReportData): string {
  const rows = r.scenarios;
  const rowH = 28;
  const left = 190;
  const H = rows.length * rowH + 20;
  const max = Math.max(...rows.map((s) => s.bill), 1e-12);
  const parts = rows.map((s, i) => {
    const y = 10 + i * rowH;
    const w = s.priced ? Math.max(1, ((W - left - 120) * s.bill) / max) : 0;
    const label = s.priced ? usd(s.bill) : s.kind === 'flat' ? 'no price' : 'not priced';
    return (
      text(left - 8, y + 17, scenarioLabel(s), 'text-anchor="end"') +
      `<rect class="bar" x="${left}" y="${y + 4}" width="${w.toFixed(1)}" height="${rowH - 10}" fill="${COLORS[i % COLORS.length]}"/>` +
      text(left + w + 6, y + 17, label + (s.notServed ? ` (${s.notServed} not served)` : ''))
    );
  });
  return `<svg class="chart" id="chart-bill" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="Total bill per scenario">${parts.join('')}</svg>`;
}

interface Axis {
  x(tokens: number): number;
}

function logAxis(minT: number, maxT: number, left: number, right: number): Axis {
  const lo = Math.log10(Math.max(1, minT));
  const hi = Math.max(lo + 1, Math.log10(Math.max(1, maxT)));
  return { x: (t: number) => left + ((Math.log10(Math.max(1, t)) - lo) / (hi - lo)) * (right - left) };
}

function xTicks(axis: Axis, minT: number, maxT: number, y: number): string {
  let s = '';
  for (let t = 1; t <= maxT * 10; t *= 10) {
    if (t < minT / 10) continue;
    const x = axis.x(t);
    if (x < 40 || x > W - 10) continue;
    s +=
      `<line x1="${x.toFixed(1)}" y1="${y}" x2="${x.toFixed(1)}" y2="${y + 5}" stroke="#888"/>` +
      text(x, y + 18, tokens(t), 'text-anchor="middle"');
  }
  return s;
}

/** Histogram of input tokens; the cost per request of the break-even comparison by size; break-even line. */
export function distributionChart(r: ReportData): string {
  const bins = r.sizeBins;
  const H = 260;
  const top = 20;
  const bottom = H - 40;
  const left = 50;
  const right = W - 60;
  if (!bins.length)
    return `<svg class="chart" id="chart-distribution" viewBox="0 0 ${W} 40" width="${W}" height="40">${text(10, 25, 'no requests with token usage')}</svg>`;
  const minT = Math.max(1, bins[0].from);
  const maxT = bins[bins.length - 1].to;
  const axis = logAxis(minT, maxT, left, right);
  const maxN = Math.max(...bins.map((b) => b.requests));
  let s = `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="#888"/>`;
  for (const b of bins) {
    const x0 = axis.x(Math.max(1, b.from));
    const x1 = axis.x(b.to);
    const h = ((bottom - top) * b.requests) / maxN;
    s += `<rect class="bar" x="${x0.toFixed(1)}" y="${(bottom - h).toFixed(1)}" width="${Math.max(1, x1 - x0 - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="#91a7ff"><title>${esc(`${tokens(b.from)}-${tokens(b.to)} tokens: ${b.requests} requests`)}</title></rect>`;
  }
  s += xTicks(axis, minT, maxT, bottom) + text(left, 14, 'requests by input tokens (log scale)', 'fill="#555"');
  const flat = r.flat.find((f) => f.breakEven);
  if (flat?.breakEven) {
    const id = flat.breakEven.versus;
    const price = flat.configuredPrice ?? flat.breakEven.pricePerRequest;
    const pts = bins
      .filter((b) => b.priced[id] > 0)
      .map((b) => ({ x: axis.x(Math.sqrt(Math.max(1, b.from) * b.to)), c: b.cost[id] / b.priced[id] }));
    const maxC = Math.max(price * 1.5, ...pts.map((p) => p.c));
    const y = (c: number) => bottom - ((bottom - top) * c) / maxC;
    if (pts.length)
      s += `<polyline class="series" fill="none" stroke="#e8590c" stroke-width="2" points="${pts.map((p) => `${p.x.toFixed(1)},${y(p.c).toFixed(1)}`).join(' ')}"/>`;
    s += `<line class="breakeven" x1="${left}" y1="${y(price).toFixed(1)}" x2="${right}" y2="${y(price).toFixed(1)}" stroke="#c92a2a" stroke-dasharray="6 4"/>`;
    s += text(
      right - 4,
      y(price) - 6,
      `${flat.configuredPrice === undefined ? 'break-even' : 'configured'} ${flat.id} price ${usd(price)}/request`,
      'text-anchor="end" fill="#c92a2a"',
    );
    s +=
      text(right + 4, top + 10, `$/request`, 'fill="#e8590c"') +
      text(left + 250, 14, `line: mean cost per request on ${id}`, 'fill="#e8590c"');
    s += text(right + 4, top + 24, usd(maxC), 'fill="#e8590c"');
    // Where a request costs the flat price on the token-metered option: flat wins to the right.
    const at = flat.configuredPrice === undefined ? flat.breakEven.promptTokens : flat.winsAbovePromptTokens;
    if (typeof at === 'number') {
      const x = axis.x(at);
      s +=
        `<line class="crossing" x1="${x.toFixed(1)}" y1="${top}" x2="${x.toFixed(1)}" y2="${bottom}" stroke="#c92a2a"/>` +
        text(
          x + 4,
          top + 40,
          `${flat.id} wins above ~${tokens(at)} tokens${flat.configuredPrice === undefined ? ' at that price' : ''}`,
          'fill="#c92a2a"',
        );
    }
  }
  return `<svg class="chart" id="chart-distribution" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="Input-token distribution">${s}</svg>`;
}

/** Cumulative cost per scenario as prompt size grows: where the money goes. */
export function cumulativeChart(r: ReportData): string {
  const bins = r.sizeBins;
  const cols = r.scenarios.filter((s) => s.priced > 0);
  const H = 260;
  const top = 20;
  const bottom = H - 40;
  const left = 60;
  const right = W - 160;
  if (!bins.length || !cols.length)
    return `<svg class="chart" id="chart-cumulative" viewBox="0 0 ${W} 40" width="${W}" height="40">${text(10, 25, 'no priced requests')}</svg>`;
  const minT = Math.max(1, bins[0].from);
  const maxT = bins[bins.length - 1].to;
  const axis = logAxis(minT, maxT, left, right);
  const maxC = Math.max(...cols.map((s) => bins.reduce((sum, b) => sum + (b.cost[s.id] || 0), 0)), 1e-12);
  const y = (c: number) => bottom - ((bottom - top) * c) / maxC;
  let s =
    `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="#888"/>` + xTicks(axis, minT, maxT, bottom);
  s +=
    text(left, 14, 'cumulative cost by prompt size (input tokens, log scale)', 'fill="#555"') +
    text(left - 6, top + 4, usd(maxC), 'text-anchor="end"');
  cols.forEach((c, i) => {
    let sum = 0;
    const pts = [`${axis.x(minT).toFixed(1)},${bottom}`];
    for (const b of bins) {
      sum += b.cost[c.id] || 0;
      pts.push(`${axis.x(b.to).toFixed(1)},${y(sum).toFixed(1)}`);
    }
    const color = COLORS[r.scenarios.indexOf(c) % COLORS.length];
    s += `<polyline class="series" fill="none" stroke="${color}" stroke-width="2" points="${pts.join(' ')}"/>`;
    s +=
      `<rect x="${right + 16}" y="${top + i * 20}" width="12" height="12" fill="${color}"/>` +
      text(right + 34, top + i * 20 + 11, `${c.id} ${usd(sum)}`);
  });
  return `<svg class="chart" id="chart-cumulative" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="Cumulative cost by prompt size">${s}</svg>`;
}
