/**
 * Work that does not have to happen while the application waits: context measurement, completing
 * the span's attributes, cost (in onEnding), metric records and span.end() run in one FIFO queue,
 * drained by a short timer — after the application's await has resumed, while its requests wait. The span keeps the end time captured when the call really ended.
 *
 * FIFO matters: a call's measurement runs before its completion, and one call's completion (which
 * links a Responses id to its conversation) before the next call's measurement, exactly in the
 * order the calls started and ended. Anything that must see every span (forceFlush, shutdown,
 * disable, tests) drains the queue synchronously first: drainPendingCalls().
 */
import { setTimeout as realSetTimeout } from 'node:timers';
import { reportOnce } from './safe';

/** How long finished calls may wait to be completed; their spans keep their real end times. */
export const DRAIN_DELAY_MS = 10;

const queue: Array<() => void> = [];
let scheduled = false;
let draining = false;

export function defer(task: () => void): void {
  queue.push(task);
  if (!scheduled) {
    scheduled = true;
    // A timer, not setImmediate: an immediate would run before the application's next request has
    // gone out and delay it; a timer runs while requests wait for their answers. 10 ms, not 1: one
    // wake-up for all the calls of that window (a wake-up of its own per call cost more CPU than the
    // work it runs on this 2-core VM). node:timers' own function: an application's fake timers
    // (replacing the global) must not hold spans back.
    realSetTimeout(drainPendingCalls, DRAIN_DELAY_MS);
  }
}

/** Runs every pending task now, in order (tasks queued meanwhile included). Never throws. */
export function drainPendingCalls(): void {
  scheduled = false;
  // A task that ends a span can reach a processor that flushes: the outer loop is already draining.
  if (draining) return;
  draining = true;
  try {
    // Index loop, not shift(): O(1) per task; a task may queue more, which this loop also runs.
    for (let i = 0; i < queue.length; i++) {
      try {
        queue[i]();
      } catch (error) {
        reportOnce('finishing a call', error);
      }
    }
  } finally {
    queue.length = 0;
    draining = false;
  }
}

/** Tasks waiting (for tests and diagnostics). */
export function pendingCalls(): number {
  return queue.length;
}
