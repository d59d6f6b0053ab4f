/**
 * Shared pieces of the hardening suite: a span processor that counts starts and ends per span id
 * (a span ended twice, or never, is a bug), a capturing OTel diag logger, and a seeded PRNG.
 */
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

export class SpanCounter implements SpanProcessor {
  readonly started = new Map<string, number>();
  readonly ended = new Map<string, number>();

  onStart(span: Span, _parent: Context): void {
    const id = span.spanContext().spanId;
    this.started.set(id, (this.started.get(id) ?? 0) + 1);
  }

  onEnd(span: ReadableSpan): void {
    const id = span.spanContext().spanId;
    this.ended.set(id, (this.ended.get(id) ?? 0) + 1);
  }

  /** Spans started but not ended. */
  open(): string[] {
    return [...this.started.keys()].filter((id) => !this.ended.has(id));
  }

  /** Spans ended more than once (the SDK warns and drops the second end: still a bug). */
  endedTwice(): string[] {
    return [...this.ended].filter(([, n]) => n > 1).map(([id]) => id);
  }

  reset(): void {
    this.started.clear();
    this.ended.clear();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export interface CapturedLog {
  level: 'error' | 'warn' | 'info' | 'debug' | 'verbose';
  message: string;
  args: unknown[];
}

/** Installs a diag logger that keeps every line (the only channel tokentax reports faults through). */
export function captureDiag(level: DiagLogLevel = DiagLogLevel.ALL): {
  logs: CapturedLog[];
  text(): string;
  restore(): void;
} {
  const logs: CapturedLog[] = [];
  const at =
    (l: CapturedLog['level']) =>
    (message: string, ...args: unknown[]) =>
      void logs.push({ level: l, message, args });
  const logger: DiagLogger = {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    verbose: at('verbose'),
  };
  diag.setLogger(logger, { logLevel: level, suppressOverrideMessage: true });
  return {
    logs,
    text: () => logs.map((l) => `${l.level} ${l.message} ${l.args.map(describeArg).join(' ')}`).join('\n'),
    restore: () => diag.disable(),
  };
}

function describeArg(a: unknown): string {
  if (a instanceof Error) return `${a.name}: ${a.message}\n${a.stack ?? ''}`;
  try {
    return typeof a === 'string' ? a : JSON.stringify(a);
  } catch {
    return String(a);
  }
}

export { rng } from '../support/rng';

/** Every number anywhere in an attribute set (arrays included) that is NaN or infinite. */
export function nonFinite(attributes: Record<string, unknown>): string[] {
  const bad: string[] = [];
  for (const [k, v] of Object.entries(attributes)) {
    const values = Array.isArray(v) ? v : [v];
    for (const x of values) if (typeof x === 'number' && !Number.isFinite(x)) bad.push(`${k}=${x}`);
  }
  return bad;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until every started span has ended (streams end theirs when iteration finishes). */
export async function allEnded(counter: SpanCounter, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (counter.open().length > 0 && Date.now() < until) await sleep(5);
}
