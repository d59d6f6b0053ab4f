#!/usr/bin/env node
/**
 * `tokentax report` throughput on a generated 100,000-span OTLP JSON lines file (tokentax-shaped
 * spans, 50 per line as a batching exporter writes them; half carry recorded cost attributes, half
 * are priced on the fly; 5,000 conversations) versus plain line-by-line JSON.parse of the same file
 * in the same run. Goal: report >= 0.5x the plain parse. Also peak RSS of each, in its own process,
 * at two file sizes (memory must not grow with the file).
 *
 * Run after `npm run build`:  node bench/report.bench.mjs
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { median } from './support/stats.mjs';

const require = createRequire(import.meta.url);
const { createReport } = require('../dist/report/index.js');
const { loadPricing, createCostEngine } = require('../dist/pricing/index.js');

const SPANS = 100_000;
const PER_LINE = 50;
const ROUNDS = 5;
const GOAL = 0.5;

const MODELS = [
  ['gpt-4.1', 0.3],
  ['gpt-4.1-mini', 0.4],
  ['gpt-4.1-nano', 0.2],
  ['gpt-4o', 0.1],
];

function pickModel(i) {
  let x = ((i * 2654435761) % 1000) / 1000;
  for (const [m, p] of MODELS) if ((x -= p) < 0) return m;
  return MODELS[0][0];
}

function value(v) {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

function generate(path, spans) {
  const engine = createCostEngine(loadPricing());
  const t0 = Date.parse('2026-11-01T00:00:00Z');
  const lines = [];
  for (let start = 0; start < spans; start += PER_LINE) {
    const batch = [];
    for (let i = start; i < Math.min(spans, start + PER_LINE); i++) {
      const conv = i % 5000;
      const turn = Math.floor(i / 5000) + 1;
      const input = 500 + ((i * 7919) % 30_000) + turn * 800;
      const recycled = turn > 1 ? input - 900 : 0;
      const a = {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': pickModel(conv),
        'gen_ai.response.model': pickModel(conv),
        'gen_ai.response.id': `chatcmpl-${i.toString(36)}`,
        'gen_ai.usage.input_tokens': input,
        'gen_ai.usage.output_tokens': 50 + (i % 700),
        'gen_ai.conversation.id': `conv-${conv}`,
        'server.address': 'api.openai.com',
        'server.port': 443,
        'tokentax.context.messages': turn * 2,
        'tokentax.context.tokens': input,
        'tokentax.context.system_tokens': 400,
        'tokentax.context.history_tokens': recycled,
        'tokentax.context.new_tokens': 500,
        'tokentax.context.turn': turn,
        'tokentax.context.recycled_tokens': recycled,
        'tokentax.context.recycled_ratio': recycled / input,
        'tokentax.context.size_bucket': input < 4000 ? '1k-4k' : input < 16000 ? '4k-16k' : '16k-64k',
        'tokentax.conversation.key': `conv-${conv}`,
      };
      const priced = i % 2 === 0 ? { ...a, ...engine(a, t0) } : a;
      const startNs = BigInt(t0 + i) * 1_000_000n;
      batch.push({
        traceId: i.toString(16).padStart(32, '0'),
        spanId: (i + 1).toString(16).padStart(16, '0'),
        name: `chat ${a['gen_ai.request.model']}`,
        kind: 3,
        startTimeUnixNano: startNs.toString(),
        endTimeUnixNano: (startNs + 800_000_000n).toString(),
        attributes: Object.entries(priced).map(([key, v]) => ({ key, value: value(v) })),
        status: { code: 0 },
      });
    }
    lines.push(
      JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench' } }] },
            scopeSpans: [{ scope: { name: 'tokentax' }, spans: batch }],
          },
        ],
      }),
    );
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

async function plainParse(path) {
  let spans = 0;
  const rl = createInterface({
    input: createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 }),
    crlfDelay: Infinity,
  });
  for await (const line of rl) {
    if (!line) continue;
    const doc = JSON.parse(line);
    for (const rs of doc.resourceSpans) for (const ss of rs.scopeSpans) spans += ss.spans.length;
  }
  return spans;
}

function peakRss(mode, path) {
  const code =
    mode === 'parse'
      ? `const {createInterface}=require('node:readline');const {createReadStream}=require('node:fs');(async()=>{for await(const l of createInterface({input:createReadStream(${JSON.stringify(path)},{encoding:'utf8',highWaterMark:1<<20}),crlfDelay:Infinity}))if(l)JSON.parse(l);console.log(process.resourceUsage().maxRSS)})()`
      : `require(${JSON.stringify(join(process.cwd(), 'dist/report/index.js'))}).createReport([${JSON.stringify(path)}]).then(()=>console.log(process.resourceUsage().maxRSS))`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(r.stdout.trim()) / 1024; // MB
}

const dir = mkdtempSync(join(tmpdir(), 'tokentax-bench-'));
try {
  const file = join(dir, 'spans.jsonl');
  const small = join(dir, 'spans-25k.jsonl');
  generate(file, SPANS);
  generate(small, SPANS / 4);
  const mb = statSync(file).size / 1e6;
  console.log(`file: ${SPANS.toLocaleString()} spans, ${mb.toFixed(0)} MB, ${PER_LINE} spans a line`);

  await plainParse(file); // warm up
  await createReport([file]);
  const parse = [];
  const report = [];
  for (let r = 0; r < ROUNDS; r++) {
    let t = process.hrtime.bigint();
    const n = await plainParse(file);
    parse.push(n / (Number(process.hrtime.bigint() - t) / 1e9));
    t = process.hrtime.bigint();
    const data = await createReport([file]);
    report.push(data.spans.read / (Number(process.hrtime.bigint() - t) / 1e9));
    if (data.spans.read !== SPANS || n !== SPANS) throw new Error('span count mismatch');
  }
  const ratio = median(report) / median(parse);
  console.log(
    `plain JSON.parse : median ${Math.round(median(parse)).toLocaleString()} spans/s (${ROUNDS} rounds, min ${Math.round(Math.min(...parse)).toLocaleString()}, max ${Math.round(Math.max(...parse)).toLocaleString()})`,
  );
  console.log(
    `tokentax report  : median ${Math.round(median(report)).toLocaleString()} spans/s (min ${Math.round(Math.min(...report)).toLocaleString()}, max ${Math.round(Math.max(...report)).toLocaleString()})`,
  );
  console.log(`ratio report/parse: ${ratio.toFixed(2)}x (goal >= ${GOAL}x) ${ratio >= GOAL ? 'OK' : 'BELOW GOAL'}`);
  const rss = {
    parse100: peakRss('parse', file),
    report100: peakRss('report', file),
    parse25: peakRss('parse', small),
    report25: peakRss('report', small),
  };
  console.log(
    `peak RSS, own process: report ${rss.report25.toFixed(0)} MB (25k spans) / ${rss.report100.toFixed(0)} MB (100k spans); plain parse ${rss.parse25.toFixed(0)} / ${rss.parse100.toFixed(0)} MB; file ${mb.toFixed(0)} MB`,
  );
  if (ratio < GOAL) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
