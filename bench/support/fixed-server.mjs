// A minimal OpenAI-compatible server for benchmarks, run as a child process: fixed answers, so
// the server's own cost is the same for every variant measured against it.
import { createServer } from 'node:http';

/** `--delay=N`: answer N ms after the request (an API's latency), else at once. */
const DELAY_MS = Number(process.argv.find((a) => a.startsWith('--delay='))?.slice(8) ?? 0);

const usage = { prompt_tokens: 30000, completion_tokens: 12, total_tokens: 30012, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } };
const completion = JSON.stringify({
  id: 'chatcmpl-bench', object: 'chat.completion', created: 1, model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'The answer is forty-two, as always.' }, finish_reason: 'stop' }], usage,
});
const chunk = (delta, finish) => `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
let stream = chunk({ role: 'assistant', content: '' }, null);
for (let i = 0; i < 200; i++) stream += chunk({ content: ` word${i}` }, null);
stream += chunk({}, 'stop');
stream += `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini-2024-07-18', choices: [], usage })}\n\n`;
stream += 'data: [DONE]\n\n';

const server = createServer((req, res) => {
  let streaming = false;
  let body = '';
  req.on('data', (c) => { if (!streaming) { body += c; if (body.includes('"stream":true')) streaming = true; } });
  req.on('end', () => (DELAY_MS > 0 ? setTimeout(answer, DELAY_MS) : answer()));
  function answer() {
    if (streaming) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(stream);
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(completion);
    }
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
