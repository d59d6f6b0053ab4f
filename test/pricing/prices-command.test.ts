/**
 * `tokentax prices`: what the pricing data covers, from whom, as of when, and how old it is.
 * pricingCoverage on a small hand-made price file (fixed dates), then the built CLI on the shipped data.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pricingCoverage, resolveProvider, type PricingCoverage } from '../../src/pricing/coverage';
import { mergeUserPrices } from '../../src/pricing/data';
import type { PricesFile } from '../../src/pricing/types';

const FILE: PricesFile = {
  version: '2026-01-10',
  provider_aliases: { acme_ai: 'acme' },
  providers: {
    acme: {
      name: 'Acme',
      models: [
        {
          id: 'big',
          aliases: ['big'],
          tokenizer: 'o200k',
          window: 100_000,
          prices: [
            { input_mtok: 4, output_mtok: 8, source: 'https://acme.test/old', retrieved: '2025-06-01' },
            {
              effective_from: '2026-01-01',
              input_mtok: 2,
              cached_input_mtok: 1,
              output_mtok: 6,
              source: 'https://acme.test/pricing',
              retrieved: '2026-01-05',
            },
            {
              effective_from: '2026-03-01',
              input_mtok: 1,
              output_mtok: 3,
              source: 'https://acme.test/pricing',
              retrieved: '2026-01-05',
            },
          ],
        },
        {
          id: 'draw',
          aliases: ['draw'],
          tokenizer: 'o200k',
          prices: [
            { per_image: { 'high/1024x1024': 0.2 }, source: 'https://acme.test/images', retrieved: '2025-12-01' },
          ],
        },
      ],
    },
    flat: {
      models: [
        {
          id: 'm',
          aliases: ['m'],
          tokenizer: 'o200k',
          prices: [{ per_request: null, source: 'https://flat.test', retrieved: '2025-11-01' }],
        },
      ],
    },
    mirror: { fallback: ['acme'], models: [] },
  },
};

const at = (date: string) => new Date(`${date}T12:00:00Z`);
const provider = (c: PricingCoverage, id: string) => c.providers.find((p) => p.provider === id)!;

describe('pricingCoverage', () => {
  it('takes the row in force today and counts the announced later rows', () => {
    const big = provider(pricingCoverage(FILE, { today: at('2026-02-01') }), 'acme').modelList.find(
      (m) => m.id === 'big',
    )!;
    expect(big).toMatchObject({
      inputMtok: 2,
      outputMtok: 6,
      effectiveFrom: '2026-01-01',
      retrieved: '2026-01-05',
      source: 'https://acme.test/pricing',
      laterRows: 1,
      window: 100_000,
      userSupplied: false,
    });
    expect(big.units).toEqual(['input_mtok', 'cached_input_mtok', 'output_mtok']);
    const later = provider(pricingCoverage(FILE, { today: at('2026-03-02') }), 'acme').modelList[0];
    expect(later).toMatchObject({ inputMtok: 1, laterRows: 0 });
  });

  it('counts the age in days from the version date, and per provider since its last check', () => {
    const c = pricingCoverage(FILE, { today: at('2026-02-09'), staleAfterDays: 30 });
    expect(c.ageDays).toBe(30);
    expect(c.stale).toBe(false); // stale only past the limit
    expect(pricingCoverage(FILE, { today: at('2026-02-10'), staleAfterDays: 30 }).stale).toBe(true);
    const acme = provider(c, 'acme');
    expect(acme.retrieved).toEqual(['2025-12-01', '2026-01-05']);
    expect(acme.ageDays).toBe(35); // last checked 2026-01-05
    expect(acme.stale).toBe(true);
    expect(acme.staleRows).toBe(2); // 35 and 70 days > 30
    const lenient = provider(pricingCoverage(FILE, { today: at('2026-02-09'), staleAfterDays: 40 }), 'acme');
    expect([lenient.stale, lenient.staleRows]).toEqual([false, 1]); // only the 70-day-old image row
    expect(acme.sources).toEqual(['https://acme.test/images', 'https://acme.test/pricing']);
  });

  it('lists the base URL hosts of each provider, the user mapped ones marked', () => {
    const c = pricingCoverage(FILE, {
      hostRules: [
        { host: 'api.acme.test', provider: 'acme' },
        { suffix: '.acme-cloud.test', path: '/v2', provider: 'acme' },
        { host: 'flat.test', provider: 'flat' },
      ],
      userHosts: { 'llm.corp.internal': 'acme_ai' },
    });
    expect(provider(c, 'acme').hosts).toEqual(['api.acme.test', '*.acme-cloud.test/v2', 'llm.corp.internal (yours)']);
    expect(provider(c, 'mirror').hosts).toEqual([]);
  });

  it('says why a model is unpriced, and counts priced models per provider and in total', () => {
    const c = pricingCoverage(FILE, { today: at('2026-02-01') });
    const flat = provider(c, 'flat');
    expect(flat).toMatchObject({ models: 1, priced: 0 });
    expect(flat.modelList[0].unpriced).toMatch(/per-request price not published/);
    expect(provider(c, 'acme')).toMatchObject({ models: 2, priced: 2 });
    expect(provider(c, 'acme').modelList.find((m) => m.id === 'draw')!.units).toEqual(['per_image']);
    expect(provider(c, 'mirror')).toMatchObject({ models: 0, priced: 0, fallback: ['acme'] });
    expect(c.totals).toEqual({ providers: 3, models: 3, priced: 2, userSupplied: 0 });
  });

  it('marks the user config rows and leaves them out of the data age', () => {
    const merged = mergeUserPrices(FILE, {
      file: 'cfg.yaml',
      requestPrices: { flat: { m: 0.003 } },
      prices: [{ provider: 'acme', model: 'tuned', inputMtok: 9, outputMtok: 9 }],
    });
    expect(FILE.providers.acme.models).toHaveLength(2); // the shipped data is not changed
    const c = pricingCoverage(merged, { today: at('2026-02-01'), configFile: 'cfg.yaml' });
    const flat = provider(c, 'flat');
    expect(flat).toMatchObject({ priced: 1, userSupplied: 1, retrieved: [] });
    expect(flat.ageDays).toBeUndefined();
    expect(flat.modelList[0]).toMatchObject({ perRequest: 0.003, userSupplied: true, source: 'user config cfg.yaml' });
    expect(provider(c, 'acme')).toMatchObject({ models: 3, priced: 3, userSupplied: 1 });
    expect(provider(c, 'acme').retrieved).toEqual(['2025-12-01', '2026-01-05']);
    expect(c.totals.userSupplied).toBe(2);
  });

  it('finds a provider by id or alias, in any case, and keeps only that one', () => {
    expect(resolveProvider(FILE, 'ACME_AI')).toBe('acme');
    expect(resolveProvider(FILE, 'nope')).toBeUndefined();
    expect(pricingCoverage(FILE, { provider: 'acme_ai' }).providers.map((p) => p.provider)).toEqual(['acme']);
  });
});

const CLI = resolve(__dirname, '../../dist/cli.js');
const SHIPPED = JSON.parse(
  readFileSync(resolve(__dirname, '../../src/pricing/data/prices.json'), 'utf8'),
) as PricesFile;

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH }, timeout: 60_000 },
      (error, stdout, stderr) => {
        done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

describe('tokentax prices (the built CLI)', () => {
  const today = new Date().toISOString().slice(0, 10);
  const age = Math.round((Date.parse(today) - Date.parse(SHIPPED.version)) / 86_400_000);

  it('lists every provider of the shipped data with its model count and the data age', async () => {
    const r = await run(['prices']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`tokentax pricing data ${SHIPPED.version}: ${age} day${age === 1 ? '' : 's'} old`);
    for (const [id, p] of Object.entries(SHIPPED.providers))
      expect(r.stdout).toMatch(new RegExp(`^${id.replace(/\./g, '\\.')}\\s+${p.models.length}\\s`, 'm'));
  });

  it('--json gives each model the source and date of its row in force', async () => {
    const r = await run(['prices', '--provider', 'openai', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout) as PricingCoverage;
    expect(c.version).toBe(SHIPPED.version);
    expect(c.ageDays).toBe(age);
    expect(c.providers.map((p) => p.provider)).toEqual(['openai']);
    const shipped = SHIPPED.providers.openai.models;
    expect(c.providers[0].modelList.map((m) => m.id).sort()).toEqual(shipped.map((m) => m.id).sort());
    for (const m of c.providers[0].modelList) {
      const rows = shipped.find((s) => s.id === m.id)!.prices.filter((p) => (p.effective_from ?? '') <= today);
      const row = rows.reduce((a, b) => ((b.effective_from ?? '') >= (a.effective_from ?? '') ? b : a));
      expect([m.id, m.source, m.retrieved]).toEqual([m.id, row.source, row.retrieved]);
    }
  });

  it('flags stale data past --stale-after days', async () => {
    const lenient = JSON.parse((await run(['prices', '--json', '--stale-after', String(age)])).stdout);
    expect(lenient.stale).toBe(false);
    const strict = await run(['prices', '--stale-after', '0']);
    expect(strict.stdout.includes('STALE: the pricing data is more than 0 days old')).toBe(age > 0);
  });

  it('shows prices from --config as the user config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokentax-prices-'));
    const cfg = join(dir, 'cfg.yaml');
    writeFileSync(
      cfg,
      'requestPrices:\n  oxlo:\n    llama-3.3-70b: 0.002\nproviderHosts:\n  llm.corp.internal: oxlo\n',
    );
    const r = await run(['prices', '--provider', 'oxlo', '--config', cfg]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^llama-3\.3-70b\s.*per_request\s.*your config$/m);
    expect(r.stdout).toContain(`user config ${cfg}`);
    expect(r.stdout).toContain(`1 from your config ${cfg}`);
    expect(r.stdout).toMatch(/^Base URL hosts: .*llm\.corp\.internal \(yours\)$/m);
  });

  it('answers bad input with one line and a non-zero exit', async () => {
    const unknown = await run(['prices', '--provider', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toContain("no provider 'nope' in the pricing data; known: ");
    const bad = await run(['prices', '--stale-after', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--stale-after needs a whole number of days');
    const help = await run(['--help']);
    expect(help.stdout).toMatch(/^ {2}prices\s/m);
  });
});
