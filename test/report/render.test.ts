/** The renderers show the analysed figures: terminal text and the HTML page on the fixture. */
import { describe, expect, it } from 'vitest';
import { createReport, renderHtml, renderText } from '../../src/report';
import { bar } from '../../src/report/render-text';
import { reportPricing, tempDir, writeFixture } from './helpers';

describe('renderers', async () => {
  const file = writeFixture(tempDir(), ['not json']);
  const r = await createReport([file], { pricing: reportPricing() });

  it('terminal: profile, bills with bars and the unserved request, conversations, break-even, corrupt line', () => {
    const text = renderText(r);
    expect(text).toContain('tokentax report: 8 GenAI requests from 1 input (pricing data 2000-01-01-report-test)');
    expect(text).toContain('1 corrupt line skipped');
    expect(text).toContain('line 5: invalid JSON');
    expect(text).toContain('1 duplicate span from other instrumentations skipped');
    expect(text).toMatch(/all models\s+8\s+1\.0k\s+40k\s+40k\s+50\s+500\s+500\s+25%/);
    expect(text).toMatch(/actual \(as called\)\s+big\s+\$0\.722\s+█{28}\n/); // the model called; scenarios show stand-ins
    expect(text).toMatch(/cheap\s+small-70b\s+\$0\.032\s+█▎\s+could not serve 1 request \(context window\)/);
    expect(text).toMatch(/flat\s+flat-70b\s+-\s+no published price; break-even \$0\.00457\/request/);
    expect(text).toMatch(/A\s+3\s+1\.0k -> 40k\s+\$0\.436\s+\$0\.0034\d*\*/);
    expect(text).toContain('Recycled context: 3.2k tokens resent from earlier turns (4.6% of all input tokens)');
    expect(text).toContain('break-even request price: $0.00457 (below it flat beats cheap');
  });

  it('bars are proportional, in eighths', () => {
    expect(bar(1, 1, 8)).toBe('████████');
    expect(bar(0.5, 1, 8)).toBe('████');
    expect(bar(1 / 16, 1, 8)).toBe('▌');
    expect(bar(0, 1, 8)).toBe('');
  });

  it('HTML: one page, no scripts, nothing external, the figures and the three charts', () => {
    const html = renderHtml(r);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    expect(html).toContain("default-src 'none'");
    for (const id of ['chart-bill', 'chart-distribution', 'chart-cumulative']) expect(html).toContain(`id="${id}"`);
    expect(html).toContain('$0.722');
    expect(html).toContain('Break-even request price $0.00457');
    expect(html).toContain('line 5: invalid JSON');
  });
});
