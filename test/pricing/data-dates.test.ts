/**
 * The shipped price data says when each price was read: genai-prices' own check date (prices_checked)
 * or last edit of the model's entry, else the release date of the genai-prices version that carries it;
 * hand-added rows carry the date they were read. Never the date the importer ran.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPricingSources } from '../../src/pricing/data';

const { prices } = readPricingSources();
const overlay = JSON.parse(readFileSync(join(__dirname, '..', '..', 'src', 'pricing', 'data', 'overlay.json'), 'utf8'));
const generatedFrom = (prices as unknown as { generated_from: { 'genai-prices': string } }).generated_from;
const release: string = overlay.genai_prices_releases[generatedFrom['genai-prices']];
const rows = Object.entries(prices.providers).flatMap(([provider, p]) =>
  p.models.flatMap((m) => m.prices.map((period) => ({ provider, id: m.id, period }))),
);

describe('retrieval dates in the shipped prices', () => {
  it('imported rows carry genai-prices dates, never the import date', () => {
    const imported = rows.filter((r) => r.period.via?.startsWith('@pydantic/genai-prices'));
    expect(imported.length).toBeGreaterThan(500);
    for (const r of imported) {
      const where = `${r.provider}/${r.id}`;
      expect(['prices_checked', 'source_edit', 'release'], where).toContain(r.period.retrieved_basis);
      expect(r.period.retrieved <= release, `${where} ${r.period.retrieved} after the release ${release}`).toBe(true);
      if (r.period.retrieved_basis === 'release') expect(r.period.retrieved, where).toBe(release);
    }
    // Most prices have a date of their own, not just the release's.
    const own = imported.filter((r) => r.period.retrieved_basis !== 'release').length;
    expect(own / imported.length).toBeGreaterThan(0.8);
  });

  it('the release date of the genai-prices version in use is known', () => {
    expect(release).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('time-of-day prices and DeepSeek', () => {
  const model = (provider: string, id: string) => prices.providers[provider].models.find((m) => m.id === id)!;

  it("genai-prices' time-of-day prices become UTC windows of the latest period", () => {
    const flash = model('deepseek', 'deepseek-v4-flash');
    const latest = flash.prices.find((p) => p.effective_from === '2026-08-17')!;
    expect(latest.utc_windows?.map((w) => `${w.from}-${w.to}`)).toEqual(['01:00-04:00', '06:00-10:00']);
    expect(flash.prices.filter((p) => p.utc_windows).length).toBe(1);
  });

  it('deepseek-chat: 128k window; off-peak windows only before 2025-09-05, one price after', () => {
    const chat = model('deepseek', 'deepseek-chat');
    expect(chat.window).toBe(128_000);
    const undated = chat.prices.find((p) => p.effective_from === undefined)!;
    expect(undated.utc_windows).toHaveLength(1);
    for (const p of chat.prices.filter((x) => x.effective_from !== undefined)) {
      expect(p.effective_from! >= '2025-09-05').toBe(true);
      expect(p.utc_windows).toBeUndefined();
    }
  });

  it('gpt-image models keep their token prices and list every per-image row they price (no default)', () => {
    for (const id of ['gpt-image-1', 'gpt-image-1.5', 'gpt-image-1-mini']) {
      const p = model('openai', id).prices.at(-1)!;
      expect(p.input_mtok, id).toBeGreaterThan(0);
      expect(Object.keys(p.per_image as object), id).not.toContain('default');
    }
    expect(Object.keys(model('openai', 'gpt-image-1').prices.at(-1)!.per_image as object)).toHaveLength(9);
  });
});
