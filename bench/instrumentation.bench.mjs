// What tokentax adds to an openai call, against no instrumentation, the OTel contrib instrumentation
// (@opentelemetry/instrumentation-openai) and OpenLLMetry, interleaved in the same run against the
// same local server (a child process answering after API_LATENCY_MS), openai 6 (the peers support < 7).
// Two measures per call, each as the median over rounds of the per-round difference to the
// uninstrumented client:
// - latency on the application's path: from calling create() to the request leaving (the client's
//   fetch is called), plus from the response arriving (fetch resolves) to the result being returned
//   (the await resolves, or the stream's loop ends);
// - CPU per call, everything included: the calls and then a flush of the variant's tracer provider
//   (work done off the path: context measurement, cost, metric records, span export).
// One-time work is outside the measured rounds: each variant runs every payload first (warm-up: JIT,
// pricing data, lazy loads). The floor arm only starts a span, runs the call in its context and ends
// the span: the least any instrumentation that parents the call's HTTP spans adds on the path.
// BENCH_DIST=<an earlier build's dist/> adds that build as one more arm.
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { scenarios } from './support/payloads.mjs';
import { bootstrapRatio, median } from './support/stats.mjs';
import {
  contribModule,
  flushVariant,
  freshOpenAI,
  openllmetryModule,
  shutdownVariants,
  spanFloorModule,
  tokentaxModule,
  version,
} from './support/variants.mjs';

setFlagsFromString('--expose-gc');
const here = dirname(fileURLToPath(import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);
const SCALE = Number(process.env.BENCH_CALL_SCALE ?? 3); // calls per round = the payload's calls x SCALE
const API_LATENCY_MS = 3;
const TOKENTAX = { providerNames: { '127.0.0.1': 'openai' } };
const PREVIOUS = process.env.BENCH_DIST;
const GOALS = { latency: 1 / 3, cpu: 1.5 };

/** When the current call's request left and its response arrived (calls run one at a time). */
const marks = { sent: 0, arrived: 0 };
const timedFetch = async (url, init) => {
  marks.sent = performance.now();
  const response = await fetch(url, init);
  marks.arrived = performance.now();
  return response;
};

function variants(baseURL) {
  const mods = {
    none: freshOpenAI(),
    tokentax: tokentaxModule(TOKENTAX),
    contrib: contribModule(),
    openllmetry: openllmetryModule(),
    floor: spanFloorModule(),
    ...(PREVIOUS ? { 'tokentax (BENCH_DIST)': tokentaxModule(TOKENTAX, PREVIOUS) } : {}),
  };
  return Object.fromEntries(
    Object.entries(mods).map(([name, mod]) => [
      name,
      { mod, client: new mod.OpenAI({ apiKey: 'sk-bench', baseURL, maxRetries: 0, fetch: timedFetch }) },
    ]),
  );
}

const gc = globalThis.gc ?? runInNewContext('gc');

/**
 * One round of a variant: the median on-path latency of a call (µs) and CPU per call (µs). The window
 * opens after a full GC (so no arm pays for another's garbage) and closes after the variant's flush:
 * tokentax's deferred queue drained, spans and metrics exported by both SDKs.
 */
async function round(scenario, variant) {
  const onPath = [];
  gc();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < scenario.calls; i++) {
    const t = performance.now();
    await scenario.run(variant.client);
    const end = performance.now();
    onPath.push((marks.sent - t + (end - marks.arrived)) * 1e3);
  }
  await flushVariant(variant.mod);
  const cpu = process.cpuUsage(cpu0);
  return { latency: median(onPath), cpu: (cpu.user + cpu.system) / scenario.calls };
}

async function measure(clients) {
  const names = Object.keys(clients);
  const results = [];
  for (const scenario of scenarios) {
    for (const n of names) await round(scenario, clients[n]); // warm-up
    const added = { latency: {}, cpu: {} };
    for (const key of Object.keys(added)) for (const n of names) added[key][n] = [];
    const base = { latency: [], cpu: [] };
    for (let r = 0; r < ROUNDS; r++) {
      const order = names.map((_, i) => names[(i + r) % names.length]);
      const got = {};
      for (const n of order) got[n] = await round({ ...scenario, calls: scenario.calls * SCALE }, clients[n]);
      for (const key of Object.keys(added)) {
        base[key].push(got.none[key]);
        for (const n of names) added[key][n].push(got[n][key] - got.none[key]);
      }
    }
    results.push({ scenario: scenario.name, base, added });
  }
  return results;
}

async function main() {
  const server = fork(join(here, 'support', 'fixed-server.mjs'), [`--delay=${API_LATENCY_MS}`], { stdio: 'inherit' });
  const { port } = await new Promise((r) => server.once('message', r));
  const clients = variants(`http://127.0.0.1:${port}/v1`);
  const results = await measure(clients);
  server.kill();

  const peers = Object.keys(clients).filter((n) => n !== 'none');
  console.log(
    `openai ${version}, Node ${process.version}, server answering after ${API_LATENCY_MS} ms, ${ROUNDS} rounds; ` +
      'medians of per-round differences to the uninstrumented client, µs per call',
  );
  const fmt = ({ ratio, low, high }) =>
    Number.isNaN(ratio) ? 'n/a' : `${ratio.toFixed(2)} [${low.toFixed(2)}, ${high.toFixed(2)}]`;
  for (const [key, label] of [
    ['latency', "added latency on the application's path (call -> request sent, response -> result)"],
    ['cpu', 'added CPU per call, off-path work and export included'],
  ]) {
    console.log(`\n${label}`);
    console.log(
      `${'scenario'.padEnd(25)} | ${'base'.padStart(7)} | ${peers.map((p) => `${p} +`.padStart(12)).join(' | ')} | tokentax/contrib [80%]  | goal`,
    );
    for (const r of results) {
      const m = Object.fromEntries(peers.map((p) => [p, median(r.added[key][p])]));
      const ratio = bootstrapRatio(r.added[key].tokentax, r.added[key].contrib);
      const goal = GOALS[key];
      const verdict = Number.isNaN(ratio.ratio) ? 'n/a' : ratio.ratio <= goal ? 'met' : 'NOT met';
      console.log(
        `${r.scenario.padEnd(25)} | ${median(r.base[key]).toFixed(0).padStart(7)} | ${peers
          .map((p) => m[p].toFixed(1).padStart(Math.max(12, p.length + 2)))
          .join(' | ')} | ${fmt(ratio).padEnd(23)} | <= ${goal.toFixed(2)} ${verdict}`,
      );
    }
  }
  if (PREVIOUS) {
    console.log('\ntokentax minus the BENCH_DIST build, as a share of the uninstrumented call (its on-path latency');
    console.log('and its CPU per call); below 1% the difference does not pay for itself either way');
    for (const r of results) {
      const share = (key) => {
        const d = r.added[key].tokentax.map((x, i) => x - r.added[key]['tokentax (BENCH_DIST)'][i]);
        const wall = median(r.base.latency) + API_LATENCY_MS * 1e3;
        return `${median(d).toFixed(1)} µs (${((100 * median(d)) / wall).toFixed(2)}% of a ${(wall / 1e3).toFixed(1)} ms call)`;
      };
      console.log(`${r.scenario.padEnd(25)} | latency ${share('latency')} | CPU ${share('cpu')}`);
    }
  }
  const floor = results.map((r) => {
    const ratio = bootstrapRatio(r.added.latency.floor, r.added.latency.contrib);
    return `${r.scenario}: ${fmt(ratio)}`;
  });
  console.log(
    `\nfloor (a span started, the call run in its context, the span ended) / contrib, on-path latency; above ${GOALS.latency.toFixed(2)} the latency goal cannot be met with the OpenTelemetry SDK:\n  ${floor.join('\n  ')}`,
  );
  await shutdownVariants(Object.values(clients).map((c) => c.mod));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
