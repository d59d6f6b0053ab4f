/**
 * The HTML report in a real browser: Debian's chromium, headless, loopback only, no network
 * services. At a phone's width (390 px) and a desktop's (1280 px): nothing overflows the page, every
 * chart label lies inside its chart and overlaps no other, every cost line stays visible (the actual
 * bill drawn solid on top, the scenarios dashed beneath), wide tables scroll inside their own box.
 * Screenshots go to artifacts/screenshots/ (CI keeps them). Without /usr/bin/chromium (a developer
 * machine) the test reports itself skipped with the reason; in CI (CI set) it runs and a missing
 * chromium fails it.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReport, renderHtml, type ReportData } from '../../src/report';
import { CALLS, callAttributes, otlpLine, reportPricing, tempDir, writeFixture } from './helpers';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SCREENSHOTS = resolve(__dirname, '../../artifacts/screenshots');
const CHARTS = ['chart-bill', 'chart-distribution', 'chart-cumulative'];
const WIDTHS = [390, 1280];
const available = existsSync(CHROMIUM) || !!process.env.CI;
const why = `${CHROMIUM} not found (install Debian's package: apt-get install -y chromium)`;
if (!available) console.warn(`\n*** SKIPPED: the HTML report browser test: ${why} ***\n`);

/** Traffic on gpt-4o at openai with the shipped prices: six scenarios, and the openai one costs what the actual bill does. */
function shippedPricingFixture(): string {
  const dir = tempDir();
  const path = join(dir, 'spans.jsonl');
  const calls = CALLS.map((c, i) => ({
    ...callAttributes({ ...c, conv: c.conv ? `conversation-with-a-rather-long-key-${c.conv}` : undefined }),
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.usage.input_tokens': c.input * (1 + (i % 3)),
  }));
  writeFileSync(path, `${otlpLine(calls, 0)}\n`);
  return path;
}

async function pixelStats(page: Page, png: Buffer) {
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
      return { colors: colors.size, nonWhiteShare: nonWhite / (data.length / 4) };
    },
    `data:image/png;base64,${png.toString('base64')}`,
  );
}

/** Layout problems as a person would see them, measured from the rendered boxes. */
function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const width = window.innerWidth;
    const doc = document.documentElement.scrollWidth;
    if (doc > width) out.push(`page is ${doc}px wide in a ${width}px viewport`);
    for (const svg of Array.from(document.querySelectorAll('svg.chart'))) {
      const box = svg.getBoundingClientRect();
      if (box.right > width + 0.5) out.push(`${svg.id} ends at ${box.right}px`);
      const labels = Array.from(svg.querySelectorAll('text')).map((t) => ({
        t: t.textContent,
        r: t.getBoundingClientRect(),
      }));
      for (const { t, r } of labels) {
        if (r.width === 0) out.push(`${svg.id}: label "${t}" not drawn`);
        if (
          r.left < box.left - 0.5 ||
          r.right > box.right + 0.5 ||
          r.top < box.top - 0.5 ||
          r.bottom > box.bottom + 0.5
        )
          out.push(
            `${svg.id}: label "${t}" (${r.left.toFixed(1)}..${r.right.toFixed(1)}) outside its chart (${box.left.toFixed(1)}..${box.right.toFixed(1)})`,
          );
      }
      for (let i = 0; i < labels.length; i++)
        for (let j = i + 1; j < labels.length; j++) {
          const a = labels[i].r;
          const b = labels[j].r;
          const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (w > 0.5 && h > 0.5) out.push(`${svg.id}: labels "${labels[i].t}" and "${labels[j].t}" overlap`);
        }
    }
    for (const box of Array.from(document.querySelectorAll('.scroll'))) {
      const r = box.getBoundingClientRect();
      if (r.right > width + 0.5) out.push(`a table box ends at ${r.right}px`);
      if (getComputedStyle(box).overflowX !== 'auto') out.push('a table box does not scroll');
    }
    return out;
  });
}

describe.skipIf(!available)(`HTML report in headless Chromium${available ? '' : ` (skipped: ${why})`}`, () => {
  let context: BrowserContext;
  const reports: Array<{ name: string; report: ReportData; file: string }> = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const flat = await createReport([writeFixture(tempDir())], {
      pricing: reportPricing({ requestPrices: { flat: { 'flat-70b': 0.003 } } }),
    });
    const shipped = await createReport([shippedPricingFixture()]);
    for (const [name, report] of [
      ['flat-price', flat],
      ['shipped-prices', shipped],
    ] as const) {
      const file = join(tempDir(), `${name}.html`);
      writeFileSync(file, renderHtml(report));
      reports.push({ name, report, file });
    }
    context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'tokentax-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
    });
  }, 60_000);
  afterAll(async () => {
    await context?.close();
  });

  for (const width of WIDTHS)
    it(`at ${width} px: fits the page, labels inside their charts and apart, tables scroll in their box`, async () => {
      for (const { name, file } of reports) {
        const page = await context.newPage();
        await page.setViewportSize({ width, height: 900 });
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        const shot = join(SCREENSHOTS, `report-${name}-${width}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        expect(await layoutProblems(page), `${name} at ${width}px (${shot})`).toEqual([]);
        for (const id of CHARTS) {
          const box = await page.locator(`svg#${id}`).boundingBox();
          // Full width on a phone; on a desktop up to the figure's cap (the bill chart is narrower).
          expect(box!.width, `${name} ${id}`).toBeGreaterThan(Math.min(width * 0.85, id === 'chart-bill' ? 460 : 600));
        }
        await page.close();
      }
    }, 60_000);

  it('every cost line is visible: the actual bill solid on top, each scenario in its own dash pattern', async () => {
    const { report, file } = reports.find((r) => r.name === 'shipped-prices')!;
    const page = await context.newPage();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const lines = await page.locator('#chart-cumulative polyline.series').evaluateAll((els) =>
      els.map((e) => ({
        id: e.getAttribute('data-scenario'),
        dash: e.getAttribute('stroke-dasharray'),
        width: Number(e.getAttribute('stroke-width')),
        points: e.getAttribute('points'),
      })),
    );
    expect(lines.map((l) => l.id).sort()).toEqual(
      report.scenarios
        .filter((s) => s.priced > 0)
        .map((s) => s.id)
        .sort(),
    );
    const actual = lines[lines.length - 1];
    expect(actual).toMatchObject({ id: 'actual', dash: null }); // painted last: on top
    const scenarios = lines.slice(0, -1);
    expect(scenarios.every((l) => l.dash && l.width > actual.width)).toBe(true); // wider: shows around the actual line
    expect(new Set(scenarios.map((l) => l.dash)).size).toBe(scenarios.length);
    // The case that hid the actual line before: the scenario on the provider called costs the same.
    const same = scenarios.filter((l) => l.points === actual.points).map((l) => l.id);
    expect(same).toEqual(['openai']);
    await expect(page.locator('#chart-cumulative + figcaption').innerText()).resolves.toContain('(same as actual)');
    await page.close();
  });

  it('renders the figures: bars in proportion, break-even lines, no stray marks, no errors, no requests', async () => {
    const { report, file } = reports.find((r) => r.name === 'flat-price')!;
    const page = await context.newPage();
    await page.setViewportSize({ width: 1000, height: 800 });
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
    const widths = await page
      .locator('#chart-bill rect.bar')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('width'))));
    const bills = report.scenarios.map((s) => (s.priced ? s.bill : 0));
    expect(widths).toHaveLength(bills.length);
    expect(widths.indexOf(Math.max(...widths))).toBe(bills.indexOf(Math.max(...bills)));
    expect(await page.locator('#chart-distribution rect.bar').count()).toBe(report.sizeBins.length);
    expect(await page.locator('#chart-distribution line.breakeven').count()).toBe(1);
    expect(await page.locator('#chart-distribution line.crossing').count()).toBe(1);
    const body = await page.locator('body').innerText();
    expect(body).toContain('Which provider is cheapest for this traffic?');
    // Every mark explained: "(partial)" cells come with their note, and no bare asterisk.
    expect(body).not.toContain('*');
    if (/\$[\d.]+ \(partial\)/.test(body)) expect(body).toContain('(partial): some turns not priced there');
    for (const id of CHARTS) {
      const chart = await pixelStats(page, await page.locator(`svg#${id}`).screenshot());
      expect(chart.colors, id).toBeGreaterThan(4);
      expect(chart.nonWhiteShare, id).toBeGreaterThan(0.01);
    }
    expect(problems).toEqual([]);
    // Only the file itself (and the screenshots' data: URLs decoded in the page).
    expect(requests.filter((u) => !u.startsWith('data:'))).toEqual([pathToFileURL(file).href]);
    await page.close();
  });
});
