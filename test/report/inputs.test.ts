/** Input formats and bad input: corrupt lines, Jaeger JSON (file and URL), unreadable sources. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createReport, ReportInputError, type ReportData } from '../../src/report';
import {
  CALLS,
  DUPLICATE,
  NOT_GENAI,
  callAttributes,
  jaegerDocument,
  otlpLine,
  reportPricing,
  tempDir,
  writeFixture,
} from './helpers';

const pricing = reportPricing();
const figures = (r: ReportData) => ({
  genai: r.spans.genai,
  duplicates: r.spans.duplicates,
  p50: r.profile.overall.input.p50,
  p90: r.profile.overall.input.p90,
  bills: r.scenarios.map((s) => [s.id, Number(s.bill.toFixed(12)), s.priced, s.notServed]),
  conversations: r.conversations.top.map((c) => [c.key, c.turns, Number(c.cost.actual.toFixed(12))]),
  recycled: r.recycled.tokens,
  breakEven: r.flat[0]?.breakEven,
});

let server: Server | undefined;
afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

describe('report inputs', async () => {
  const dir = tempDir();
  const reference = await createReport([writeFixture(dir)], { pricing });

  it('a corrupt line is counted with its number; every other line is still read', async () => {
    const file = join(dir, 'corrupt.jsonl');
    const all = CALLS.map(callAttributes);
    const lines = [
      otlpLine(all.slice(0, 4), 0),
      '{"resourceSpans": [ {"truncated',
      '',
      otlpLine(all.slice(4), 4),
      '{"hello": "not a trace request"}',
      otlpLine([DUPLICATE, NOT_GENAI], 8),
    ];
    writeFileSync(file, lines.join('\n'));
    const r = await createReport([file], { pricing });
    expect(r.inputs[0]).toMatchObject({ lines: 6, spans: 10, corruptLines: 2 });
    expect(r.inputs[0].corrupt.map((c) => c.line)).toEqual([2, 5]);
    expect(r.inputs[0].corrupt[0].reason).toMatch(/^invalid JSON/);
    expect(r.inputs[0].corrupt[1].reason).toMatch(/no resourceSpans/);
    expect(figures(r)).toEqual(figures(reference));
  });

  it('Jaeger /api/traces JSON from a file gives the same figures as OTLP', async () => {
    const file = join(dir, 'jaeger.json');
    writeFileSync(file, JSON.stringify(jaegerDocument([...CALLS.map(callAttributes), DUPLICATE, NOT_GENAI]), null, 2));
    const r = await createReport([file], { pricing });
    expect(r.inputs[0]).toMatchObject({ format: 'jaeger', spans: 10, corruptLines: 0 });
    expect(figures(r)).toEqual(figures(reference));
  });

  it('Jaeger JSON and OTLP lines from http://127.0.0.1 URLs', async () => {
    const jaeger = JSON.stringify(jaegerDocument([...CALLS.map(callAttributes), DUPLICATE, NOT_GENAI]));
    const all = CALLS.map(callAttributes);
    const lines = [otlpLine(all.slice(0, 4), 0), otlpLine(all.slice(4), 4), otlpLine([DUPLICATE, NOT_GENAI], 8)].join(
      '\n',
    );
    server = createServer((req, res) => {
      if (req.url?.startsWith('/api/traces')) res.writeHead(200, { 'content-type': 'application/json' }).end(jaeger);
      else if (req.url === '/spans.jsonl') res.writeHead(200).end(lines);
      else res.writeHead(404).end('not found');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const fromJaeger = await createReport([`${base}/api/traces?service=fixture&limit=100`], { pricing });
    expect(fromJaeger.inputs[0].format).toBe('jaeger');
    expect(figures(fromJaeger)).toEqual(figures(reference));
    const fromLines = await createReport([`${base}/spans.jsonl`], { pricing });
    expect(fromLines.inputs[0]).toMatchObject({ format: 'otlp-jsonl', lines: 3 });
    expect(figures(fromLines)).toEqual(figures(reference));
    await expect(createReport([`${base}/missing`], { pricing })).rejects.toThrow(/HTTP 404/);
  });

  it('reports progress in bytes while reading a file (the CLI draws it on a terminal only)', async () => {
    const file = writeFixture(tempDir());
    const calls: Array<[number, number, number]> = [];
    await createReport([file], { pricing, onProgress: (i, read, total) => calls.push([i, read, total]) });
    const size = (await import('node:fs')).statSync(file).size;
    expect(calls.at(-1)).toEqual([0, size, size]);
  });

  it('two inputs add up', async () => {
    const r = await createReport([writeFixture(tempDir()), writeFixture(tempDir())], { pricing });
    expect(r.spans.genai).toBe(16);
    expect(r.scenarios[0].bill).toBeCloseTo(2 * 0.7216, 12);
    // the same conversation keys in both files: one conversation with twice the turns
    expect(r.conversations.top[0]).toMatchObject({ key: 'A', turns: 6 });
  });

  it('an unreadable file or unreachable URL is a clear error', async () => {
    const missing = join(dir, 'no-such-file.jsonl');
    const err = await createReport([missing], { pricing }).catch((e) => e);
    expect(err).toBeInstanceOf(ReportInputError);
    expect(err.message).toBe(`cannot read ${missing}: ENOENT`);
    await expect(createReport([dir], { pricing })).rejects.toThrow(`cannot read ${dir}: a directory`);
    // a port nobody listens on (bound, then closed)
    const s = createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    const urlErr = await createReport([`http://127.0.0.1:${port}/api/traces`], { pricing }).catch((e) => e);
    expect(urlErr).toBeInstanceOf(ReportInputError);
    expect(urlErr.message).toBe(`cannot reach http://127.0.0.1:${port}/api/traces: ECONNREFUSED`);
  });
});
