/** `tokentax report` and friends as a user runs them: the built CLI in a child process. */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeFixture } from './helpers';

const CLI = resolve(__dirname, '../../dist/cli.js');

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

describe('tokentax CLI', () => {
  const dir = tempDir();
  const fixture = writeFixture(dir, ['{"broken']);

  it('report prints the terminal report (shipped pricing: "big" is unknown there, so nothing is priced)', async () => {
    const r = await run(['report', fixture]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('tokentax report: 8 GenAI requests from 1 input');
    expect(r.stdout).toContain('Request profile');
    expect(r.stdout).toContain('Total bill per scenario');
    expect(r.stdout).toContain('line 5: invalid JSON');
    expect(r.stderr).not.toContain('reading input'); // no progress bar when stderr is not a terminal
  });

  it('draws a progress bar on stderr when stderr is a terminal (script(1) provides one)', async () => {
    const r = await new Promise<{ code: number; stdout: string }>((done) =>
      execFile(
        'script',
        ['-qec', `${process.execPath} ${CLI} report ${fixture} > /dev/null`, '/dev/null'],
        { env: { PATH: process.env.PATH } },
        (e, stdout) => done({ code: e ? Number(e.code) : 0, stdout }),
      ),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\r {2}reading input 1 \[█{30}\] 100%/);
  });

  it('report --json and --html with a config file', async () => {
    // The config names the fixture model at shipped-data scale: an OpenAI price override.
    const config = join(dir, 'tokentax.yaml');
    writeFileSync(
      config,
      'prices:\n  - provider: openai\n    model: big\n    inputMtok: 10\n    outputMtok: 20\n    window: 100000\n    class: frontier_chat\n',
    );
    const html = join(dir, 'out.html');
    const r = await run(['report', fixture, '--json', '--config', config, '--html', html]);
    expect(r.code).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(data.spans).toEqual({ read: 10, genai: 8, duplicates: 1, withoutUsage: 0 });
    expect(data.scenarios[0]).toMatchObject({ id: 'actual', priced: 8 });
    expect(data.scenarios[0].bill).toBeCloseTo(0.7216, 12);
    expect(data.inputs[0].corrupt).toEqual([{ line: 5, reason: expect.stringMatching(/^invalid JSON/) }]);
    expect(r.stderr).toContain(`HTML report written to ${html}`);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).not.toMatch(/(src|href)=["']https?:/); // self-contained
    expect(page).toContain('<svg class="chart" id="chart-bill"');
  });

  it('reads standard input ("-") and pipes, e.g. a decompressed file through process substitution', async () => {
    const viaShell = (cmd: string) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
        execFile('bash', ['-c', cmd], { env: { PATH: process.env.PATH } }, (e, stdout, stderr) =>
          done({ code: e ? Number(e.code) : 0, stdout, stderr }),
        ),
      );
    const stdin = await viaShell(`cat ${fixture} | ${process.execPath} ${CLI} report - --json`);
    expect(stdin.code, stdin.stderr).toBe(0);
    expect(JSON.parse(stdin.stdout)).toMatchObject({
      spans: { genai: 8, duplicates: 1 },
      inputs: [{ source: 'stdin', corruptLines: 1 }],
    });
    const pipe = await viaShell(
      `gzip -c ${fixture} > ${fixture}.gz && ${process.execPath} ${CLI} report <(gzip -dc ${fixture}.gz) --json`,
    );
    expect(pipe.code, pipe.stderr).toBe(0);
    expect(JSON.parse(pipe.stdout)).toMatchObject({
      spans: { genai: 8 },
      inputs: [{ format: 'otlp-jsonl', corruptLines: 1 }],
    });
  });

  it('exit codes: 1 for unreadable input or bad config, 2 for usage errors', async () => {
    const missing = await run(['report', join(dir, 'nope.jsonl')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`tokentax: cannot read ${join(dir, 'nope.jsonl')}: ENOENT\n`);
    const badConfig = join(dir, 'bad.yaml');
    writeFileSync(badConfig, 'scenarios: 42\n');
    const bad = await run(['report', fixture, '--config', badConfig]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('tokentax config file');
    for (const args of [['report'], ['report', fixture, '--bogus'], ['frobnicate'], []]) {
      const u = await run(args);
      expect(u.code, args.join(' ')).toBe(2);
    }
    expect((await run(['report'])).stderr).toContain('report needs at least one input file or URL');
  });

  it('rejects an input in which no line is a span (package.json, a binary file) without echoing its bytes', async () => {
    const pkg = resolve(__dirname, '../../package.json');
    const json = await run(['report', pkg]);
    expect(json.code).toBe(1);
    expect(json.stdout).toBe('');
    expect(json.stderr).toMatch(
      new RegExp(`^tokentax: ${pkg} holds no spans: \\d+ line\\(s\\), none an OTLP/JSON trace export`),
    );
    expect(json.stderr.trim().split('\n')).toHaveLength(1);
    expect(json.stderr).not.toContain('"name"'); // nothing of the file itself

    const binary = join(dir, 'archive.bin');
    const secret = 'sk-SECRET-in-a-binary';
    writeFileSync(
      binary,
      Buffer.concat([Buffer.from([0x50, 0x4b, 3, 4, 0, 0xff, 0x1b]), Buffer.from(`[31m${secret}\n{"x":`)]),
    );
    const bin = await run(['report', binary]);
    expect(bin.code).toBe(1);
    expect(bin.stdout).toBe('');
    expect(bin.stderr).toContain(`tokentax: ${binary} holds no spans`);
    expect(bin.stderr).not.toContain(secret);
    // No control bytes (terminal escape sequences) from the input.
    expect([...bin.stderr].filter((c) => c.charCodeAt(0) < 32 && c !== '\n')).toEqual([]);

    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '\n');
    const none = await run(['report', empty]);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(`tokentax: no spans in ${empty}: nothing to report\n`);
  });

  it('corrupt lines are reported by number and position, never by their text', async () => {
    const r = await run(['report', fixture, '--json']);
    expect(r.code).toBe(0);
    const [corrupt] = JSON.parse(r.stdout).inputs[0].corrupt;
    expect(corrupt.reason).toMatch(/^invalid JSON( \(at character \d+\))?$/);
  });

  it('an unwritable --html path is one line on stderr, exit 1, no stack trace', async () => {
    const target = join(dir, 'no-such-dir', 'report.html');
    const r = await run(['report', fixture, '--html', target]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`tokentax: cannot write ${target}: ENOENT\n`);
  });

  it('--help and per-command help', async () => {
    const main = await run(['--help']);
    expect(main.code).toBe(0);
    for (const c of ['demo', 'report', 'collector-config']) expect(main.stdout).toContain(c);
    for (const c of ['demo', 'report', 'collector-config']) {
      const h = await run([c, '--help']);
      expect(h.code).toBe(0);
      expect(h.stdout).toContain(`Usage: tokentax ${c}`);
    }
  });

  it('collector-config prints the collector pipeline with the tokentax processor, or writes it with --out', async () => {
    const out = join(dir, 'collector.yaml');
    const r = await run(['collector-config', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(readFileSync(out, 'utf8')).toContain('  tokentax:');
  });
});
