#!/usr/bin/env node
/**
 * Longest event-loop block while tokentax counts a large request. Run after `npm run build`:
 *   node bench/counting-stall.bench.mjs
 *
 * 1. Per kind of content, a 5 MB chat request without usage, counted by a fresh context meter with a
 *    warm tokenizer: counted in one go (as the deferred queue did before slicing: measure + complete
 *    in one task) vs counted in slices by the scheduler. Max block from perf_hooks'
 *    monitorEventLoopDelay (1 ms resolution), median of ROUNDS rounds, plus each mode's wall time.
 * 2. The tokenizer's cold build (o200k_base), in a child process: in one go vs in slices.
 * 3. End to end: the real openai client (v6) streams a 5 MB request without usage from a local
 *    server; max block from the call until its span has ended, with tokentax vs uninstrumented.
 * Goal: no single counting step holds the loop for more than 20 ms.
 */
import { execFileSync, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { median } from './support/stats.mjs';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const dist = process.env.BENCH_DIST ?? `${root}dist`;
const ROUNDS = 3;
const SIZE = 5_000_000;
const fmt = (x) => x.toFixed(1);

function content(kind, chars) {
  let seed = 12345;
  const r = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const words = 'the of and to in is that for it as was with be by on not this are from which have'.split(' ');
  const cjk = '的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后能对着事';
  const parts = [];
  let n = 0;
  while (n < chars) {
    let p;
    if (kind === 'prose') p = `${Array.from({ length: 12 }, () => words[Math.floor(r() * words.length)]).join(' ')}. `;
    else if (kind === 'json')
      p = `{"id":"${Math.floor(r() * 1e9).toString(16)}","price":${(r() * 1000).toFixed(2)},"ok":${r() < 0.5}},`;
    else if (kind === 'csv')
      p = `${Math.floor(r() * 1e9)},${(r() * 2000 - 1000).toFixed(3)},${Math.floor(r() * 100)}\n`;
    else if (kind === 'cjk') p = `${Array.from({ length: 12 }, () => cjk[Math.floor(r() * cjk.length)]).join('')}，`;
    else p = Buffer.from(Array.from({ length: 768 }, () => Math.floor(r() * 256))).toString('base64');
    parts.push(p);
    n += p.length;
  }
  return parts.join('').slice(0, chars);
}

async function maxBlock(run) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  // The histogram records a delay between two of its own ticks: let it tick before the work starts.
  await new Promise((r) => setTimeout(r, 10));
  const t0 = performance.now();
  await run();
  await new Promise((r) => setTimeout(r, 5));
  const wall = performance.now() - t0;
  h.disable();
  return { block: h.max / 1e6, wall };
}

async function direct() {
  const ctx = require(`${dist}/context/index.js`);
  const counting = require(`${dist}/context/counting.js`);
  ctx.preloadEncoding('o200k_base');
  console.log('1. 5 MB request without usage, warm tokenizer (max event-loop block, ms; wall, ms)');
  const tok = require(`${dist}/context/tokenizer.js`);
  console.log('kind    | in one go: block  wall | in slices: block  wall | longest step (cold, warm pieces)');
  for (const kind of ['prose', 'json', 'csv', 'cjk', 'base64']) {
    const text = content(kind, SIZE);
    const req = (i) => ({
      operation: 'chat',
      provider: 'openai',
      model: 'gpt-4o',
      params: { model: 'gpt-4o', messages: [{ role: 'user', content: `${i} ${text}` }] },
    });
    const whole = [];
    const sliced = [];
    for (let i = 0; i < ROUNDS; i++) {
      ctx.clearPieceCaches();
      whole.push(
        await maxBlock(
          () =>
            new Promise((done) =>
              setImmediate(() => {
                // The former flow: one task measures and completes, counting everything inline.
                const meter = ctx.createContextMeter();
                const m = meter.measure(req(`w${i}`));
                m.complete(undefined);
                done();
              }),
            ),
        ),
      );
      ctx.clearPieceCaches();
      sliced.push(
        await maxBlock(async () => {
          const meter = ctx.createContextMeter();
          const m = meter.measure(req(`s${i}`));
          await new Promise((done) => counting.whenCountingDone(done));
          m.complete(undefined);
        }),
      );
    }
    // The longest single step of the count itself (what one slice holds the loop for, GC included).
    const longest = [];
    for (const warm of [false, true]) {
      if (!warm) ctx.clearPieceCaches();
      const steps = tok.countingSteps('o200k_base', `${warm} ${text}`);
      let max = 0;
      for (;;) {
        const t = performance.now();
        const step = steps.next();
        max = Math.max(max, performance.now() - t);
        if (step.done) break;
      }
      longest.push(max);
    }
    const med = (xs, k) => fmt(median(xs.map((x) => x[k])));
    console.log(
      `${kind.padEnd(7)} | ${med(whole, 'block').padStart(16)} ${med(whole, 'wall').padStart(5)} | ${med(sliced, 'block').padStart(15)} ${med(sliced, 'wall').padStart(5)} | ${fmt(longest[0])}, ${fmt(longest[1])}`,
    );
  }
}

/** In a child: the cold o200k build, in one go or in slices (argv[2] = 'whole' | 'sliced'). */
async function coldChild(mode) {
  const tok = require(`${dist}/context/tokenizer.js`);
  const counting = require(`${dist}/context/counting.js`);
  const r = await maxBlock(async () => {
    if (mode === 'whole') tok.preloadEncoding('o200k_base');
    else {
      counting.runCounting(tok.loadingSteps('o200k_base'));
      await new Promise((done) => counting.whenCountingDone(done));
    }
  });
  process.send(r);
}

async function cold() {
  console.log('\n2. cold tokenizer build, o200k_base (max block, ms; wall, ms; median of rounds)');
  for (const mode of ['whole', 'sliced']) {
    const rs = [];
    for (let i = 0; i < ROUNDS; i++) {
      const child = fork(fileURLToPath(import.meta.url), ['--cold', mode], { stdio: 'inherit' });
      rs.push(await new Promise((resolve) => child.once('message', resolve)));
      child.kill();
    }
    console.log(
      `${mode.padEnd(7)} block ${fmt(median(rs.map((r) => r.block)))}  wall ${fmt(median(rs.map((r) => r.wall)))}`,
    );
  }
}

/** In a child: one streamed 5 MB request through the real client, with tokentax or without. */
async function e2eChild(mode) {
  const { context } = require('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
  const { BasicTracerProvider, SimpleSpanProcessor, InMemorySpanExporter } = require('@opentelemetry/sdk-trace-base');
  const OpenAIModule = require('openai-v6');
  const exporter = new InMemorySpanExporter();
  if (mode === 'on') {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const { createTokentax } = require(`${dist}/tokentax.js`);
    const tokentax = createTokentax({ providerNames: { '127.0.0.1': 'openai' } });
    const provider = new BasicTracerProvider({
      spanProcessors: [...tokentax.spanProcessors, new SimpleSpanProcessor(exporter)],
    });
    tokentax.instrumentation.setTracerProvider(provider);
    tokentax.instrumentation.manuallyInstrument(OpenAIModule);
    tokentax.instrumentation.enable();
    require(`${dist}/context/tokenizer.js`).preloadEncoding('o200k_base');
  }
  const server = fork(`${root}bench/support/load-server.mjs`, { stdio: 'inherit' });
  const { port } = await new Promise((resolve) => server.once('message', resolve));
  const client = new OpenAIModule.OpenAI({ apiKey: 'sk-bench', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
  const text = content('json', SIZE);
  const call = async (tag) => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      messages: [{ role: 'user', content: `${tag} ${text}` }],
    });
    for await (const _ of stream);
  };
  await call('warm');
  while (mode === 'on' && exporter.getFinishedSpans().length < 1) await new Promise((r) => setTimeout(r, 5));
  const r = await maxBlock(async () => {
    await call('measured');
    while (mode === 'on' && exporter.getFinishedSpans().length < 2) await new Promise((r) => setTimeout(r, 5));
  });
  server.kill();
  process.send(r);
}

async function e2e() {
  console.log('\n3. end to end: a streamed 5 MB request without usage, real openai client (max block, ms)');
  for (const mode of ['off', 'on']) {
    const rs = [];
    for (let i = 0; i < ROUNDS; i++) {
      const child = fork(fileURLToPath(import.meta.url), ['--e2e', mode], { stdio: 'inherit' });
      rs.push(await new Promise((resolve) => child.once('message', resolve)));
      child.kill();
    }
    const label = mode === 'on' ? 'tokentax' : 'uninstrumented';
    console.log(
      `${label.padEnd(15)} block ${fmt(median(rs.map((r) => r.block)))} (max of rounds ${fmt(Math.max(...rs.map((r) => r.block)))})  wall ${fmt(median(rs.map((r) => r.wall)))}`,
    );
  }
}

const [flag, mode] = process.argv.slice(2);
// Pending counts do not keep a process alive (they are unreferenced); this bench waits for them.
const keepAlive = setInterval(() => {}, 1000);
if (flag === '--cold') await coldChild(mode);
else if (flag === '--e2e') await e2eChild(mode);
else {
  execFileSync(process.execPath, ['-e', `require(${JSON.stringify(`${dist}/context/counting.js`)})`]);
  await direct();
  await cold();
  await e2e();
}
clearInterval(keepAlive);
