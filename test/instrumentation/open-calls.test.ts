/** The set of open calls is bounded: streams dropped unread cannot grow it for the life of the process. */
import { describe, expect, it } from 'vitest';
import {
  callEnded,
  callOpened,
  endOpenCalls,
  MAX_OPEN_CALLS,
  openCallCount,
} from '../../src/instrumentation/open-calls';

describe('open calls', () => {
  it('past the bound, the oldest open call is ended (cut short) to make room', () => {
    const cut: number[] = [];
    const calls = Array.from({ length: MAX_OPEN_CALLS + 3 }, (_, i) => {
      const call = { cutShort: () => (cut.push(i), callEnded(call)) };
      return call;
    });
    const before = openCallCount();
    expect(before).toBe(0);
    for (const call of calls) callOpened(call);
    expect(openCallCount()).toBe(MAX_OPEN_CALLS);
    expect(cut).toEqual([0, 1, 2]);
    expect(endOpenCalls()).toBe(MAX_OPEN_CALLS);
    expect(openCallCount()).toBe(0);
    expect(cut).toHaveLength(MAX_OPEN_CALLS + 3);
  });
});
