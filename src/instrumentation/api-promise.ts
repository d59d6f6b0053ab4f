/**
 * Observes an SDK APIPromise without consuming it. The body is parsed only if the application asks
 * for it (await, .then, .withResponse, helpers); .asResponse() callers keep an unread body. Errors are
 * seen on a chained promise that re-throws the very same error, so an unawaited failure still surfaces
 * as an unhandled rejection, exactly as without tokentax.
 */
import { setImmediate as realSetImmediate } from 'node:timers';
import type { Call } from './call';
import { guard } from './safe';

interface APIPromiseLike {
  responsePromise: Promise<unknown>;
  parseResponse: (...args: unknown[]) => unknown;
}

const isAPIPromise = (v: unknown): v is APIPromiseLike =>
  !!v &&
  typeof v === 'object' &&
  typeof (v as APIPromiseLike).parseResponse === 'function' &&
  typeof (v as APIPromiseLike).responsePromise?.then === 'function';

const isStream = (v: unknown): v is { iterator: unknown; controller?: unknown } =>
  !!v &&
  typeof v === 'object' &&
  typeof (v as { iterator?: unknown }).iterator === 'function' &&
  Symbol.asyncIterator in v;

export function observe(result: unknown, call: Call): void {
  if (isAPIPromise(result)) observeAPIPromise(result, call);
  else if (result && typeof (result as Promise<unknown>).then === 'function') {
    // Not an APIPromise (a future SDK shape): observe the plain promise without changing it.
    (result as Promise<unknown>).then(
      (value) => onParsed(value, call),
      (error) => call.fail(error),
    );
  } else call.fail(new Error('unexpected SDK return value'));
}

function observeAPIPromise(p: APIPromiseLike, call: Call): void {
  let parsing = false;
  const originalParse = p.parseResponse;
  p.parseResponse = function parseObserved(this: unknown, ...args: unknown[]) {
    parsing = true;
    const out = originalParse.apply(this, args);
    if (out && typeof (out as Promise<unknown>).then === 'function') {
      return (out as Promise<unknown>).then(
        (value) => {
          onParsed(value, call);
          return value;
        },
        (error) => {
          call.fail(error);
          throw error;
        },
      );
    }
    onParsed(out, call);
    return out;
  };

  p.responsePromise = p.responsePromise.then(
    (response) => {
      // parse() chains on this promise; by the next macrotask it has run if anyone asked for the body.
      realSetImmediate(() => {
        if (!parsing) call.endUnparsed();
      });
      return response;
    },
    (error) => {
      call.fail(error);
      throw error;
    },
  );
}

function onParsed(value: unknown, call: Call): void {
  guard('reading the response', () => {
    if (isStream(value)) {
      if (!call.observeStream(value)) call.endUnparsed();
    } else call.succeed(value);
  });
}
