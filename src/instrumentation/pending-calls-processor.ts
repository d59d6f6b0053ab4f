/**
 * Ends the spans of calls still in the deferred queue (./deferred) when the tracer provider is
 * flushed, and also those of calls still open (cut short) when it shuts down: `await
 * provider.forceFlush()` right after a call (serverless handlers) and shutdown at exit then export
 * those spans too. First in createTokentax().spanProcessors, so the queue is drained before the
 * exporting processors collect what they hold.
 */
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { drainPendingCalls } from './deferred';
import { endOpenCalls } from './open-calls';

export class PendingCallsProcessor implements SpanProcessor {
  onStart(_span: Span, _parentContext: Context): void {}
  onEnd(_span: ReadableSpan): void {}
  forceFlush(): Promise<void> {
    drainPendingCalls();
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    endOpenCalls();
    return Promise.resolve();
  }
}
