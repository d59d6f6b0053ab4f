/**
 * The one queue of work that need not happen while the application waits: measuring a request's
 * context, then completing, recording and ending its call's span (cost runs in the span processors
 * on end). A short timer drains it while the application's requests wait for their answers; a span
 * keeps the end time captured when its call really ended. FIFO: a call's measurement runs before its
 * completion, and calls are measured in the order they started (a conversation's turns).
 *
 * Bounded: when `MAX_QUEUED_TASKS` tasks wait (a loop of calls that never yields to I/O, so the timer
 * cannot fire), the call that would add one more drains the queue inline first; this is counted and
 * logged once. Anything that must see every span (flush, shutdown, disable, tests) drains first.
 *
 * Token counting of large requests runs in slices between turns of the event loop (context/counting):
 * while a count is pending the drain pauses, so every span completes in order with its figures, and
 * resumes once it is done; a forced drain (full queue, flush, shutdown) finishes the count first.
 */
import { diag } from '@opentelemetry/api';
import { setTimeout as realSetTimeout } from 'node:timers';
import { countingPending, finishCounting, whenCountingDone } from '../context/counting';
import { reportOnce } from './safe';

/** How long finished calls may wait to be completed; their spans keep their real end times. */
export const DRAIN_DELAY_MS = 10;
/** Tasks (about two per call) that may wait before a call drains the queue inline. */
export const MAX_QUEUED_TASKS = 2048;

const queue: Array<() => void> = [];
let scheduled = false;
let draining = false;
let inlineDrains = 0;

export function defer(task: () => void): void {
  queue.push(task);
  // While draining, the running drain takes it (a measurement queues nothing, a completion nothing).
  if (draining) return;
  if (queue.length >= MAX_QUEUED_TASKS) {
    if (inlineDrains++ === 0)
      diag.warn(
        `tokentax: ${MAX_QUEUED_TASKS} span tasks were waiting (calls without I/O in between); ` +
          'spans are now completed on the calls themselves when the queue is full',
      );
    drainPendingCalls();
    return;
  }
  if (!scheduled) {
    scheduled = true;
    // A timer, not setImmediate: an immediate would run before the application's next request has
    // gone out and delay it. node:timers' own function: an application's fake timers must not hold
    // spans back.
    realSetTimeout(drainUnforced, DRAIN_DELAY_MS);
  }
}

function drainUnforced(): void {
  drain(false);
}

/** Runs every pending task now, in order (tasks queued meanwhile included). Never throws. */
export function drainPendingCalls(): void {
  drain(true);
}

/** `force`: finish pending token counts inline rather than pause until they are done. */
function drain(force: boolean): void {
  scheduled = false;
  // A task that ends a span can reach a processor that flushes: the outer loop is already draining.
  if (draining) return;
  draining = true;
  let next = 0;
  try {
    // Index loop, not shift(): O(1) per task; a task may queue more, which this loop also runs.
    for (; next < queue.length; next++) {
      if (countingPending()) {
        if (!force) break;
        finishCounting();
      }
      try {
        queue[next]();
      } catch (error) {
        reportOnce('finishing a call', error);
      }
    }
  } finally {
    queue.splice(0, next);
    draining = false;
  }
  if (queue.length > 0 && !scheduled) {
    scheduled = true;
    whenCountingDone(drainUnforced);
  }
}

/** Tasks waiting (for tests and diagnostics). */
export function pendingCalls(): number {
  return queue.length;
}

/** How often the queue was full and a call drained it inline (for tests and diagnostics). */
export function inlineDrainCount(): number {
  return inlineDrains;
}
