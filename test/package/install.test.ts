/**
 * The package as a user gets it: `npm pack` of this tree, the tarball unpacked into a scratch app's
 * node_modules next to the real `openai` and only the dependencies package.json declares (linked
 * from this repository's node_modules: no network), run with `--import tokentax/register` and the
 * file exporter, and the cost read back with the packed `tokentax report`.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/demo/simulator';

const ROOT = resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

const APP = `
import OpenAI from 'openai';
const client = new OpenAI({ apiKey: 'sk-scratch-SECRET', baseURL: process.env.SIM_URL, maxRetries: 0 });
const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
console.log('tokens', r.usage.total_tokens);
`;

describe('npm pack, installed into a scratch app', () => {
  let sim: Simulator;
  let app: string;
  let files: string[];
  let dir: string;

  beforeAll(async () => {
    sim = await startSimulator();
    dir = mkdtempSync(join(tmpdir(), 'tokentax-pack-'));
    // --ignore-scripts: pack the dist/ this test run built (the prepare script would rebuild it in place).
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    ) as Array<{ filename: string; files: Array<{ path: string }> }>;
    files = packed.files.map((f) => f.path);
    app = join(dir, 'app');
    const modules = join(app, 'node_modules');
    mkdirSync(modules, { recursive: true });
    execFileSync('tar', ['xzf', join(dir, packed.filename), '-C', modules]);
    renameSync(join(modules, 'package'), join(modules, 'tokentax'));
    const link = (name: string) => {
      mkdirSync(dirname(join(modules, name)), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', name), join(modules, name), 'dir');
    };
    for (const name of [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies), 'openai']) link(name);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
    writeFileSync(join(app, 'app.mjs'), APP);
  }, 120_000);
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ships dist, the pricing data and the docs, and no test binaries or sources', () => {
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/register.js');
    expect(files).toContain('src/pricing/data/prices.json');
    expect(files).toContain('collector/config.yaml');
    expect(files.filter((f) => /\.test$|\.test\.ts$|^src\/.*\.ts$|^test\//.test(f))).toEqual([]);
  });

  it('--import tokentax/register + TOKENTAX_SPANS_FILE, then `tokentax report` reads the cost back', async () => {
    const spans = join(app, 'spans.jsonl');
    // The simulator on 127.0.0.1 plays api.openai.com: a config file prices it as OpenAI's.
    const config = join(app, 'tokentax.yaml');
    writeFileSync(config, 'providerHosts: { 127.0.0.1: openai }\n');
    // Asynchronously: the simulator answers from this process.
    const { stdout: out, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tokentax/register', 'app.mjs'],
      {
        cwd: app,
        env: {
          PATH: process.env.PATH!,
          HOME: app,
          SIM_URL: sim.baseURL,
          TOKENTAX_SPANS_FILE: spans,
          TOKENTAX_CONFIG: config,
        },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(stderr).toBe('');
    expect(out).toMatch(/^tokens \d+\n$/);
    const line = readFileSync(spans, 'utf8');
    expect(line).toContain('"gen_ai.request.model"');
    expect(line).not.toContain('sk-scratch-SECRET');

    expect(line).toContain('"tokentax.cost.usd"');
    // The bin as npm links it.
    const bin = join(app, 'node_modules/tokentax', pkg.bin.tokentax);
    const json = execFileSync(process.execPath, [bin, 'report', spans, '--json', '--config', config], {
      cwd: app,
      env: { PATH: process.env.PATH!, HOME: app },
      encoding: 'utf8',
    });
    const report = JSON.parse(json);
    expect(report.spans.genai).toBe(1);
    expect(report.scenarios[0]).toMatchObject({ id: 'actual', priced: 1 });
    expect(report.scenarios[0].bill).toBeGreaterThan(0);
  });
});
