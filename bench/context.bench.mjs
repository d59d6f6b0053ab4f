#!/usr/bin/env node
/**
 * Context measurement cost. Run after `npm run build`:  node bench/context.bench.mjs
 *
 * 1. Import cost of the whole package (`import 'tokentax'`, dist/index.js), in a child process: wall
 *    time and RSS before/after require, and whether js-tiktoken got loaded (it must not). Goal: adds
 *    <= 50 ms and <= 20 MB RSS before the first count, read on top of @opentelemetry/api (the peer
 *    dependency, which an application loads for its own OpenTelemetry set-up). Also shown: the same in a
 *    process that has loaded nothing, and dist/context alone.
 * 2. Cold tokenizer load (o200k_base ranks), in a child process, ours and js-tiktoken's class: reported
 *    on its own.
 * 3. Tokenizer path (usage missing): a 10-turn agent loop on a ~30k-token prompt, fresh meter and cold
 *    piece cache each round. Goal: first turn <= 60 ms, later turns <= 2 ms each (medians of rounds).
 * 4. Usage-available path: measure() + complete(apiTokens) on a tiny prompt and on a 20-message
 *    ~30k-token prompt, resending the same message objects (agent loops) and fresh copies (apps that
 *    rebuild messages each call). Microseconds per call, median of rounds.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { median } from './support/stats.mjs';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const ctxPath = `${root}dist/context/index.js`;
const ctx = require(ctxPath);
const ROUNDS = 7;

const fmt = (x, d = 1) => x.toFixed(d);

// ---- text with a realistic vocabulary (thousands of distinct words, numbers, code) ----
function makeText(words, seed) {
  const syl = [
    'ka',
    'lo',
    'mi',
    'ne',
    'tor',
    'qua',
    'zen',
    'bri',
    'vel',
    'osh',
    'ut',
    'ram',
    'pex',
    'dy',
    'sil',
    'gru',
  ];
  let x = seed * 2654435761 + 7;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2147483648), x);
  const out = [];
  for (let i = 0; i < words; i++) {
    const r = rnd() % 100;
    if (r < 70) out.push(syl[rnd() % 16] + syl[rnd() % 16] + (r < 30 ? syl[rnd() % 16] : ''));
    else if (r < 80) out.push(String(rnd() % 100000));
    else if (r < 90) out.push(`${syl[rnd() % 16]}_${syl[rnd() % 16]}(${rnd() % 10});`);
    else out.push(['the', 'and', 'of', 'to', 'in', 'is', 'for', 'with', 'on', 'as'][rnd() % 10]);
    if (i % 15 === 14) out.push('\n');
  }
  return out.join(' ');
}

// ---- 1 + 2: child processes ----
function child(code) {
  return JSON.parse(execFileSync(process.execPath, ['-e', code], { encoding: 'utf8' }).trim().split('\n').pop());
}
const importProbe = (path, preload = []) => `
  for (const p of ${JSON.stringify(preload)}) { try { require(p); } catch {} }
  const m0 = process.memoryUsage().rss; const t0 = process.hrtime.bigint();
  require(${JSON.stringify(path)});
  const ms = Number(process.hrtime.bigint() - t0) / 1e6; const mb = (process.memoryUsage().rss - m0) / 1e6;
  const tiktoken = Object.keys(require.cache).some((k) => k.includes('js-tiktoken'));
  console.log(JSON.stringify({ ms, mb, tiktoken }));`;

function importCost(path, preload) {
  const runs = Array.from({ length: 5 }, () => child(importProbe(path, preload)));
  return {
    ms: median(runs.map((r) => r.ms)),
    mb: median(runs.map((r) => r.mb)),
    tiktoken: runs.some((r) => r.tiktoken),
  };
}

// Ours (rank table keyed by byte strings) and, for comparison, js-tiktoken's Tiktoken class.
const coldLoad = (call) => {
  const runs = Array.from({ length: 3 }, () =>
    child(`const c = require(${JSON.stringify(`${root}dist/context/tokenizer.js`)});
      const m0 = process.memoryUsage().rss; const t0 = process.hrtime.bigint();
      ${call};
      console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - t0) / 1e6, mb: (process.memoryUsage().rss - m0) / 1e6 }));`),
  );
  return { ms: median(runs.map((r) => r.ms)), mb: median(runs.map((r) => r.mb)) };
};

// ---- 3: tokenizer path ----
function agentLoop(seed) {
  const messages = [
    { role: 'system', content: makeText(1600, seed) },
    { role: 'user', content: `Summarise this document:\n${makeText(12000, seed + 1)}` },
  ];
  const tools = [
    {
      type: 'function',
      function: {
        name: 'read_file',
        description: 'Read a file',
        parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
      },
    },
  ];
  const requests = [];
  for (let turn = 1; turn <= 10; turn++) {
    requests.push({
      operation: 'chat',
      provider: 'openai',
      model: 'gpt-4o',
      params: { model: 'gpt-4o', messages: [...messages], tools },
    });
    messages.push({
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: `c${turn}`, type: 'function', function: { name: 'read_file', arguments: `{"path":"src/f${turn}.ts"}` } },
      ],
    });
    messages.push({ role: 'tool', tool_call_id: `c${turn}`, content: makeText(120, seed * 31 + turn) });
  }
  return requests;
}

function tokenizerPath() {
  ctx.preloadEncoding('o200k_base');
  const first = [];
  const later = [];
  let tokens = [];
  for (let r = 0; r < ROUNDS; r++) {
    const requests = agentLoop(1000 + r); // new text each round: nothing memoised from earlier rounds
    ctx.clearPieceCaches();
    const meter = ctx.createContextMeter();
    const times = requests.map((req) => {
      const t0 = process.hrtime.bigint();
      const done = meter.measure(req).complete(undefined);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r === 0) tokens.push(done.inputTokens);
      return ms;
    });
    first.push(times[0]);
    later.push(median(times.slice(1)), Math.max(...times.slice(1)));
  }
  const laterMedians = later.filter((_, i) => i % 2 === 0);
  const laterMax = later.filter((_, i) => i % 2 === 1);
  // Reference: js-tiktoken's own whole-text encode of the first prompt's text (no piece memo).
  const tk = require(`${root}dist/context/tokenizer.js`);
  const text = agentLoop(999)[0]
    .params.messages.map((m) => m.content)
    .join('\n');
  const ref = [];
  for (let r = 0; r < 3; r++) {
    const t0 = process.hrtime.bigint();
    tk.encodeLength('o200k_base', text);
    ref.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return {
    first: median(first),
    later: median(laterMedians),
    laterWorst: median(laterMax),
    tokens,
    reference: median(ref),
  };
}

// ---- 4: usage-available path ----
function usagePath(label, makeReq, api, fresh, completeToo = true) {
  const meter = ctx.createContextMeter();
  const base = makeReq();
  const next = fresh ? () => structuredClone(base) : () => base;
  const reqs = Array.from({ length: 64 }, next); // clones prepared outside the timed loop
  const n = fresh ? 2_000 : 20_000;
  for (let i = 0; i < 2_000; i++) meter.measure(reqs[i % 64]).complete(api);
  const per = [];
  for (let r = 0; r < ROUNDS; r++) {
    const batch = fresh ? Array.from({ length: n }, next) : null;
    const t0 = process.hrtime.bigint();
    if (completeToo) for (let i = 0; i < n; i++) meter.measure(batch ? batch[i] : base).complete(api);
    else for (let i = 0; i < n; i++) meter.measure(batch ? batch[i] : base);
    per.push(Number(process.hrtime.bigint() - t0) / 1e3 / n);
  }
  return { label, us: median(per), min: Math.min(...per), max: Math.max(...per) };
}

const tiny = () => ({
  operation: 'chat',
  provider: 'openai',
  model: 'gpt-4o-mini',
  params: {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Answer in up to 3 words: Which ocean contains Bouvet Island?' }],
  },
});
const big = () => {
  const messages = [{ role: 'system', content: makeText(1000, 5) }];
  for (let i = 0; i < 19; i++) messages.push({ role: i % 2 ? 'assistant' : 'user', content: makeText(650, 50 + i) });
  return { operation: 'chat', provider: 'openai', model: 'gpt-4o', params: { model: 'gpt-4o', messages } };
};

const api = require.resolve('@opentelemetry/api');
const pkgPath = `${root}dist/index.js`;
const pkgImport = importCost(pkgPath, [api]);
const pkgFresh = importCost(pkgPath);
const ctxImport = importCost(ctxPath);
const cold = coldLoad("c.preloadEncoding('o200k_base')");
const coldRef = coldLoad("c.encodeLength('o200k_base', 'x')");
const tok = tokenizerPath();
const bigTokens = ctx.createContextMeter().measure(big()).complete(undefined).inputTokens;
const usage = [
  usagePath('tiny, same objects, measure() only', tiny, 22, false, false),
  usagePath(`20 msgs ${bigTokens} tok, same objects, measure() only`, big, bigTokens, false, false),
  usagePath('tiny, same objects', tiny, 22, false),
  usagePath('tiny, fresh copies', tiny, 22, true),
  usagePath(`20 msgs ${bigTokens} tok, same objects`, big, bigTokens, false),
  usagePath(`20 msgs ${bigTokens} tok, fresh copies`, big, bigTokens, true),
];

console.log('context measurement (bench/context.bench.mjs), medians of rounds');
console.log(
  `import 'tokentax' (dist/index.js), @opentelemetry/api already loaded: ${fmt(pkgImport.ms)} ms, ${fmt(pkgImport.mb)} MB RSS, js-tiktoken loaded: ${pkgImport.tiktoken}  (goal <= 50 ms, <= 20 MB)`,
);
console.log(
  `  in a process that has loaded nothing (the API included): ${fmt(pkgFresh.ms)} ms, ${fmt(pkgFresh.mb)} MB RSS; dist/context alone: ${fmt(ctxImport.ms)} ms, ${fmt(ctxImport.mb)} MB RSS`,
);
console.log(
  `cold tokenizer load (o200k_base): ${fmt(cold.ms, 0)} ms, +${fmt(cold.mb, 0)} MB RSS (once per process, on the first count); js-tiktoken's Tiktoken class: ${fmt(coldRef.ms, 0)} ms, +${fmt(coldRef.mb, 0)} MB`,
);
console.log(
  `tokenizer path, 10-turn loop ${tok.tokens[0]}..${tok.tokens[9]} tokens: first turn ${fmt(tok.first)} ms (goal <= 60; js-tiktoken whole-text encode of it: ${fmt(tok.reference)} ms), later turns ${fmt(tok.later, 2)} ms median / ${fmt(tok.laterWorst, 2)} ms worst (goal <= 2)`,
);
for (const u of usage)
  console.log(
    `usage given, ${u.label.includes('only') ? '' : 'measure+complete, '}${u.label}: ${fmt(u.us, 2)} us (min ${fmt(u.min, 2)}, max ${fmt(u.max, 2)})`,
  );
const verdict = (ok) => (ok ? 'met' : 'NOT met');
console.log(
  `goals: import <= 50 ms ${verdict(pkgImport.ms <= 50)}, <= 20 MB ${verdict(pkgImport.mb <= 20)}, no tokenizer at import ${verdict(!pkgImport.tiktoken && !pkgFresh.tiktoken)}, ` +
    `first turn <= 60 ms ${verdict(tok.first <= 60)}, later turns <= 2 ms ${verdict(tok.later <= 2)}`,
);
