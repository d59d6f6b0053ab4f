/**
 * Runs token-counting work without holding the event loop: a job is a generator whose every step is
 * small (a slice of text, a slice of the tokenizer's build), and the jobs run one after another, in
 * order, for at most STEP_BUDGET_MS per turn of the event loop, yielding in between (setImmediate).
 *
 * A job runs inline while the inline budget lasts (INLINE_BUDGET_MS per INLINE_WINDOW_MS: a small
 * request is counted at once); the rest waits its turn. Span completion waits for pending counts (the deferred queue
 * asks `countingPending()`), and anything that must see every span now calls `finishCounting()`.
 */
export type CountingJob = Generator<unknown, void, void>;

/** Longest run of counting steps in one turn of the event loop (each step is well under a ms). */
export const STEP_BUDGET_MS = 8;
/** Counting done inline (e.g. measuring a request in the deferred queue) before the rest is queued. */
const INLINE_BUDGET_MS = 4;

/** Pending jobs, oldest first (a Set: a job finished early by its owner leaves in O(1)). */
const jobs = new Set<CountingJob>();
const waiters: Array<() => void> = [];
let scheduled = false;
/** Inline counting spent in the current window of INLINE_WINDOW_MS. */
let inlineSpent = 0;
let inlineWindowStart = 0;
const INLINE_WINDOW_MS = 20;

/**
 * Steps `job` until it ends (true) or `until` (a performance.now() deadline) passes (false). A job
 * handles its own errors; one that throws anyway is dropped, never left to stall the others.
 */
function step(job: CountingJob, until: number): boolean {
  try {
    do {
      if (job.next().done) return true;
    } while (performance.now() < until);
    return false;
  } catch {
    return true;
  }
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  // Unreferenced: pending counts never keep the process alive; shutdown finishes them.
  setImmediate(tick).unref();
}

function tick(): void {
  scheduled = false;
  const until = performance.now() + STEP_BUDGET_MS;
  for (const job of jobs) {
    if (!step(job, until)) break;
    jobs.delete(job);
  }
  if (jobs.size > 0) schedule();
  else settle();
}

function settle(): void {
  const ready = waiters.splice(0, waiters.length);
  for (const waiter of ready) waiter();
}

/**
 * Runs `job`: inline (unless `inline` is false) while the inline budget lasts and nothing is queued
 * before it, the rest in later turns. True when it finished inline.
 */
export function runCounting(job: CountingJob, inline = true): boolean {
  if (inline && jobs.size === 0) {
    const start = performance.now();
    if (start - inlineWindowStart >= INLINE_WINDOW_MS) {
      inlineWindowStart = start;
      inlineSpent = 0;
    }
    const done = inlineSpent < INLINE_BUDGET_MS && step(job, start + INLINE_BUDGET_MS - inlineSpent);
    inlineSpent += performance.now() - start;
    if (done) return true;
  }
  jobs.add(job);
  schedule();
  return false;
}

/** Runs `job` to its end now (its owner needs the result) and takes it off the queue. */
export function finishJob(job: CountingJob): void {
  step(job, Infinity);
  if (jobs.delete(job) && jobs.size === 0) settle();
}

/** Counting work is waiting to run. */
export function countingPending(): boolean {
  return jobs.size > 0;
}

/** Calls `fn` once no counting is pending (at once when none is). */
export function whenCountingDone(fn: () => void): void {
  if (jobs.size === 0) fn();
  else waiters.push(fn);
}

/** Runs every pending job to its end now (flush, shutdown): correct figures over a free event loop. */
export function finishCounting(): void {
  for (const job of jobs) {
    step(job, Infinity);
    jobs.delete(job);
  }
  settle();
}
