// Where tokentax's per-call time goes, without a network in the way: the openai client (6) is given
// an in-process `fetch` that answers at once, so the figures are the SDK's own work plus the
// instrumentation's. Variants, interleaved in rounds: no instrumentation; tokentax with only spans
// and metrics; + context measurement; + in-process cost (the default); the contrib instrumentation;
// OpenLLMetry. Medians of per-round differences to the uninstrumented client.
import { contribModule, freshOpenAI, median, openllmetryModule, tokentaxModule, version } from './support/variants.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const CALLS = Number(process.env.BENCH_CALLS ?? 400);

const body = JSON.stringify({
  id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi there, how can I help?' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 9, completion_tokens: 7, total_tokens: 16, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
});
const fetch = async () => new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });

function variants() {
  const openai = { providerNames: { 'api.openai.com': 'openai' } };
  const mods = {
    none: freshOpenAI(),
    'tokentax spans+metrics': tokentaxModule({ ...openai, measureContext: false, cost: false }),
    'tokentax +context': tokentaxModule({ ...openai, cost: false }),
    'tokentax default (+cost)': tokentaxModule(openai),
    contrib: contribModule(),
    OpenLLMetry: openllmetryModule(),
  };
  return Object.fromEntries(Object.entries(mods).map(([k, m]) => [k, new m.OpenAI({ apiKey: 'sk-bench', fetch, maxRetries: 0 })]));
}

const messages = [{ role: 'user', content: 'Say hi' }];
async function perCall(client) {
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
  // This fetch never yields to the event loop: let deferred span completion run inside the window.
  await new Promise((resolve) => setTimeout(resolve, 5));
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / CALLS;
}

const clients = variants();
const names = Object.keys(clients);
for (const n of names) await perCall(clients[n]);
const added = Object.fromEntries(names.map((n) => [n, []]));
const base = [];
for (let round = 0; round < ROUNDS; round++) {
  const got = {};
  for (let i = 0; i < names.length; i++) {
    const n = names[(i + round) % names.length];
    got[n] = await perCall(clients[n]);
  }
  base.push(got.none);
  for (const n of names) added[n].push(got[n] - got.none);
}
console.log(`openai ${version}, in-process fetch, ${ROUNDS} rounds x ${CALLS} calls, CPU µs per call, medians of per-round differences`);
console.log(`uninstrumented SDK: ${median(base).toFixed(1)} µs/call`);
const contrib = median(added.contrib);
for (const n of names.filter((x) => x !== 'none')) {
  const m = median(added[n]);
  console.log(`${n.padEnd(26)} +${m.toFixed(1).padStart(6)} µs   (${(m / contrib).toFixed(2)}x contrib)`);
}
