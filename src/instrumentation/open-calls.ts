/**
 * Calls whose span is still open (a stream not read to its end, a request in flight). At shutdown
 * endOpenCalls() ends them, marked tokentax.call.cut_short, so their spans are exported rather than lost.
 * Bounded: streams an application drops unread would otherwise stay here for the life of the process.
 */
import { diag } from '@opentelemetry/api';
import { drainPendingCalls } from './deferred';

/** Open calls kept; past it the oldest is ended, cut short, to make room. */
export const MAX_OPEN_CALLS = 10_000;

interface OpenCall {
  cutShort(): void;
}

const open = new Set<OpenCall>();
let evicted = 0;

export function callOpened(call: OpenCall): void {
  if (open.size >= MAX_OPEN_CALLS) {
    const oldest = open.values().next().value as OpenCall;
    open.delete(oldest);
    if (evicted++ === 0)
      diag.warn(
        `tokentax: ${MAX_OPEN_CALLS} calls were open at once (streams left unread?); ` +
          'the oldest are now ended and marked tokentax.call.cut_short',
      );
    oldest.cutShort();
  }
  open.add(call);
}

export function callEnded(call: OpenCall): void {
  open.delete(call);
}

/**
 * Ends the span of every call still open (marked as cut short), then completes every pending span.
 * Call it before shutting the tracer provider down. Returns how many calls were cut short.
 */
export function endOpenCalls(): number {
  const calls = [...open];
  for (const call of calls) call.cutShort();
  drainPendingCalls();
  return calls.length;
}

/** Calls currently open (for tests and diagnostics). */
export function openCallCount(): number {
  return open.size;
}
