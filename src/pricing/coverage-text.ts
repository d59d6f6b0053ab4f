/** Terminal text for `tokentax prices`: a table of providers, or one provider's models. */
import type { ModelCoverage, PricingCoverage, ProviderCoverage } from './coverage';

function table(rows: string[][], rightAligned: ReadonlySet<number>): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => (rightAligned.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const days = (n: number | undefined): string => (n === undefined ? '-' : `${n} day${n === 1 ? '' : 's'}`);

function dateRange(dates: string[]): string {
  if (dates.length === 0) return '-';
  return dates.length === 1 ? dates[0] : `${dates[0]}..${dates[dates.length - 1]}`;
}

function header(c: PricingCoverage): string[] {
  const lines = [
    `tokentax pricing data ${c.version}: ${days(c.ageDays)} old on ${c.today} (stale after ${days(c.staleAfterDays)})`,
  ];
  const user = c.totals.userSupplied > 0 ? `, ${c.totals.userSupplied} from your config ${c.configFile ?? ''}` : '';
  lines.push(
    `${c.totals.priced} of ${c.totals.models} models priced on ${c.totals.providers} provider${c.totals.providers === 1 ? '' : 's'}${user.trimEnd()}`,
  );
  if (c.stale)
    lines.push(
      `STALE: the pricing data is more than ${c.staleAfterDays} days old; update tokentax or set current prices in your config (prices, requestPrices)`,
    );
  return lines;
}

function providerSources(p: ProviderCoverage): string {
  if (p.sources.length === 0) return p.fallback ? `serves ${p.fallback.join(', ')} models at their prices` : '-';
  const reason = p.priced === 0 ? p.modelList.find((m) => m.unpriced)?.unpriced : undefined;
  if (reason) return `unpriced: ${reason}`;
  if (p.sources.length === 1) return p.sources[0];
  return `${p.sources.length} sources, e.g. ${p.sources[0]}`;
}

function summary(c: PricingCoverage): string {
  const rows = [
    ['provider', 'models', 'priced', 'yours', 'retrieved', 'last checked', `older than ${c.staleAfterDays}d`, 'source'],
  ];
  for (const p of c.providers) {
    rows.push([
      p.provider,
      String(p.models),
      String(p.priced),
      String(p.userSupplied),
      dateRange(p.retrieved),
      p.ageDays === undefined ? '-' : `${days(p.ageDays)} ago${p.stale ? ' STALE' : ''}`,
      String(p.staleRows),
      providerSources(p),
    ]);
  }
  const footer = "One provider's models, prices and sources: tokentax prices --provider NAME";
  return `${[...header(c), '', table(rows, new Set([1, 2, 3, 6]))].join('\n')}\n\n${footer}\n`;
}

const money = (n: number | undefined): string => (n === undefined ? '-' : String(n));

function modelRow(m: ModelCoverage, sourceIndex: Map<string, number>): string[] {
  const other = m.units.filter((u) => u !== 'input_mtok' && u !== 'output_mtok');
  return [
    m.id,
    money(m.inputMtok),
    money(m.outputMtok),
    m.window === undefined ? '-' : String(m.window),
    m.unpriced ? `unpriced: ${m.unpriced}` : other.join(' ') || '-',
    m.retrieved ?? '-',
    m.source === undefined ? '-' : `[${sourceIndex.get(m.source)}]${m.userSupplied ? ' your config' : ''}`,
  ];
}

function providerDetail(c: PricingCoverage, p: ProviderCoverage): string {
  const lines = header(c);
  lines.push('');
  lines.push(
    `${p.provider}${p.name ? ` (${p.name})` : ''}: ${p.priced} of ${p.models} models priced, retrieved ${dateRange(p.retrieved)}${p.stale ? ' (STALE)' : ''}${p.staleRows > 0 ? `; ${p.staleRows} last checked more than ${c.staleAfterDays} days ago` : ''}`,
  );
  lines.push(
    `Base URL hosts: ${p.hosts.length > 0 ? p.hosts.join(', ') : 'none known (map yours with providerHosts)'}`,
  );
  if (p.fallback) lines.push(`Models not listed are priced as on ${p.fallback.join(', ')}.`);
  const sourceIndex = new Map(p.sources.map((s, i) => [s, i + 1]));
  if (p.modelList.length > 0) {
    lines.push('');
    const rows = [['model', 'in $/1M', 'out $/1M', 'window', 'other units', 'retrieved', 'source']];
    for (const m of p.modelList) rows.push(modelRow(m, sourceIndex));
    lines.push(table(rows, new Set([1, 2, 3])));
  }
  if (p.sources.length > 0) {
    lines.push('', 'Sources:');
    for (const [s, i] of sourceIndex) lines.push(`  [${i}] ${s}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The whole overview, or (when the coverage holds one provider) that provider's model table. */
export function renderCoverageText(c: PricingCoverage, detail: boolean): string {
  if (detail && c.providers.length === 1) return providerDetail(c, c.providers[0]);
  return summary(c);
}
