// The three payloads of the overhead benchmarks (the instrumentation issue's): a tiny prompt, a
// 20-message ~30k-token agent prompt, and a 200-chunk stream; and the answers the servers give.
const PARAGRAPH =
  'The service resends its repository context on every turn: module layouts, function signatures, ' +
  'test output and the diff under review. ';
const CODE =
  'export function handler(req, res) {\n  const user = await db.users.find({ id: req.params.id });\n  return res.json(user);\n}\n';

export function bigMessages() {
  const messages = [{ role: 'system', content: PARAGRAPH.repeat(40) }];
  for (let i = 0; i < 19; i++) {
    const content = (i % 2 ? CODE : PARAGRAPH).repeat(i % 2 ? 55 : 48) + ` (turn ${i})`;
    messages.push({ role: i % 2 ? 'assistant' : 'user', content });
  }
  return messages;
}

const MODEL = 'gpt-4o-mini-2024-07-18';
export const usage = {
  prompt_tokens: 30000,
  completion_tokens: 12,
  total_tokens: 30012,
  prompt_tokens_details: { cached_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0 },
};
export const completionBody = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1,
  model: MODEL,
  choices: [
    { index: 0, message: { role: 'assistant', content: 'The answer is forty-two, as always.' }, finish_reason: 'stop' },
  ],
  usage,
});
const chunk = (delta, finish) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: MODEL, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
export const streamBody = (() => {
  let body = chunk({ role: 'assistant', content: '' }, null);
  for (let i = 0; i < 200; i++) body += chunk({ content: ` word${i}` }, null);
  body += chunk({}, 'stop');
  body += `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: MODEL, choices: [], usage })}\n\n`;
  return body + 'data: [DONE]\n\n';
})();

/** name, calls per round, and one call (awaiting the whole result or stream). */
export const scenarios = [
  {
    name: 'tiny prompt',
    calls: 150,
    run: (c) => c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hi' }] }),
  },
  {
    name: '20 messages, ~30k tokens',
    calls: 40,
    messages: bigMessages(),
    run(c) {
      return c.chat.completions.create({ model: 'gpt-4o-mini', messages: this.messages });
    },
  },
  {
    name: '200-chunk stream',
    calls: 40,
    async run(c) {
      const stream = await c.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Count' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const _ of stream);
    },
  },
];
