// An agent loop: every turn resends the growing conversation. withConversation() links the turns
// (gen_ai.conversation.id), so each span says its turn, how much of it was recycled from the
// previous request (tokentax.context.recycled_tokens) and what that cost.
//
//   OPENAI_API_KEY=sk-... node --import tokentax/register examples/agent-loop.mjs
import OpenAI from 'openai';
import { withConversation } from 'tokentax';
import { startSimulator } from 'tokentax/demo';
import { describeSpanDestination } from 'tokentax/export';

const simulator = process.env.OPENAI_BASE_URL || process.env.OPENAI_API_KEY ? undefined : await startSimulator();
const client = new OpenAI({
  apiKey: process.env.OPENAI_API_KEY ?? 'sk-simulator',
  baseURL: process.env.OPENAI_BASE_URL ?? simulator?.baseURL,
});

const tools = [
  {
    type: 'function',
    function: {
      name: 'search_docs',
      description: 'Search the documentation',
      parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
    },
  },
];
const messages = [
  { role: 'system', content: 'You are a support agent. Use search_docs before answering.' },
  { role: 'user', content: 'How do I rotate my API key without downtime?' },
];

await withConversation('support-ticket-4711', async () => {
  for (let turn = 1; turn <= 4; turn++) {
    const res = await client.chat.completions.create({ model: process.env.MODEL ?? 'gpt-4.1-mini', messages, tools });
    const message = res.choices[0].message;
    messages.push(message);
    if (!message.tool_calls?.length) {
      console.log(`turn ${turn}: ${message.content}`);
      break;
    }
    for (const call of message.tool_calls) {
      console.log(`turn ${turn}: tool ${call.function.name}(${call.function.arguments})`);
      messages.push({
        role: 'tool',
        tool_call_id: call.id,
        content: 'Create the new key, deploy it, then revoke the old one. '.repeat(20),
      });
    }
    // A follow-up question keeps the conversation going, as users do.
    if (turn === 1) messages.push({ role: 'user', content: 'And for service accounts?' });
  }
});
console.log(`${messages.length} messages in the conversation`);
await simulator?.close();
console.log(describeSpanDestination());
