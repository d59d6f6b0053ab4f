// A minimal OpenAI-compatible server for benchmarks, run as a child process: fixed answers, so
// the server's own cost is the same for every variant measured against it.
import { createServer } from 'node:http';
import { completionBody, streamBody } from './payloads.mjs';

/** `--delay=N`: answer N ms after the request (an API's latency), else at once. */
const DELAY_MS = Number(process.argv.find((a) => a.startsWith('--delay='))?.slice(8) ?? 0);

const server = createServer((req, res) => {
  let streaming = false;
  let body = '';
  req.on('data', (c) => {
    if (!streaming) {
      body += c;
      if (body.includes('"stream":true')) streaming = true;
    }
  });
  req.on('end', () => (DELAY_MS > 0 ? setTimeout(answer, DELAY_MS) : answer()));
  function answer() {
    if (streaming) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(streamBody);
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(completionBody);
    }
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
