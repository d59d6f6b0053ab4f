/**
 * The public entry point as applications load it: `import 'tokentax'` in a child process (ESM, by
 * package name, so Node's own CommonJS named-export detection is what is exercised). The report and
 * the demo simulator load on first use, not at import, and still behave as before when called.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');

function runESM(code: string): Record<string, unknown> {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
}

const loaded = `(await import('node:module')).createRequire('file://${ROOT}/').cache`;

describe("import 'tokentax'", () => {
  it('exports the public API by name, without loading the report or the demo simulator', () => {
    const got = runESM(`
      import * as t from 'tokentax';
      const cache = Object.keys(${loaded});
      const names = ['createTokentax', 'OpenAIInstrumentation', 'withConversation', 'createReport', 'renderText', 'renderHtml',
        'startSimulator', 'ReportInputError', 'JsonlFileExporter', 'TokentaxCostProcessor', 'startTokentaxSDK'];
      console.log(JSON.stringify({
        types: Object.fromEntries(names.map((n) => [n, typeof t[n]])),
        report: cache.some((k) => k.endsWith('/dist/report/index.js')),
        simulator: cache.some((k) => k.endsWith('/dist/demo/simulator.js')),
        tiktoken: cache.some((k) => k.includes('js-tiktoken')),
      }));`);
    expect(Object.values(got.types as Record<string, string>).every((type) => type === 'function')).toBe(true);
    expect(got).toMatchObject({ report: false, simulator: false, tiktoken: false });
  });

  it('loads them on first use: the simulator answers, and the report reads spans and rejects a missing file with ReportInputError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokentax-public-api-'));
    const empty = join(dir, 'spans.jsonl');
    writeFileSync(empty, '');
    const got = runESM(`
      import { startSimulator, createReport, renderText, ReportInputError } from 'tokentax';
      const sim = await startSimulator();
      const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      const answer = await (await fetch(sim.baseURL + '/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json();
      await sim.close();
      const report = await createReport([${JSON.stringify(empty)}]);
      const text = renderText(report);
      let missing = 'not thrown';
      try { await createReport([${JSON.stringify(join(dir, 'missing.jsonl'))}]); } catch (e) { missing = e instanceof ReportInputError ? 'ReportInputError' : String(e); }
      console.log(JSON.stringify({ object: answer.object, text: typeof text === 'string' && text.length > 0, missing }));`);
    expect(got).toEqual({ object: 'chat.completion', text: true, missing: 'ReportInputError' });
  });
});
