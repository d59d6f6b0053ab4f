/** `npm start` = `tokentax demo`: the whole first-run path in a child process, as CI runs it. */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/demo/simulator';

const ROOT = resolve(__dirname, '../..');

function demo(args: string[], env: Record<string, string>, cwd: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
    execFile(
      process.execPath,
      [join(ROOT, 'dist/cli.js'), 'demo', ...args],
      { env: { PATH: process.env.PATH!, ...env }, cwd, timeout: 120_000 },
      (e, stdout, stderr) => done({ code: e ? Number(e.code) : 0, stdout, stderr }),
    ),
  );
}

describe('tokentax demo', () => {
  it('runs the workload on the simulator through the instrumented openai client and prints the per-scenario bill', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tokentax-demo-'));
    // No OPENAI_API_KEY: the demo must use the local simulator (and no OTLP endpoint: it sends nothing).
    const env = { PATH: process.env.PATH, HOME: process.env.HOME };
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
      execFile(
        process.execPath,
        [join(ROOT, 'dist/cli.js'), 'demo', '--out', out],
        { env, cwd: out, timeout: 120_000 },
        (e, stdout, stderr) => done({ code: e ? Number(e.code) : 0, stdout, stderr }),
      ),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/running the workload against the local simulator at http:\/\/127\.0\.0\.1:\d+\/v1/);
    expect(r.stderr).toContain('66 calls made');
    // The per-scenario bill: every default scenario has a row; the actual bill is priced.
    const bill = r.stdout.slice(r.stdout.indexOf('Total bill per scenario'), r.stdout.indexOf('Cost per conversation'));
    expect(bill).toMatch(/actual \(as called\)\s+gpt-4\.1[-a-z]*\s+\$\d/);
    for (const id of ['together', 'fireworks', 'openrouter', 'oxlo', 'openai'])
      expect(bill).toMatch(new RegExp(`\\n  ${id}\\b`));
    expect(bill).toMatch(/oxlo .*no published price; break-even \$[\d.]+\/request/);
    expect(r.stdout).toContain('demo-coding-agent');
    expect(r.stdout).toMatch(/Recycled context: \d+k tokens/);
    expect(r.stdout).toContain('Recommendation');

    // The spans file is OTLP JSON lines with tokentax's context and cost attributes.
    const spansFile = join(out, 'spans.jsonl');
    const spans = readFileSync(spansFile, 'utf8')
      .trimEnd()
      .split('\n')
      .flatMap((l) => JSON.parse(l).resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans)));
    expect(spans).toHaveLength(66);
    const keys = new Set(spans.flatMap((s: any) => s.attributes.map((a: any) => a.key)));
    for (const k of [
      'gen_ai.usage.input_tokens',
      'tokentax.context.tokens',
      'tokentax.conversation.key',
      'tokentax.cost.usd',
      'tokentax.cost.together.usd',
    ])
      expect(keys).toContain(k);
    const agentTurns = spans.filter((s: any) =>
      s.attributes.some((a: any) => a.key === 'gen_ai.conversation.id' && a.value.stringValue === 'demo-coding-agent'),
    );
    expect(agentTurns).toHaveLength(10);
    expect(r.stdout).toContain(`HTML report: ${join(out, 'report.html')}`);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  }, 120_000);

  it('with OPENAI_API_KEY runs the same workload against that provider (here: a simulator playing one)', async () => {
    const provider = await startSimulator();
    try {
      const out = mkdtempSync(join(tmpdir(), 'tokentax-demo-real-'));
      const env = { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: provider.baseURL };
      const r = await demo(
        // No configuration: the simulator's host is unknown, its OpenAI model names price it (inference).
        ['--out', out, '--no-html', '--model', 'gpt-4.1-mini'],
        env,
        out,
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(
        `running the workload against ${provider.baseURL} (OPENAI_API_KEY is set; this is billed)`,
      );
      expect(provider.requests).toBe(66);
      expect(r.stdout).toMatch(/gpt-4\.1-mini\s+58\s/); // every chat flow on the one model given
      expect(r.stdout).toMatch(/actual \(as called\)\s+gpt-4\.1[-a-z]*\s+\$\d/);
      expect(existsSync(join(out, 'report.html'))).toBe(false);
    } finally {
      await provider.close();
    }
  }, 120_000);
});
