/**
 * What the pricing data covers (`tokentax prices`): providers and models priced, each price's source
 * and retrieval date, and how old the data is. A pure function of the price file (with the user's
 * prices merged in) and today's date; the renderers are in coverage-text.ts and the CLI.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PricePeriodData, PricesFile } from './types';

/** Data older than this many days (by version or by a provider's oldest retrieval) is flagged stale. */
export const DEFAULT_STALE_AFTER_DAYS = 90;

const DAY_MS = 86_400_000;
const USER_SOURCE = 'user config';

/** A rule of data/providers.json: base URLs on this host (or domain suffix, and path) are this provider. */
export interface HostRule {
  host?: string;
  suffix?: string;
  path?: string;
  provider: string;
}

export interface ModelCoverage {
  id: string;
  /** The price row in force today (the latest effective_from not after today). */
  effectiveFrom?: string;
  /** Units priced by that row, e.g. input_mtok, output_mtok, per_request, per_image. */
  units: string[];
  /** USD per 1M tokens, when the row has them. */
  inputMtok?: number;
  outputMtok?: number;
  perRequest?: number;
  window?: number;
  /** Why the model has no price today (e.g. a flat per-request price nobody published). */
  unpriced?: string;
  source?: string;
  retrieved?: string;
  /** The row comes from the user's configuration (prices / requestPrices). */
  userSupplied: boolean;
  /** Dated rows that take over later (announced price changes). */
  laterRows: number;
}

export interface ProviderCoverage {
  provider: string;
  name?: string;
  /** Providers whose models this one also serves at their prices. */
  fallback?: string[];
  /** Base URL hosts recognised as this provider ("*.x" = any sub-domain; "(yours)" = providerHosts). */
  hosts: string[];
  models: number;
  priced: number;
  userSupplied: number;
  /** Sources of the rows in force (priced or not: where a missing price was looked for). */
  sources: string[];
  /** Distinct retrieval dates of the rows in force, oldest first. */
  retrieved: string[];
  /** Days since the newest of them (when the provider's prices were last checked); undefined without rows. */
  ageDays?: number;
  /** Not checked within staleAfterDays. */
  stale: boolean;
  /** Rows in force last checked more than staleAfterDays ago (a provider may keep old, unchanged rows). */
  staleRows: number;
  modelList: ModelCoverage[];
}

export interface PricingCoverage {
  version: string;
  today: string;
  /** Days between the data's version date and today. */
  ageDays: number | undefined;
  staleAfterDays: number;
  stale: boolean;
  configFile?: string;
  providers: ProviderCoverage[];
  totals: { providers: number; models: number; priced: number; userSupplied: number };
}

export interface CoverageOptions {
  today?: Date;
  staleAfterDays?: number;
  /** Only this provider (its id or an alias); the caller checks it exists with resolveProvider. */
  provider?: string;
  configFile?: string;
  hostRules?: HostRule[];
  /** The user's providerHosts (host -> provider id or alias). */
  userHosts?: Record<string, string>;
}

/** The host rules of <dataDir>/providers.json; none when the file is absent or unreadable. */
export function readHostRules(dataDir: string): HostRule[] {
  try {
    const rules = (JSON.parse(readFileSync(join(dataDir, 'providers.json'), 'utf8')) as { hosts?: unknown }).hosts;
    return Array.isArray(rules) ? (rules as HostRule[]).filter((r) => typeof r?.provider === 'string') : [];
  } catch {
    return [];
  }
}

function hostsOf(provider: string, prices: PricesFile, options: CoverageOptions): string[] {
  const out: string[] = [];
  for (const r of options.hostRules ?? []) {
    if (r.provider !== provider) continue;
    const name = r.host ?? (r.suffix ? `*${r.suffix.startsWith('.') ? '' : '.'}${r.suffix}` : undefined);
    if (name) out.push(`${name}${r.path ?? ''}`);
  }
  for (const [host, p] of Object.entries(options.userHosts ?? {}))
    if (resolveProvider(prices, p) === provider) out.push(`${host} (yours)`);
  return out;
}

/** A provider id from an id or a provider alias (case-insensitive), or undefined. */
export function resolveProvider(prices: PricesFile, name: string): string | undefined {
  const lower = name.toLowerCase();
  if (prices.providers[lower]) return lower;
  const alias = prices.provider_aliases?.[lower];
  if (alias && prices.providers[alias]) return alias;
  return Object.keys(prices.providers).find((p) => p.toLowerCase() === lower);
}

function daysBetween(from: string, today: string): number | undefined {
  const a = Date.parse(`${from.slice(0, 10)}T00:00:00Z`);
  const b = Date.parse(`${today}T00:00:00Z`);
  return Number.isFinite(a) && Number.isFinite(b) ? Math.round((b - a) / DAY_MS) : undefined;
}

/** Price units of a row: any per-1M-token field (`*_mtok`) or per-unit field (`per_*`) with a value. */
function unitsOf(row: PricePeriodData): string[] {
  return Object.entries(row)
    .filter(([k, v]) => (k.endsWith('_mtok') || k.startsWith('per_')) && v !== null && v !== undefined)
    .map(([k]) => k);
}

function rowInForce(rows: PricePeriodData[], today: string): { row?: PricePeriodData; later: number } {
  let row: PricePeriodData | undefined;
  let later = 0;
  for (const r of rows) {
    const from = r.effective_from ?? '';
    if (from > today) later++;
    else if (!row || from >= (row.effective_from ?? '')) row = r;
  }
  return { row, later };
}

function modelCoverage(m: PricesFile['providers'][string]['models'][number], today: string): ModelCoverage {
  const { row, later } = rowInForce(m.prices, today);
  const out: ModelCoverage = { id: m.id, units: [], userSupplied: false, laterRows: later };
  if (m.window !== undefined) out.window = m.window;
  if (!row) {
    out.unpriced = later > 0 ? 'price starts later' : 'no price row';
    return out;
  }
  if (row.effective_from) out.effectiveFrom = row.effective_from;
  out.units = unitsOf(row);
  if (typeof row.input_mtok === 'number') out.inputMtok = row.input_mtok;
  if (typeof row.output_mtok === 'number') out.outputMtok = row.output_mtok;
  if (typeof row.per_request === 'number') out.perRequest = row.per_request;
  if (out.units.length === 0)
    out.unpriced = row.per_request === null ? 'flat per-request price not published (set requestPrices)' : 'no price';
  out.source = row.source;
  out.retrieved = row.retrieved;
  out.userSupplied = row.source.startsWith(USER_SOURCE);
  return out;
}

export function pricingCoverage(prices: PricesFile, options: CoverageOptions = {}): PricingCoverage {
  const today = (options.today ?? new Date()).toISOString().slice(0, 10);
  const staleAfterDays = options.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS;
  const only = options.provider !== undefined ? resolveProvider(prices, options.provider) : undefined;
  const providers: ProviderCoverage[] = [];
  for (const [provider, data] of Object.entries(prices.providers)) {
    if (options.provider !== undefined && provider !== only) continue;
    const modelList = data.models.map((m) => modelCoverage(m, today)).sort((a, b) => a.id.localeCompare(b.id));
    const priced = modelList.filter((m) => m.unpriced === undefined);
    const withRow = modelList.filter((m) => m.source !== undefined);
    // The user's rows are dated today: they say nothing about how old the shipped data is.
    const shipped = withRow.filter((m) => !m.userSupplied);
    const retrieved = [...new Set(shipped.map((m) => m.retrieved!))].sort();
    const ageDays = retrieved.length > 0 ? daysBetween(retrieved[retrieved.length - 1], today) : undefined;
    const staleRows = shipped.filter((m) => (daysBetween(m.retrieved!, today) ?? 0) > staleAfterDays).length;
    const p: ProviderCoverage = {
      provider,
      hosts: hostsOf(provider, prices, options),
      models: modelList.length,
      priced: priced.length,
      userSupplied: priced.filter((m) => m.userSupplied).length,
      sources: [...new Set(withRow.map((m) => m.source!))].sort(),
      retrieved,
      stale: ageDays !== undefined && ageDays > staleAfterDays,
      staleRows,
      modelList,
    };
    if (data.name) p.name = data.name;
    if (data.fallback?.length) p.fallback = [...data.fallback];
    if (ageDays !== undefined) p.ageDays = ageDays;
    providers.push(p);
  }
  providers.sort((a, b) => a.provider.localeCompare(b.provider));
  const ageDays = daysBetween(prices.version, today);
  const coverage: PricingCoverage = {
    version: prices.version,
    today,
    ageDays,
    staleAfterDays,
    stale: ageDays !== undefined && ageDays > staleAfterDays,
    providers,
    totals: {
      providers: providers.length,
      models: providers.reduce((n, p) => n + p.models, 0),
      priced: providers.reduce((n, p) => n + p.priced, 0),
      userSupplied: providers.reduce((n, p) => n + p.userSupplied, 0),
    },
  };
  if (options.configFile) coverage.configFile = options.configFile;
  return coverage;
}
