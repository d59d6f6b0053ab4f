// Where tokentax's per-call time goes, without a network in the way: the openai client (6) is given
// an in-process `fetch` that answers at once, so the figures are the SDK's own work plus the
// instrumentation's, for the three payloads of the instrumentation bench. Variants, interleaved in
// rounds: no instrumentation; tokentax with only spans and metrics; + context measurement; + in-process
// cost (the default); the contrib instrumentation; OpenLLMetry; and the SDK floor (support/variants.mjs:
// the same span attributes and metric records as tokentax's, precomputed, written through the SDK with
// nothing else done; non-streaming payloads). CPU µs per call, medians of per-round
// differences to the uninstrumented client, in two columns:
// - on the call's path: from calling create() to its result (this fetch never yields to the event loop
//   inside a call, so work tokentax defers to a timer runs between calls, not in these windows): what
//   the application waits for;
// - in all: the whole loop including that deferred work (the CPU the process spends).
import { completionBody, scenarios, streamBody } from './support/payloads.mjs';
import { median } from './support/stats.mjs';
import {
  captureOutput,
  contribModule,
  freshOpenAI,
  openllmetryModule,
  sdkFloorModule,
  tokentaxModule,
  version,
} from './support/variants.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const SCALE = Number(process.env.BENCH_CALL_SCALE ?? 2); // calls per round = scenario's calls x SCALE

const fetch = async (_url, init) =>
  String(init?.body).includes('"stream":true')
    ? new Response(streamBody, { status: 200, headers: { 'content-type': 'text/event-stream' } })
    : new Response(completionBody, { status: 200, headers: { 'content-type': 'application/json' } });

const openai = { providerNames: { 'api.openai.com': 'openai' } };
let floorOutput; // the captured tokentax output of the scenario being measured

function variants() {
  const mods = {
    none: freshOpenAI(),
    'tokentax spans+metrics': tokentaxModule({ ...openai, measureContext: false, cost: false }),
    'tokentax +context': tokentaxModule({ ...openai, cost: false }),
    'tokentax default (+cost)': tokentaxModule(openai),
    contrib: contribModule(),
    OpenLLMetry: openllmetryModule(),
    'SDK floor (same output)': sdkFloorModule(() => floorOutput),
  };
  return Object.fromEntries(
    Object.entries(mods).map(([k, m]) => [k, new m.OpenAI({ apiKey: 'sk-bench', fetch, maxRetries: 0 })]),
  );
}

async function perCall(scenario, client, calls) {
  const cpu0 = process.cpuUsage();
  let path = 0;
  for (let i = 0; i < calls; i++) {
    const c0 = process.cpuUsage();
    await scenario.run(client);
    const c = process.cpuUsage(c0);
    path += c.user + c.system;
    // Between calls the event loop turns, as it does while an application waits for the network, so
    // work deferred to a timer runs between calls (outside the per-call windows) in batches of the size
    // an application would see.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await new Promise((resolve) => setTimeout(resolve, 15));
  const total = process.cpuUsage(cpu0);
  return { path: path / calls, total: (total.user + total.system) / calls };
}

const clients = variants();
console.log(
  `openai ${version}, Node ${process.version}, in-process fetch, ${ROUNDS} rounds, CPU µs per call, medians of per-round differences`,
);
for (const scenario of scenarios) {
  const calls = scenario.calls * SCALE;
  const streams = scenario.name.includes('stream');
  floorOutput = streams
    ? undefined
    : await captureOutput((c) => scenario.run(c), {
        tokentax: openai,
        client: { apiKey: 'sk-bench', fetch, maxRetries: 0 },
      });
  const names = Object.keys(clients).filter((n) => !(streams && n.startsWith('SDK floor')));
  for (const n of names) await perCall(scenario, clients[n], Math.ceil(calls / 4)); // warm-up
  const added = {
    path: Object.fromEntries(names.map((n) => [n, []])),
    total: Object.fromEntries(names.map((n) => [n, []])),
  };
  const base = [];
  for (let round = 0; round < ROUNDS; round++) {
    const got = {};
    for (let i = 0; i < names.length; i++) {
      const n = names[(i + round) % names.length];
      got[n] = await perCall(scenario, clients[n], calls);
    }
    base.push(got.none.total);
    for (const n of names) for (const k of ['path', 'total']) added[k][n].push(got[n][k] - got.none[k]);
  }
  console.log(`\n${scenario.name} (${calls} calls per round; uninstrumented SDK ${median(base).toFixed(1)} µs/call)`);
  console.log(`${'variant'.padEnd(26)} | on the call's path          | in all (incl. work just after the call)`);
  const contrib = { path: median(added.path.contrib), total: median(added.total.contrib) };
  for (const n of names.filter((x) => x !== 'none')) {
    const cell = (k) => {
      const m = median(added[k][n]);
      return `+${m.toFixed(1).padStart(7)} µs (${(m / contrib[k]).toFixed(2)}x contrib)`;
    };
    console.log(`${n.padEnd(26)} | ${cell('path')} | ${cell('total')}`);
  }
}
