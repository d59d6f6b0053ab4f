// A small OpenAI-compatible server for bench/load.bench.mjs, run as a child process: short answers
// (3-chunk streams), usage on two responses in three (the rest make tokentax count with the tokenizer).
import { createServer } from 'node:http';

const usage = { prompt_tokens: 40, completion_tokens: 3, total_tokens: 43 };
const chunk = (delta, finish) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const streamBody =
  chunk({ role: 'assistant', content: 'one' }, null) + chunk({ content: ' two three' }, null) + chunk({}, 'stop');
const streamUsage = `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [], usage })}\n\n`;
const completion = (withUsage) =>
  JSON.stringify({
    id: 'c',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: 'one two three' }, finish_reason: 'stop' }],
    ...(withUsage ? { usage } : {}),
  });
const withUsage = completion(true);
const withoutUsage = completion(false);

let n = 0;
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    const usageHere = n++ % 3 !== 0;
    if (body.includes('"stream":true')) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(
        streamBody + (usageHere && body.includes('"include_usage":true') ? streamUsage : '') + 'data: [DONE]\n\n',
      );
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(usageHere ? withUsage : withoutUsage);
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
