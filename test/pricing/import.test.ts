import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { readPricingSources } from '../../src/pricing/data';

const root = join(__dirname, '..', '..');

describe('src/pricing/data/prices.json is what the importer produces', () => {
  it('re-running src/pricing/scripts/import-prices.mjs shows no price changes (overlay and data in step)', () => {
    const out = execFileSync(process.execPath, [join(root, 'src', 'pricing', 'scripts', 'import-prices.mjs')], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out.trim()).toBe('no price changes');
  });

  it('has a calibrated tokenizer ratio for every tokenizer family the data uses', () => {
    const { prices, ratios } = readPricingSources();
    const used = new Set(Object.values(prices.providers).flatMap((p) => p.models.map((m) => m.tokenizer)));
    for (const family of used) expect(ratios.families[family], family).toBeGreaterThan(0);
    expect(ratios.families[ratios.reference]).toBe(1);
  });
});
