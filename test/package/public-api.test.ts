/**
 * The public entry points as applications load them, by package name in child processes (ESM, so
 * Node's own CommonJS named-export detection is what is exercised): a small root that loads neither
 * the report nor js-tiktoken at import, and subpath exports, each with its types.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');

function runESM(code: string): Record<string, unknown> {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
}

const loaded = `(await import('node:module')).createRequire('file://${ROOT}/').cache`;

const ROOT_EXPORTS = [
  'ConfigError',
  'OpenAIInstrumentation',
  'createTokentax',
  'getConversationId',
  'setConversationId',
  'startTokentaxSDK',
  'withConversation',
];

const SUBPATHS: Record<string, string[]> = {
  'tokentax/report': ['createReport', 'renderText', 'renderHtml', 'ReportInputError'],
  'tokentax/pricing': ['TokentaxCostProcessor', 'CostEnrichingExporter', 'createCostEngine', 'loadPricing'],
  'tokentax/semconv': ['ATTR_GEN_AI_USAGE_INPUT_TOKENS'],
  'tokentax/config': ['loadConfig', 'ConfigError', 'parseBoolean'],
  'tokentax/export': ['JsonlFileExporter', 'describeSpanDestination'],
  'tokentax/demo': ['startSimulator'],
};

describe("import 'tokentax'", () => {
  it('exports what an application needs (a dozen names at most), without loading the report, the SDK or js-tiktoken', () => {
    const got = runESM(`
      import * as t from 'tokentax';
      const cache = Object.keys(${loaded});
      const names = Object.keys(t).filter((n) => !['default', 'module.exports', '__esModule'].includes(n));
      console.log(JSON.stringify({
        names: names.sort(),
        types: names.map((n) => typeof t[n]),
        report: cache.some((k) => k.includes('/dist/report/')),
        simulator: cache.some((k) => k.includes('/dist/demo/')),
        sdkNode: cache.some((k) => k.includes('/@opentelemetry/sdk-node/')),
        tiktoken: cache.some((k) => k.includes('js-tiktoken')),
      }));`);
    expect(got.names).toEqual(ROOT_EXPORTS);
    expect(new Set(got.types as string[])).toEqual(new Set(['function']));
    expect(got).toMatchObject({ report: false, simulator: false, sdkNode: false, tiktoken: false });
  });

  it('the root declares its types: the config and SDK types are there, the report is not', () => {
    const dts = readFileSync(join(ROOT, 'dist/index.d.ts'), 'utf8');
    for (const name of ['OpenAIInstrumentationConfig', 'TokentaxOptions', 'Tokentax', 'TokentaxConfig', 'StartedSDK'])
      expect(dts).toContain(name);
    expect(dts).not.toMatch(/from '\.\/(report|pricing|semconv|demo)/);
  });

  it.each(Object.entries(SUBPATHS))(
    '%s: loads by name and declares its types in package.json "exports"',
    (path, names) => {
      const got = runESM(`
      const m = await import('${path}');
      console.log(JSON.stringify(Object.fromEntries(${JSON.stringify(names)}.map((n) => [n, typeof m[n]]))));`);
      for (const name of names) expect(got[name], name).toMatch(/^(function|string)$/);
      const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
      const entry = pkg.exports[`./${path.split('/')[1]}`];
      expect(existsSync(join(ROOT, entry.types)), entry.types).toBe(true);
      expect(existsSync(join(ROOT, entry.default)), entry.default).toBe(true);
    },
  );

  it('the subpaths work on first use: the simulator answers, the report reads spans and rejects a missing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokentax-public-api-'));
    const empty = join(dir, 'spans.jsonl');
    writeFileSync(empty, '');
    const got = runESM(`
      import { startSimulator } from 'tokentax/demo';
      import { createReport, ReportInputError } from 'tokentax/report';
      const sim = await startSimulator();
      const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      const answer = await (await fetch(sim.baseURL + '/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json();
      await sim.close();
      let missing = 'not thrown';
      try { await createReport([${JSON.stringify(join(dir, 'missing.jsonl'))}]); } catch (e) { missing = e instanceof ReportInputError ? 'ReportInputError' : String(e); }
      console.log(JSON.stringify({ object: answer.object, missing }));`);
    expect(got).toEqual({ object: 'chat.completion', missing: 'ReportInputError' });
  });

  it('examples import only the public entry points', () => {
    const allowed = new Set(['tokentax', 'tokentax/register', ...Object.keys(SUBPATHS)]);
    const dir = join(ROOT, 'examples');
    const files = [
      'basic-chat.mjs',
      'streaming.mjs',
      'agent-loop.mjs',
      'nodesdk-setup.cjs',
      'collector-setup.cjs',
      'honeycomb.cjs',
    ];
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      const specifiers = [...text.matchAll(/(?:from |require\()'(tokentax[^']*|\.[^']*)'/g)].map((m) => m[1]);
      for (const s of specifiers) expect(allowed.has(s), `${f}: ${s}`).toBe(true);
      expect(text, f).not.toContain('dist/');
    }
  });
});
