/**
 * Calls whose span is still open (a stream not read to its end, a request in flight). At shutdown
 * endOpenCalls() ends them, marked tokentax.call.cut_short, so their spans are exported rather than lost.
 */
import { drainPendingCalls } from './deferred';

interface OpenCall {
  cutShort(): void;
}

const open = new Set<OpenCall>();

export function callOpened(call: OpenCall): void {
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
