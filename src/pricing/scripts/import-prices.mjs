#!/usr/bin/env node
/**
 * Builds src/pricing/data/prices.json (what the runtime reads) from @pydantic/genai-prices' bundled data plus the
 * hand-maintained overlay src/pricing/data/overlay.json (rows the library lacks, model annotations, corrections).
 *
 *   node src/pricing/scripts/import-prices.mjs           print a reviewable diff against src/pricing/data/prices.json
 *   node src/pricing/scripts/import-prices.mjs --write   ... and write the new file
 *
 * Why import instead of calling the library at run time: calcPrice() measured 7-48 microseconds per
 * call on this machine (6 calls per span with 5 scenarios), against a 2 microsecond per span budget,
 * and it has no per-image unit. Its data (dated prices, tiers, cache prices, aliases) is the valuable
 * part, so we take the data and keep our own small, documented math (src/pricing/README.md).
 *
 * The conversion is deliberately mechanical: `equals` matches become aliases, `starts_with` becomes
 * prefixes; time-of-day prices become UTC windows of the latest period; regex/contains/ends_with
 * matches are dropped (and counted below),
 * because the collector config generated from the same data must be able to reproduce every rule.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const genai = require('@pydantic/genai-prices');
// The package's exports map hides package.json, so read it next to the resolved entry point.
const genaiVersion = JSON.parse(
  readFileSync(join(dirname(require.resolve('@pydantic/genai-prices')), '..', 'package.json'), 'utf8'),
).version;

const overlay = JSON.parse(readFileSync(join(root, 'src/pricing/data/overlay.json'), 'utf8'));
const today = new Date().toISOString().slice(0, 10);
const dropped = { regexMatches: 0, unpricedModels: 0, ignoredUnits: {} };

// When each imported price was read: genai-prices' own per-model dates (prices_checked, else the last
// edit of the model's entry), extracted from its repository into genai-prices-dates.json beside this script (see docs/pricing.md).
// A date is used only while the price is still the one it was read for; otherwise the release date
// of the installed genai-prices version (overlay.genai_prices_releases) bounds when it was read.
const datesFile = process.env.TOKENTAX_GENAI_PRICES_DATES ?? join(root, 'src/pricing/scripts/genai-prices-dates.json');
const sourceDates = existsSync(datesFile) ? JSON.parse(readFileSync(datesFile, 'utf8')) : undefined;
const previous = existsSync(join(root, 'src/pricing/data/prices.json'))
  ? JSON.parse(readFileSync(join(root, 'src/pricing/data/prices.json'), 'utf8'))
  : undefined;
const releaseDate = overlay.genai_prices_releases?.[genaiVersion];
if (!releaseDate) throw new Error(`overlay.genai_prices_releases has no date for genai-prices ${genaiVersion}`);

/** genai-prices' "16:30:00Z" -> our "16:30" (UTC). */
const hhmm = (t) => String(t).slice(0, 5);

/** JSON with sorted keys and dates as YYYY-MM-DD, to compare a price entry across data versions. */
function canonicalJson(v) {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`)
      .join(',')}}`;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T00:00:00(\.000)?Z$/.test(v)) return JSON.stringify(v.slice(0, 10));
  return JSON.stringify(v);
}

/** The first 12 hex digits of the sha256 of a price entry's canonical JSON (genai-prices-dates.json's prices_hash). */
const pricesHash = (prices) => createHash('sha256').update(canonicalJson(prices)).digest('hex').slice(0, 12);

/** {retrieved, retrieved_basis} for a genai-prices model, or undefined when no dated source says. */
function readDate(genaiProvider, m) {
  const byProvider = sourceDates?.providers[genaiProvider] ?? sourceDates?.providers[genaiProvider.replace('-', '_')];
  const known = byProvider?.[m.id];
  if (known && known.prices_hash === pricesHash(m.prices)) {
    return known.checked
      ? { retrieved: known.checked, retrieved_basis: 'prices_checked' }
      : { retrieved: known.edited, retrieved_basis: 'source_edit' };
  }
  return undefined;
}

// genai-prices price keys -> our units. Everything else is ignored (and counted).
const TOKEN_KEYS = {
  input_mtok: 'input_mtok',
  cache_read_mtok: 'cached_input_mtok',
  cache_write_mtok: 'cache_write_mtok',
  output_mtok: 'output_mtok',
  input_audio_mtok: 'input_audio_mtok',
  output_audio_mtok: 'output_audio_mtok',
  input_image_mtok: 'input_image_mtok',
  output_image_mtok: 'output_image_mtok',
};

function matchToAliases(match, aliases, prefixes) {
  if ('or' in match) for (const m of match.or) matchToAliases(m, aliases, prefixes);
  else if ('equals' in match) aliases.add(match.equals.toLowerCase());
  else if ('starts_with' in match) prefixes.add(match.starts_with.toLowerCase());
  else dropped.regexMatches++;
}

/** One genai-prices ModelPrice -> our price period (or undefined when no unit we understand). */
function convertPrice(prices, source) {
  const out = {};
  const tiers = new Map(); // min_input_tokens -> tier prices
  for (const [key, value] of Object.entries(prices)) {
    if (value === undefined) continue;
    let unit = TOKEN_KEYS[key];
    let scale = 1;
    if (!unit && key === 'requests_kcount') {
      unit = 'per_request';
      scale = 1 / 1000;
    }
    if (!unit && (key === 'audio_hours' || key === 'input_audio_hours')) {
      unit = 'per_audio_minute';
      scale = 1 / 60;
    }
    if (!unit) {
      dropped.ignoredUnits[key] = (dropped.ignoredUnits[key] ?? 0) + 1;
      continue;
    }
    if (typeof value === 'number') {
      out[unit] = scaled(value, scale);
      continue;
    }
    out[unit] = scaled(value.base, scale);
    for (const t of value.tiers) {
      // genai-prices selects a tier when input_tokens > start; we store the inclusive minimum.
      const min = t.start + 1;
      if (!tiers.has(min)) tiers.set(min, { min_input_tokens: min });
      tiers.get(min)[unit] = scaled(t.price, scale);
    }
  }
  if (Object.keys(out).length === 0) return undefined;
  if (tiers.size) out.tiers = [...tiers.values()].sort((a, b) => a.min_input_tokens - b.min_input_tokens);
  return { ...out, ...source };
}

// Round only converted values (per hour -> per minute, per 1000 requests -> per request), to drop
// float noise such as 0.36 / 60 = 0.005999...; values taken as they are stay exact.
const scaled = (n, scale) => (scale === 1 ? n : Math.round(n * scale * 1e12) / 1e12);

function annotate(providerId, model) {
  const ids = [model.id, ...model.aliases];
  for (const rule of overlay.annotations) {
    if (rule.providers && !rule.providers.includes(providerId)) continue;
    const re = new RegExp(rule.pattern, 'i');
    if (!ids.some((id) => re.test(id))) continue;
    for (const k of ['canonical', 'class', 'tokenizer', 'open_weight'])
      if (rule[k] !== undefined && model[k] === undefined) model[k] = rule[k];
    if (model.canonical && model.class && model.tokenizer) break;
  }
  // OpenAI models keep their own id as canonical (so an Azure or OpenRouter call to gpt-4o maps to
  // OpenAI's gpt-4o in the openai scenario); OpenRouter's vendor-prefixed "openai/gpt-4o" likewise.
  if (!model.canonical) {
    if (providerId === 'openai' || providerId === 'azure.ai.openai') model.canonical = model.id.toLowerCase();
    else if (model.id.toLowerCase().startsWith('openai/'))
      model.canonical = model.id.toLowerCase().slice('openai/'.length);
  }
  if (!model.tokenizer) model.tokenizer = 'o200k';
  const facts = model.canonical ? overlay.canonical_defaults?.[model.canonical] : undefined;
  if (facts?.window !== undefined && model.window === undefined) model.window = facts.window;
  if (facts?.max_input !== undefined && model.max_input === undefined) model.max_input = facts.max_input;
}

function importProvider(id, meta) {
  const p = genai.findProvider({ providerId: meta.import });
  if (!p) throw new Error(`genai-prices has no provider ${meta.import}`);
  const url = meta.pricing_url ?? p.pricing_urls?.[0];
  const via = `@pydantic/genai-prices@${genaiVersion}`;
  const models = [];
  // A provider's list may hold models it resells elsewhere (Google's holds Vertex AI's Claude models).
  const excluded = meta.exclude ? new RegExp(meta.exclude, 'i') : undefined;
  for (const m of p.models) {
    if (excluded?.test(m.id)) continue;
    const aliases = new Set([m.id.toLowerCase()]);
    const prefixes = new Set();
    matchToAliases(m.match, aliases, prefixes);
    const periods = [];
    const list = Array.isArray(m.prices) ? m.prices : [{ prices: m.prices }];
    const source = {
      source: url,
      ...(readDate(meta.import, m) ?? { retrieved: releaseDate, retrieved_basis: 'release' }),
      via,
    };
    const windows = [];
    for (const c of list) {
      const period = convertPrice(c.prices, source);
      if (!period) continue;
      if (c.constraint?.type === 'time_of_date') {
        const { source: _s, retrieved: _r, retrieved_basis: _b, via: _v, tiers: _t, ...prices } = period;
        windows.push({ from: hhmm(c.constraint.start_time), to: hhmm(c.constraint.end_time), ...prices });
        continue;
      }
      if (c.constraint?.type === 'start_date') period.effective_from = c.constraint.start_date;
      periods.push(period);
    }
    // genai-prices' time-of-day prices carry no date: they belong with the latest period's prices.
    if (windows.length && periods.length) {
      const latest = periods.reduce((a, b) => ((b.effective_from ?? '') > (a.effective_from ?? '') ? b : a));
      latest.utc_windows = windows;
    }
    if (periods.length === 0) {
      dropped.unpricedModels++;
      continue;
    }
    const model = { id: m.id, aliases: [...aliases].sort() };
    if (prefixes.size) model.prefixes = [...prefixes].sort();
    if (m.context_window) model.window = m.context_window;
    model.prices = periods;
    models.push(model);
  }
  return models;
}

function build() {
  const providers = {};
  for (const [id, meta] of Object.entries(overlay.providers)) {
    providers[id] = {
      name: meta.name,
      pricing_url: meta.pricing_url,
      fallback: meta.fallback,
      models: meta.import ? importProvider(id, meta) : [],
    };
  }
  for (const o of overlay.overrides) {
    const m = providers[o.provider]?.models.find((x) => x.id === o.id);
    if (!m) throw new Error(`overlay override: ${o.provider}/${o.id} not found in imported data`);
    if (o.window !== undefined) m.window = o.window;
    if (o.max_input !== undefined) m.max_input = o.max_input;
    if (o.replace_prices) m.prices = o.prices;
    if (o.set_on_prices) for (const period of m.prices) Object.assign(period, o.set_on_prices);
  }
  for (const extra of overlay.models) {
    const p = providers[extra.provider];
    const { provider: _ignored, ...model } = extra;
    const aliases = new Set([model.id.toLowerCase(), ...(model.aliases ?? []).map((a) => a.toLowerCase())]);
    // Fireworks ids are used both in full and short form on spans.
    const prefix = overlay.providers[extra.provider].id_prefix;
    if (prefix && model.id.startsWith(prefix)) aliases.add(model.id.slice(prefix.length).toLowerCase());
    model.aliases = [...aliases].sort();
    const existing = p.models.findIndex((x) => x.id === model.id);
    if (existing >= 0) p.models[existing] = model;
    else p.models.push(model);
  }
  if (!sourceDates) keepPreviousDates(providers);
  for (const [id, p] of Object.entries(providers)) {
    for (const m of p.models) annotate(id, m);
    p.models.sort((a, b) => a.id.localeCompare(b.id));
  }
  return {
    $comment:
      'GENERATED by src/pricing/scripts/import-prices.mjs from @pydantic/genai-prices + src/pricing/data/overlay.json. Do not edit by hand; edit the overlay and re-run. Format: src/pricing/README.md',
    version: today,
    generated_from: { 'genai-prices': genaiVersion, overlay_retrieved: overlay.retrieved },
    provider_aliases: overlay.provider_aliases,
    providers,
  };
}

/** Without the dates file (a clone without ../shared), an unchanged price keeps the date it had. */
function keepPreviousDates(providers) {
  console.error(`no ${datesFile}: unchanged imported prices keep their dates from prices.json`);
  const strip = ({ retrieved: _r, retrieved_basis: _b, ...rest }) => canonicalJson(rest);
  for (const [pid, p] of Object.entries(providers)) {
    const before = new Map((previous?.providers?.[pid]?.models ?? []).map((m) => [m.id, m]));
    for (const m of p.models) {
      const old = before.get(m.id)?.prices ?? [];
      for (const period of m.prices) {
        if (period.retrieved_basis !== 'release') continue;
        const same = old.find((o) => strip(o) === strip(period));
        if (same) Object.assign(period, { retrieved: same.retrieved, retrieved_basis: same.retrieved_basis });
      }
    }
  }
}

function key(m) {
  return JSON.stringify({
    ...m,
    prices: m.prices.map(({ retrieved: _retrieved, retrieved_basis: _basis, ...rest }) => rest),
  });
}

function diff(oldData, newData) {
  const lines = [];
  const ids = new Set([...Object.keys(oldData?.providers ?? {}), ...Object.keys(newData.providers)]);
  for (const pid of ids) {
    const before = new Map((oldData?.providers?.[pid]?.models ?? []).map((m) => [m.id, m]));
    const after = new Map((newData.providers[pid]?.models ?? []).map((m) => [m.id, m]));
    for (const [id, m] of after) {
      const b = before.get(id);
      if (!b) lines.push(`+ ${pid}/${id} ${summary(m)}`);
      else if (key(b) !== key(m)) lines.push(`~ ${pid}/${id}\n    was ${summary(b)}\n    now ${summary(m)}`);
    }
    for (const [id, m] of before) if (!after.has(id)) lines.push(`- ${pid}/${id} ${summary(m)}`);
  }
  return lines;
}

function summary(m) {
  return (
    m.prices
      .map((p) => {
        const parts = [
          'input_mtok',
          'cached_input_mtok',
          'cache_write_mtok',
          'output_mtok',
          'per_request',
          'per_audio_minute',
        ]
          .filter((k) => p[k] !== undefined)
          .map((k) => `${k}=${p[k]}`);
        if (p.per_image) parts.push(`per_image=${JSON.stringify(p.per_image)}`);
        for (const k of ['input_audio_mtok', 'output_audio_mtok', 'input_image_mtok', 'output_image_mtok'])
          if (p[k] !== undefined) parts.push(`${k}=${p[k]}`);
        if (p.tiers) parts.push(`tiers=${JSON.stringify(p.tiers)}`);
        if (p.utc_windows) parts.push(`utc_windows=${JSON.stringify(p.utc_windows)}`);
        return `${p.effective_from ? `[from ${p.effective_from}] ` : ''}${parts.join(' ')}`;
      })
      .join(' | ') +
    (m.window ? ` window=${m.window}` : '') +
    (m.max_input ? ` max_input=${m.max_input}` : '') +
    ` tokenizer=${m.tokenizer}${m.class ? ` class=${m.class}` : ''}${m.canonical ? ` canonical=${m.canonical}` : ''}`
  );
}

const out = join(root, 'src/pricing/data/prices.json');
const next = build();
const prev = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : undefined;
const changes = diff(prev, next);
console.log(changes.length ? changes.join('\n') : 'no price changes');
const count = Object.values(next.providers).reduce((n, p) => n + p.models.length, 0);
console.error(`${count} models; dropped: ${JSON.stringify(dropped)}`);
if (process.argv.includes('--write')) {
  writeFileSync(out, JSON.stringify(next, null, 1) + '\n');
  console.error(`wrote ${out}`);
}
