/** Performs a recorded exchange through a real `openai` client, the way an application would. */
import type { Exchange } from './recordings';

export interface CallOutcome {
  result?: unknown;
  chunks?: unknown[];
  error?: { name: string; message: string; status?: number };
  extra?: unknown;
}

const METHOD_BY_PATH: Record<string, (c: any) => (body: any, opts?: any) => any> = {
  '/v1/chat/completions': (c) => c.chat.completions.create.bind(c.chat.completions),
  '/v1/responses': (c) => c.responses.create.bind(c.responses),
  '/v1/embeddings': (c) => c.embeddings.create.bind(c.embeddings),
  '/v1/completions': (c) => c.completions.create.bind(c.completions),
};

/** Plain data, so results of two runs compare by value (class instances and SDK internals aside). */
export const plain = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

export function errorOf(e: unknown): CallOutcome['error'] {
  const err = e as { constructor?: { name: string }; message?: string; status?: number };
  return { name: err?.constructor?.name ?? typeof e, message: String(err?.message ?? e), status: err?.status };
}

/** style: how the recording's name says the application used the SDK. */
export async function perform(client: any, ex: Exchange, recording: string): Promise<CallOutcome> {
  const create = METHOD_BY_PATH[ex.path]?.(client);
  if (!create) throw new Error(`no SDK method for ${ex.path}`);
  const body = structuredClone(ex.body);
  try {
    if (!body.stream) {
      if (recording.includes('withresponse')) {
        const { data, response } = await create(body).withResponse();
        return { result: plain(data), extra: response.status };
      }
      return { result: plain(await create(body)) };
    }
    if (recording.includes('withresponse')) {
      const { data: stream, response } = await create(body).withResponse();
      return { chunks: await drain(stream), extra: response.status };
    }
    const stream = await create(body);
    if (recording.includes('tee')) {
      const [a, b] = stream.tee();
      const [ca, cb] = await Promise.all([drain(a), drain(b)]);
      return { chunks: ca, extra: plain(cb) };
    }
    if (recording.includes('abort')) {
      const chunks: unknown[] = [];
      try {
        for await (const chunk of stream) {
          chunks.push(plain(chunk));
          stream.controller.abort();
        }
      } catch (e) {
        return { chunks, error: errorOf(e) };
      }
      return { chunks };
    }
    if (recording.includes('double-iteration')) {
      const chunks = await drain(stream);
      try {
        await drain(stream);
      } catch (e) {
        return { chunks, error: errorOf(e) };
      }
      return { chunks };
    }
    return { chunks: await drain(stream) };
  } catch (e) {
    return { error: errorOf(e) };
  }
}

export async function drain(stream: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const chunk of stream) out.push(plain(chunk));
  return out;
}
