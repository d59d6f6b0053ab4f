/**
 * Inline SVG charts for the HTML report: no scripts, no fonts or files from anywhere. Each chart is a
 * <figure>: an SVG that scales with the page (viewBox only, no fixed size) holding the plot and its
 * axis labels, and an HTML legend below it that wraps on a narrow screen. Label widths are estimated
 * so every label is placed inside the drawing (checked in Chromium by test/report/html-browser.test.ts).
 */
import { tokens, usd } from './format';
import type { ReportData, ScenarioBill } from './report-data';
import { scenarioLabel } from './render-text';
import { ACTUAL as ACTUAL_ID } from './span-costs';

/** Drawing width; the page scales it (a phone to ~0.6, a desktop up to the figure's max width). */
export const W = 560;
/** The bill chart is short text and bars: drawn narrower, so its labels stay legible on a phone. */
const BILL_W = 420;
const FONT = 13;
/** A generous average glyph width for system-ui at FONT px: estimates err on the wide side. */
const CHAR = FONT * 0.62;
const COLORS = ['#4c6ef5', '#f08c00', '#2f9e44', '#e03131', '#7048e8', '#0c8599', '#c2255c', '#5c940d'];
/** Stroke patterns for the series after the actual one (drawn solid, on top): coinciding lines stay visible. */
const DASHES = ['8 4', '2 3', '12 4 2 4', '4 4', '1 5', '16 6'];

export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const textWidth = (s: string): number => s.length * CHAR;
const f1 = (n: number): string => n.toFixed(1);

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${f1(x)}" y="${f1(y)}" ${attrs}>${esc(s)}</text>`;
}

function figure(id: string, label: string, height: number, body: string, legend = '', width = W): string {
  return (
    `<figure class="chart-box${width < W ? ' narrow' : ''}"><svg class="chart" id="${id}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(label)}">` +
    `${body}</svg>${legend ? `<figcaption class="legend">${legend}</figcaption>` : ''}</figure>`
  );
}

/** A legend entry: a short sample of the series' stroke, then its text. */
function key(color: string, text: string, dash = '', width = 2): string {
  const line = `<line x1="1" y1="6" x2="27" y2="6" stroke="${color}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;
  return `<span class="key"><svg width="28" height="12" aria-hidden="true">${line}</svg>${esc(text)}</span>`;
}

const shorten = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export function billChart(r: ReportData): string {
  const rows = r.scenarios;
  const rowH = 26;
  const H = rows.length * rowH + 8;
  const names = rows.map((s) => shorten(scenarioLabel(s), 24));
  // Requests a scenario could not serve are in the table below the chart.
  const values = rows.map((s) => (s.priced ? usd(s.bill) : s.kind === 'flat' ? 'no price' : 'not priced'));
  const left = Math.ceil(Math.max(...names.map(textWidth))) + 10;
  const room = BILL_W - left - Math.ceil(Math.max(...values.map(textWidth))) - 10;
  const max = Math.max(...rows.map((s) => s.bill), 1e-12);
  const parts = rows.map((s, i) => {
    const y = 4 + i * rowH;
    const w = s.priced ? Math.max(1, (room * s.bill) / max) : 0;
    return (
      text(left - 6, y + 17, names[i], 'text-anchor="end"') +
      `<rect class="bar" x="${left}" y="${y + 5}" width="${f1(w)}" height="${rowH - 10}" fill="${COLORS[i % COLORS.length]}"><title>${esc(scenarioLabel(s))}</title></rect>` +
      text(left + w + 5, y + 17, values[i])
    );
  });
  return figure('chart-bill', 'Total bill per scenario', H, parts.join(''), '', BILL_W);
}

interface Axis {
  x(tokens: number): number;
}

function logAxis(minT: number, maxT: number, left: number, right: number): Axis {
  const lo = Math.log10(Math.max(1, minT));
  const hi = Math.max(lo + 1, Math.log10(Math.max(1, maxT)));
  return { x: (t: number) => left + ((Math.log10(Math.max(1, t)) - lo) / (hi - lo)) * (right - left) };
}

/** Powers of ten along the axis; a tick whose label would leave the drawing is left out. */
function xTicks(axis: Axis, minT: number, maxT: number, y: number): string {
  let s = `<g class="ticks">`;
  for (let t = 1; t <= maxT * 10; t *= 10) {
    if (t < minT / 10) continue;
    const x = axis.x(t);
    const half = textWidth(tokens(t)) / 2;
    if (x - half < 2 || x + half > W - 2) continue;
    s +=
      `<line x1="${f1(x)}" y1="${y}" x2="${f1(x)}" y2="${y + 5}" stroke="#888"/>` +
      text(x, y + 18, tokens(t), 'text-anchor="middle"');
  }
  return `${s}</g>`;
}

function emptyChart(id: string, message: string): string {
  return figure(id, message, 30, text(4, 20, message));
}

/** Histogram of input tokens; the cost per request of the break-even comparison by size; break-even line. */
export function distributionChart(r: ReportData): string {
  const bins = r.sizeBins;
  if (!bins.length) return emptyChart('chart-distribution', 'no requests with token usage');
  const flat = r.flat.find((f) => f.breakEven);
  const maxN = Math.max(...bins.map((b) => b.requests));
  const versus = flat?.breakEven?.versus;
  const price = flat ? (flat.configuredPrice ?? flat.breakEven!.pricePerRequest) : 0;
  const costPoints = versus ? bins.filter((b) => b.priced[versus] > 0) : [];
  const maxC = Math.max(price * 1.5, ...costPoints.map((b) => b.cost[versus!] / b.priced[versus!]));
  const H = 220;
  const top = 10;
  const bottom = H - 26;
  const left = Math.ceil(textWidth(String(maxN))) + 10;
  const right = W - (flat ? Math.ceil(textWidth(usd(maxC))) + 10 : 12);
  const minT = Math.max(1, bins[0].from);
  const axis = logAxis(minT, bins[bins.length - 1].to, left, right);
  let s =
    `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="#888"/>` +
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#ccc"/>` +
    text(left - 5, top + 9, String(maxN), 'text-anchor="end" fill="#3b5bdb"') +
    text(left - 5, bottom, '0', 'text-anchor="end" fill="#3b5bdb"');
  for (const b of bins) {
    const x0 = axis.x(Math.max(1, b.from));
    const h = ((bottom - top) * b.requests) / maxN;
    s += `<rect class="bar" x="${f1(x0)}" y="${f1(bottom - h)}" width="${f1(Math.max(1, axis.x(b.to) - x0 - 1))}" height="${f1(h)}" fill="#91a7ff"><title>${esc(`${tokens(b.from)}-${tokens(b.to)} tokens: ${b.requests} requests`)}</title></rect>`;
  }
  s += xTicks(axis, minT, bins[bins.length - 1].to, bottom);
  const legend = [key('#91a7ff', 'requests by input tokens (bars, left scale; tokens on a log scale)', '', 8)];
  if (flat?.breakEven && versus) {
    const y = (c: number) => bottom - ((bottom - top) * c) / maxC;
    const pts = costPoints.map(
      (b) => `${f1(axis.x(Math.sqrt(Math.max(1, b.from) * b.to)))},${f1(y(b.cost[versus] / b.priced[versus]))}`,
    );
    if (pts.length)
      s += `<polyline class="series" fill="none" stroke="#e8590c" stroke-width="2" points="${pts.join(' ')}"/>`;
    s += `<line class="breakeven" x1="${left}" y1="${f1(y(price))}" x2="${right}" y2="${f1(y(price))}" stroke="#c92a2a" stroke-dasharray="6 4"/>`;
    s +=
      `<line x1="${right}" y1="${top}" x2="${right}" y2="${bottom}" stroke="#ccc"/>` +
      text(right + 5, top + 9, usd(maxC), 'fill="#e8590c"') +
      text(right + 5, bottom, '$0', 'fill="#e8590c"');
    legend.push(key('#e8590c', `mean cost per request on ${versus} (right scale)`));
    legend.push(
      key(
        '#c92a2a',
        `${flat.configuredPrice === undefined ? 'break-even' : 'configured'} ${flat.id} price ${usd(price)}/request`,
        '6 4',
      ),
    );
    // Where a request costs the flat price on the token-metered option: flat wins to the right.
    const at = flat.configuredPrice === undefined ? flat.breakEven.promptTokens : flat.winsAbovePromptTokens;
    if (typeof at === 'number') {
      const x = f1(axis.x(at));
      s += `<line class="crossing" x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" stroke="#c92a2a" stroke-width="1.5"/>`;
      legend.push(
        key(
          '#c92a2a',
          `${flat.id} wins above ~${tokens(at)} input tokens${flat.configuredPrice === undefined ? ' at that price' : ''} (vertical line)`,
          '',
          1.5,
        ),
      );
    }
  }
  return figure('chart-distribution', 'Input-token distribution', H, s, legend.join(''));
}

/** Cumulative cost per scenario as prompt size grows: where the money goes. */
export function cumulativeChart(r: ReportData): string {
  const bins = r.sizeBins;
  const cols = r.scenarios.filter((s) => s.priced > 0);
  if (!bins.length || !cols.length) return emptyChart('chart-cumulative', 'no priced requests');
  const totals = (c: ScenarioBill): number[] => {
    let sum = 0;
    return bins.map((b) => (sum += b.cost[c.id] || 0));
  };
  const series = cols.map((c) => ({ c, sums: totals(c), color: COLORS[r.scenarios.indexOf(c) % COLORS.length] }));
  const maxC = Math.max(...series.map((x) => x.sums[x.sums.length - 1]), 1e-12);
  const H = 220;
  const top = 10;
  const bottom = H - 26;
  const left = Math.ceil(textWidth(usd(maxC))) + 10;
  const right = W - 14;
  const minT = Math.max(1, bins[0].from);
  const axis = logAxis(minT, bins[bins.length - 1].to, left, right);
  const y = (c: number) => bottom - ((bottom - top) * c) / maxC;
  let s =
    `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="#888"/>` +
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#ccc"/>` +
    xTicks(axis, minT, bins[bins.length - 1].to, bottom) +
    text(left - 5, top + 9, usd(maxC), 'text-anchor="end"') +
    text(left - 5, bottom, '$0', 'text-anchor="end"');
  // The actual bill is drawn last, solid and on top; the scenarios wider and dashed beneath it, so a
  // scenario that costs the same (the provider actually called) shows around it.
  const ordered = [...series.filter((x) => x.c.id !== ACTUAL_ID), ...series.filter((x) => x.c.id === ACTUAL_ID)];
  const legend: string[] = [];
  let dash = 0;
  for (const x of ordered) {
    const isActual = x.c.id === ACTUAL_ID;
    const pattern = isActual ? '' : DASHES[dash++ % DASHES.length];
    const width = isActual ? 2 : 3.5;
    const pts = [`${f1(axis.x(minT))},${bottom}`, ...bins.map((b, i) => `${f1(axis.x(b.to))},${f1(y(x.sums[i]))}`)];
    s += `<polyline class="series" data-scenario="${esc(x.c.id)}" fill="none" stroke="${x.color}" stroke-width="${width}"${pattern ? ` stroke-dasharray="${pattern}"` : ''} points="${pts.join(' ')}"/>`;
    const same = series.find(
      (o) => o !== x && o.c.id === ACTUAL_ID && o.sums.every((v, i) => Math.abs(v - x.sums[i]) <= 1e-12),
    );
    legend.push(
      key(
        x.color,
        `${scenarioLabel(x.c)} ${usd(x.sums[x.sums.length - 1])}${same ? ' (same as actual)' : ''}`,
        pattern,
        width,
      ),
    );
  }
  // Legend in the scenarios' own order (actual first), as in the tables.
  const order = ordered.map((x) => series.indexOf(x));
  const byScenario = series.map((_, i) => legend[order.indexOf(i)]);
  return figure(
    'chart-cumulative',
    'Cumulative cost by prompt size',
    H,
    s,
    `<span class="key-title">cumulative cost by prompt size (input tokens, log scale):</span>${byScenario.join('')}`,
  );
}
