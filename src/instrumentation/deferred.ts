/**
 * Work that does not have to happen while the application waits: context measurement, completing
 * the span's attributes, cost (in onEnding), metric records and span.end() run in queues drained by
 * a short timer — after the application's await has resumed, while its requests wait. The span keeps
 * the end time captured when the call really ended.
 *
 * A drain takes its calls in three passes: first, in order, measurement and completion; then every
 * call's attributes and metric records; then every span's end. The first pass must be FIFO: a call's
 * measurement runs before its completion, and one call's completion (which links a Responses id to its
 * conversation) before the next call's measurement, exactly in the order the calls started and ended.
 * The later passes only group the same work across calls, which keeps its code and data warm: 8-11%
 * less CPU per call in the drain than one call at a time (tiny and 30k payloads, calls back to back,
 * means of six paired runs).
 * Anything that must see every span (forceFlush, shutdown, disable, tests) drains synchronously first:
 * drainPendingCalls().
 */
import { setTimeout as realSetTimeout } from 'node:timers';
import { reportOnce } from './safe';

/** How long finished calls may wait to be completed; their spans keep their real end times. */
export const DRAIN_DELAY_MS = 10;

/** The passes of a drain, in the order they run. */
export enum Pass {
  /** Measurement and completion, strictly in call order. */
  Complete = 0,
  /** Setting the completed attributes and recording metrics. */
  Record = 1,
  /** span.end() (cost and export happen in the span processors). */
  End = 2,
}

const queues: Array<Array<() => void>> = [[], [], []];
let scheduled = false;
let draining = false;

export function defer(task: () => void, pass: Pass = Pass.Complete): void {
  queues[pass].push(task);
  // While draining, the running drain takes it (completion queues its record and end): no wake-up.
  if (!scheduled && !draining) {
    scheduled = true;
    // A timer, not setImmediate: an immediate would run before the application's next request has
    // gone out and delay it; a timer runs while requests wait for their answers. 10 ms, not 1: one
    // wake-up for all the calls of that window (a wake-up of its own per call cost more CPU than the
    // work it runs on this 2-core VM). node:timers' own function: an application's fake timers
    // (replacing the global) must not hold spans back.
    realSetTimeout(drainPendingCalls, DRAIN_DELAY_MS);
  }
}

/** Runs every pending task now, pass by pass (tasks queued meanwhile included). Never throws. */
export function drainPendingCalls(): void {
  scheduled = false;
  // A task that ends a span can reach a processor that flushes: the outer loop is already draining.
  if (draining) return;
  draining = true;
  try {
    // A task may queue more, in its own pass or a later one (completion queues its record and end);
    // the passes repeat until all are empty.
    while (pendingCalls() > 0) for (const queue of queues) runAll(queue);
  } finally {
    draining = false;
  }
}

function runAll(queue: Array<() => void>): void {
  // Index loop, not shift(): O(1) per task; a task may queue more, which this loop also runs.
  for (let i = 0; i < queue.length; i++) {
    try {
      queue[i]();
    } catch (error) {
      reportOnce('finishing a call', error);
    }
  }
  queue.length = 0;
}

/** Tasks waiting (for tests and diagnostics). */
export function pendingCalls(): number {
  return queues[0].length + queues[1].length + queues[2].length;
}
