/**
 * Fits the counted parts of a request to the API's input tokens. The parts are counted with the
 * model family's tokenizer; what the API adds on top (or counts less) is formatting the request does
 * not show, so with an exact tokenizer the difference goes to the formatting overheads (per message,
 * per tool block, reply priming) in proportion to them, never pro rata across the content. With a
 * ratio estimate (a family we do not ship), the difference is mostly the ratio's error: it is spread
 * pro rata.
 */
import { apportion } from './apportion';

export interface FittedSplit {
  /** Tokens per segment, in segment order. */
  segments: number[];
  /** Tokens added once per request (reply priming and its share of the difference). */
  request: number;
}

/**
 * `counted[i]` is segment i's tokens (its text counted + its fixed overhead `overheads[i]`);
 * `requestOverhead` is added once. The result adds up to `total` exactly.
 */
export function fitToTotal(
  counted: readonly number[],
  overheads: readonly number[],
  requestOverhead: number,
  total: number,
  exact: boolean,
): FittedSplit {
  const n = counted.length;
  const sum = counted.reduce((a, b) => a + b, 0) + requestOverhead;
  const diff = total - sum;
  if (diff === 0) return { segments: counted.slice(), request: requestOverhead };
  const framing = [...overheads, requestOverhead];
  const framingSum = framing.reduce((a, b) => a + b, 0);
  if (exact && (diff > 0 || -diff <= framingSum)) {
    const shares = apportion(Math.abs(diff), framing);
    const sign = diff > 0 ? 1 : -1;
    return {
      segments: counted.map((c, i) => c + sign * shares[i]),
      request: requestOverhead + sign * shares[n],
    };
  }
  if (exact) {
    // The content alone counts more than the API's total (the usage excludes something we count):
    // no formatting is left, and the content is scaled down to the total.
    const content = counted.map((c, i) => c - overheads[i]);
    return { segments: apportion(total, content), request: 0 };
  }
  const parts = apportion(total, [...counted, requestOverhead]);
  return { segments: parts.slice(0, n), request: parts[n] };
}
