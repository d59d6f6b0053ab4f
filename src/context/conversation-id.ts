/**
 * Lets an application name its conversation (gen_ai.conversation.id) on the active OpenTelemetry
 * context, so every OpenAI call made inside is linked to it without passing ids through the code.
 */
import { context, createContextKey, type Context } from '@opentelemetry/api';

const CONVERSATION_ID = createContextKey('tokentax.conversation.id');

/** A copy of `ctx` that carries the conversation id. */
export function setConversationId(ctx: Context, id: string): Context {
  return ctx.setValue(CONVERSATION_ID, id);
}

/** The conversation id on `ctx` (default: the active context), if any. */
export function getConversationId(ctx: Context = context.active()): string | undefined {
  const value = ctx.getValue(CONVERSATION_ID);
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Runs `fn` with `id` as the conversation id of every call made inside it (sync or async). */
export function withConversation<T>(id: string, fn: () => T): T {
  return context.with(setConversationId(context.active(), id), fn);
}
