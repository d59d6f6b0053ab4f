/**
 * The HTML report in a real browser: Debian's chromium, headless, loopback only, no network
 * services. It must render, its three charts must be present and drawn, and nothing may log an
 * error or fetch anything. Without /usr/bin/chromium (a developer machine) the test says loudly
 * that it did not run; in CI (CI set) a missing chromium fails it.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createReport, renderHtml } from '../../src/report';
import { reportPricing, tempDir, writeFixture } from './helpers';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function pixelStats(page: import('playwright-core').Page, png: Buffer) {
  // Decode the screenshot in the browser itself (canvas), so no PNG library is needed.
  return page.evaluate(
    async (dataUrl) => {
      const img = new Image();
      img.src = dataUrl;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, img.width, img.height).data;
      const colors = new Set<number>();
      let nonWhite = 0;
      for (let i = 0; i < data.length; i += 4) {
        colors.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
        if (data[i] < 250 || data[i + 1] < 250 || data[i + 2] < 250) nonWhite++;
      }
      return { width: img.width, height: img.height, colors: colors.size, nonWhiteShare: nonWhite / (data.length / 4) };
    },
    `data:image/png;base64,${png.toString('base64')}`,
  );
}

describe('HTML report in headless Chromium', () => {
  it('renders with three non-empty charts, no console errors and no requests', async () => {
    if (!existsSync(CHROMIUM)) {
      const why = `${CHROMIUM} not found (install Debian's package: apt-get install -y chromium)`;
      if (process.env.CI) throw new Error(`HTML browser test cannot run in CI: ${why}`);
      console.warn(`\n*** NOT RUN: the HTML report browser test did not run: ${why} ***\n`);
      return;
    }
    const report = await createReport([writeFixture(tempDir())], {
      pricing: reportPricing({ requestPrices: { flat: { 'flat-70b': 0.003 } } }),
    });
    const file = join(tempDir(), 'report.html');
    writeFileSync(file, renderHtml(report));

    const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'tokentax-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1000, height: 800 },
    });
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      page.on(
        'console',
        (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`${m.type()}: ${m.text()}`),
      );
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });

      expect(await page.title()).toBe('tokentax report');
      for (const id of ['chart-bill', 'chart-distribution', 'chart-cumulative']) {
        const box = await page.locator(`svg#${id}`).boundingBox();
        expect(box, id).not.toBeNull();
        expect(box!.width * box!.height, id).toBeGreaterThan(10_000);
      }
      // bill: one bar per priced column, widths in proportion to the bills
      const widths = await page
        .locator('#chart-bill rect.bar')
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute('width'))));
      const bills = report.scenarios.map((s) => (s.priced ? s.bill : 0));
      expect(widths).toHaveLength(bills.length);
      expect(widths.indexOf(Math.max(...widths))).toBe(bills.indexOf(Math.max(...bills)));
      expect(await page.locator('#chart-distribution rect.bar').count()).toBe(report.sizeBins.length);
      expect(await page.locator('#chart-distribution line.breakeven').count()).toBe(1);
      expect(await page.locator('#chart-distribution line.crossing').count()).toBe(1);
      expect(await page.locator('#chart-cumulative polyline.series').count()).toBe(
        report.scenarios.filter((s) => s.priced > 0).length,
      );
      await expect(page.locator('body').innerText()).resolves.toContain('Which provider is cheapest for this traffic?');

      // Screenshots: the page and each chart have content (many colours, not blank)
      const stats = await pixelStats(page, await page.screenshot({ fullPage: true }));
      expect(stats.colors).toBeGreaterThan(20);
      expect(stats.nonWhiteShare).toBeGreaterThan(0.02);
      for (const id of ['chart-bill', 'chart-distribution', 'chart-cumulative']) {
        const chart = await pixelStats(page, await page.locator(`svg#${id}`).screenshot());
        expect(chart.colors, id).toBeGreaterThan(4);
        expect(chart.nonWhiteShare, id).toBeGreaterThan(0.01);
      }
      expect(problems).toEqual([]);
      // Only the file itself (and the screenshots' data: URLs decoded in the page).
      expect(requests.filter((u) => !u.startsWith('data:'))).toEqual([pathToFileURL(file).href]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
