import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEFAULT_BLOAT, loadConfig } from '../../src/config';

const dir = mkdtempSync(join(tmpdir(), 'tokentax-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

const YAML = `
scenarios: [together, oxlo, { id: groq70, provider: groq, model: llama-3.3-70b-versatile }]
requestPrices:
  oxlo:
    llama-3.3-70b: 0.0015
prices:
  - provider: together
    model: Qwen/Qwen3-32B
    inputMtok: 0.8
    outputMtok: 0.8
    effectiveFrom: 2026-01-01
    canonical: qwen-3-32b
equivalence:
  models:
    gpt-4o: qwen-3-32b
bloat:
  tokens: 50000
  utilization: 0.9
providerHosts:
  LLM.Internal.Example: vllm
`;

describe('loadConfig', () => {
  it('returns defaults without a file', () => {
    const c = loadConfig({ env: {} });
    expect(c.bloat).toEqual(DEFAULT_BLOAT);
    expect(c.scenarios).toBeUndefined();
    expect(c.prices).toEqual([]);
    expect(c.file).toBeUndefined();
  });

  it('reads a YAML file named in code', () => {
    const file = write('ok.yaml', YAML);
    const c = loadConfig({ file, env: {} });
    expect(c.file).toBe(file);
    expect(c.scenarios).toEqual([
      'together',
      'oxlo',
      { id: 'groq70', provider: 'groq', model: 'llama-3.3-70b-versatile' },
    ]);
    expect(c.requestPrices).toEqual({ oxlo: { 'llama-3.3-70b': 0.0015 } });
    expect(c.prices[0]).toMatchObject({
      provider: 'together',
      model: 'Qwen/Qwen3-32B',
      inputMtok: 0.8,
      effectiveFrom: '2026-01-01',
      canonical: 'qwen-3-32b',
    });
    expect(c.equivalence.models).toEqual({ 'gpt-4o': 'qwen-3-32b' });
    expect(c.bloat).toEqual({ ...DEFAULT_BLOAT, tokens: 50000, utilization: 0.9 });
    expect(c.providerHosts).toEqual({ 'llm.internal.example': 'vllm' });
  });

  it('reads a JSON file named by TOKENTAX_CONFIG', () => {
    const file = write('ok.json', JSON.stringify({ requestPrices: { oxlo: { 'mistral-7b': 0.0005 } } }));
    expect(loadConfig({ env: { TOKENTAX_CONFIG: file } }).requestPrices.oxlo['mistral-7b']).toBe(0.0005);
  });

  it('layers file < environment < code', () => {
    const file = write('layers.yaml', 'bloat: { tokens: 1000, utilization: 0.5, recycledRatio: 0.7 }\n');
    const c = loadConfig({
      file,
      env: { TOKENTAX_BLOAT_TOKENS: '2000', TOKENTAX_BLOAT_UTILIZATION: '0.6' },
      bloat: { utilization: 0.65 },
    });
    expect(c.bloat).toEqual({
      tokens: 2000,
      utilization: 0.65,
      recycledRatio: 0.7,
      recycledMinTokens: DEFAULT_BLOAT.recycledMinTokens,
    });
  });

  it('loads the example in src/pricing/README.md', () => {
    const doc = readFileSync(join(__dirname, '..', '..', 'src', 'pricing', 'README.md'), 'utf8');
    const yaml = /## User configuration[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)![1];
    const c = loadConfig({ file: write('doc.yaml', yaml), env: {} });
    expect(c.requestPrices.oxlo['llama-3.3-70b']).toBe(0.0015);
    expect(c.scenarios).toHaveLength(6);
  });

  describe('fails fast naming the file, the field and what was expected', () => {
    const fails = (fn: () => unknown, ...parts: string[]): void => {
      let error: unknown;
      try {
        fn();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      for (const p of parts) expect((error as Error).message).toContain(p);
    };

    it('negative threshold', () => {
      const file = write('neg.yaml', 'bloat:\n  tokens: -5\n');
      fails(() => loadConfig({ file, env: {} }), file, 'bloat.tokens', 'a finite number >= 0', '-5');
    });
    it('non-number threshold', () => {
      const file = write('str.yaml', 'bloat:\n  utilization: high\n');
      fails(() => loadConfig({ file, env: {} }), file, 'bloat.utilization', 'a finite number', '"high"');
    });
    it('ratio above 1', () => {
      const file = write('ratio.json', '{"bloat":{"recycledRatio":1.5}}');
      fails(() => loadConfig({ file, env: {} }), file, 'bloat.recycledRatio', 'from 0 to 1');
    });
    it('NaN threshold in code', () => {
      fails(() => loadConfig({ env: {}, bloat: { tokens: NaN } }), 'options', 'bloat.tokens', 'NaN');
    });
    it('a negative price deep in a list', () => {
      const file = write('price.yaml', 'prices:\n  - provider: together\n    model: x\n    outputMtok: -1\n');
      fails(() => loadConfig({ file, env: {} }), file, 'prices[0].outputMtok', '>= 0');
    });
    it('a request price that is not a number', () => {
      const file = write('req.yaml', 'requestPrices:\n  oxlo:\n    llama-3.3-70b: cheap\n');
      fails(() => loadConfig({ file, env: {} }), file, 'requestPrices.oxlo.llama-3.3-70b', 'a finite number');
    });
    it('an unknown field (typo)', () => {
      const file = write('typo.yaml', 'scenarioz: [together]\n');
      fails(() => loadConfig({ file, env: {} }), file, 'scenarioz', 'one of scenarios');
    });
    it('a scenario id that cannot be part of an attribute name', () => {
      const file = write('id.yaml', 'scenarios:\n  - { id: "my scenario", provider: together }\n');
      fails(() => loadConfig({ file, env: {} }), file, 'scenarios[0].id');
    });
    it('a bad date', () => {
      const file = write(
        'date.yaml',
        'prices:\n  - { provider: together, model: x, inputMtok: 1, effectiveFrom: "soon" }\n',
      );
      fails(() => loadConfig({ file, env: {} }), file, 'prices[0].effectiveFrom', 'YYYY-MM-DD');
    });
    it('invalid YAML', () => {
      const file = write('bad.yaml', 'bloat: [unclosed\n');
      fails(() => loadConfig({ file, env: {} }), file, 'valid YAML');
    });
    it('invalid JSON', () => {
      const file = write('bad.json', '{ "bloat": ');
      fails(() => loadConfig({ file, env: {} }), file, 'valid JSON');
    });
    it('a missing file', () => {
      fails(() => loadConfig({ file: join(dir, 'absent.yaml'), env: {} }), 'absent.yaml', 'a readable file', 'ENOENT');
    });
    it('a top level that is not an object', () => {
      const file = write('list.yaml', '- 1\n- 2\n');
      fails(() => loadConfig({ file, env: {} }), file, '(root)', 'an object');
    });
  });
});
