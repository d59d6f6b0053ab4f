/**
 * createContextMeter: measures each request's context off the application's path (segment hashes,
 * cached per message object), and completes the figures once the API's usage is (or is not) known.
 *
 * Every segment's text is counted with the model family's tokenizer (exact for OpenAI families; o200k
 * times the family's ratio otherwise, then marked tokentax.context.split_estimated), memoised by content
 * hash so an agent loop counts only what is new. Large texts are counted in slices between turns of
 * the event loop (./counting); completing a measurement first finishes its own count. With the API's
 * input tokens the total is the API's, and the difference from the counted total goes to the
 * formatting overheads (./split).
 */
import { diag, type Attributes } from '@opentelemetry/api';
import { DEFAULT_BLOAT, type BloatThresholds } from '../config';
import type {
  ContextMeasurement,
  ContextMeter,
  ContextRequest,
  ModelCatalog,
  ModelInfo,
  PendingCount,
} from '../contracts';
import {
  ATTR_CONTEXT_BLOAT,
  ATTR_CONTEXT_BLOAT_REASONS,
  ATTR_CONTEXT_HISTORY_TOKENS,
  ATTR_CONTEXT_LARGEST_INPUT_TOKENS,
  ATTR_CONTEXT_MESSAGES,
  ATTR_CONTEXT_NEW_TOKENS,
  ATTR_CONTEXT_RECYCLED_RATIO,
  ATTR_CONTEXT_RECYCLED_TOKENS,
  ATTR_CONTEXT_SERVER_STATE,
  ATTR_CONTEXT_SIZE_BUCKET,
  ATTR_CONTEXT_SPLIT_ESTIMATED,
  ATTR_CONTEXT_SYSTEM_TOKENS,
  ATTR_CONTEXT_TOKENS,
  ATTR_CONTEXT_TOOLS_TOKENS,
  ATTR_CONTEXT_TURN,
  ATTR_CONTEXT_UTILIZATION,
  ATTR_CONTEXT_WINDOW,
  ATTR_CONVERSATION_KEY,
  ATTR_USAGE_ESTIMATED,
  OPERATION,
} from '../semconv';
import { bloatReasons, sizeBucket } from './bloat';
import { ConversationTracker, type Observation } from './conversations';
import { finishJob, runCounting } from './counting';
import { Lru } from './lru';
import { CHARS_PER_TOKEN } from './overheads';
import { readRequest } from './read-request';
import { hashSteps, type Category, type ReadRequest } from './segments';
import { fitToTotal } from './split';
import { countingSteps, countingRule, type CountingRule } from './tokenizer';

export interface ContextMeterOptions {
  /** Model data: context window and tokenizer family per model (from the pricing layer). */
  catalog?: ModelCatalog;
  /** Bloat thresholds; missing fields take DEFAULT_BLOAT. */
  bloat?: Partial<BloatThresholds>;
  /** Conversations remembered for turn/recycled tracking (LRU). Default 10,000. */
  maxConversations?: number;
  /** Per-message token counts remembered (LRU). Default 50,000. */
  maxMemoEntries?: number;
  /** Tokens of a tokenizer family per o200k_base token (src/pricing/data/tokenizer-ratios.json); default 1. */
  tokenizerRatios?: Readonly<Record<string, number>>;
}

/** What complete() returns (ContextMeasurement['complete']). */
export type CompletedContext = ReturnType<ContextMeasurement['complete']>;

/** A ContextMeter plus what tests and benchmarks look at. */
export interface ContextMeterHandle extends ContextMeter {
  /** Conversations currently remembered (never above maxConversations). */
  readonly conversations: number;
}

function categoriesOf(read: ReadRequest): Category[] {
  let lastAssistant = -1;
  read.segments.forEach((s, i) => {
    if (s.side === 'assistant') lastAssistant = i;
  });
  return read.segments.map((s, i) => {
    if (s.side === 'system' || s.side === 'tools') return s.side;
    return s.side === 'input' && i > lastAssistant ? 'new' : 'history';
  });
}

const validTotal = (n: number | undefined): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;

/** What a measurement knows once its request is read (the counts fill in as the count runs). */
interface Measured {
  request: ContextRequest;
  read: ReadRequest;
  info: ModelInfo | undefined;
  rule: CountingRule;
  /** Set once the request is linked to its conversation. */
  seen?: Observation;
  base: Attributes;
  /** Preparing failed (reported once): complete with the API's figure only. */
  failed: boolean;
  /** Tokens of each segment's text in the rule's encoding (before the ratio); undefined until counted. */
  counts: Array<number | undefined>;
}

export function createContextMeter(options: ContextMeterOptions = {}): ContextMeterHandle {
  const thresholds: BloatThresholds = { ...DEFAULT_BLOAT, ...(options.bloat ?? {}) };
  const ratios = options.tokenizerRatios ?? {};
  const tracker = new ConversationTracker(options.maxConversations ?? 10_000);
  const memo = new Lru<string, number>(options.maxMemoEntries ?? 50_000);
  const reported = new Set<string>();

  const report = (where: string, err: unknown): void => {
    if (reported.has(where)) return;
    reported.add(where);
    diag.warn(`tokentax: context measurement failed in ${where}; the span goes without some context figures`, err);
  };

  const modelInfo = (model: string, provider?: string): ModelInfo | undefined => {
    try {
      return options.catalog?.model(model, provider);
    } catch (err) {
      report('catalog', err);
      return undefined;
    }
  };

  const ruleFor = (model: string, info: ModelInfo | undefined): CountingRule =>
    countingRule(info?.tokenizer, model, ratios);

  /** Counts every segment not counted yet, in slices (a generator a scheduler steps through). */
  function* countSegments(m: Measured): Generator<unknown, void, void> {
    const { segments } = m.read;
    for (let i = 0; i < segments.length; i++) {
      if (m.counts[i] !== undefined) continue;
      const s = segments[i];
      if (s.text.length === 0) {
        m.counts[i] = 0;
        continue;
      }
      const key = `${m.rule.encoding}:${s.textHash}`;
      let n = memo.get(key);
      if (n === undefined) {
        n = yield* countingSteps(m.rule.encoding, s.text);
        memo.set(key, n);
      }
      m.counts[i] = n;
    }
  }

  function finish(m: Measured, apiInputTokens: number | undefined): CompletedContext {
    const { read, seen, rule } = m;
    const useApi = validTotal(apiInputTokens);
    const fixed = read.segments.map((s) => s.fixedTokens);
    const counted = read.segments.map((s, i) => Math.round((m.counts[i] ?? 0) * rule.ratio) + s.fixedTokens);
    const visible = counted.reduce((a, b) => a + b, 0) + read.requestOverhead;
    let parts = counted;
    let requestPart = read.requestOverhead;
    let tokens = visible;
    // With server-held history (Responses previous_response_id), what the API counts beyond the
    // visible request is that history; without usage it stays unknown.
    let serverHistory: number | undefined;
    if (useApi) {
      tokens = apiInputTokens;
      if (read.serverState) serverHistory = Math.max(0, apiInputTokens - visible);
      if (!read.serverState || apiInputTokens < visible) {
        const fit = fitToTotal(counted, fixed, read.requestOverhead, apiInputTokens, rule.exact);
        parts = fit.segments;
        requestPart = fit.request;
      }
    }
    const sums: Record<Category, number> = { system: 0, history: serverHistory ?? 0, new: requestPart, tools: 0 };
    const cats = categoriesOf(read);
    parts.forEach((t, i) => (sums[cats[i]] += t));

    // Object.assign, not {...base}: V8 gives each spread copy its own hidden class, and the stores
    // that follow then cost ~25 µs per span instead of ~0.5 µs (measured).
    const attributes: Attributes = Object.assign({}, m.base);
    attributes[ATTR_CONTEXT_TOKENS] = tokens;
    attributes[ATTR_CONTEXT_SYSTEM_TOKENS] = sums.system;
    if (!read.serverState || serverHistory !== undefined) attributes[ATTR_CONTEXT_HISTORY_TOKENS] = sums.history;
    attributes[ATTR_CONTEXT_NEW_TOKENS] = sums.new;
    attributes[ATTR_CONTEXT_TOOLS_TOKENS] = sums.tools;
    // A window applies to each input of an embeddings batch, not to the batch: the largest must fit.
    if (m.request.operation === OPERATION.embeddings && parts.length > 0)
      attributes[ATTR_CONTEXT_LARGEST_INPUT_TOKENS] = parts.reduce((a, b) => (b > a ? b : a), 0);
    attributes[ATTR_USAGE_ESTIMATED] = !useApi;
    if (!rule.exact) attributes[ATTR_CONTEXT_SPLIT_ESTIMATED] = true;

    let recycled: number | undefined;
    let ratio: number | undefined;
    if (seen && (!read.serverState || serverHistory !== undefined)) {
      recycled = serverHistory ?? 0;
      for (let i = 0; i < seen.sharedSegments; i++) recycled += parts[i];
      // Never more than the previous request held, nor than this one holds.
      if (seen.previousInputTokens !== undefined) recycled = Math.min(recycled, seen.previousInputTokens);
      recycled = Math.min(recycled, tokens);
      ratio = tokens > 0 ? recycled / tokens : 0;
      attributes[ATTR_CONTEXT_RECYCLED_TOKENS] = recycled;
      attributes[ATTR_CONTEXT_RECYCLED_RATIO] = ratio;
    }
    seen?.settle(tokens);
    let utilization: number | undefined;
    const info = m.info;
    if (info?.window && info.window > 0) {
      utilization = tokens / info.window;
      attributes[ATTR_CONTEXT_WINDOW] = info.window;
      attributes[ATTR_CONTEXT_UTILIZATION] = utilization;
    }
    attributes[ATTR_CONTEXT_SIZE_BUCKET] = sizeBucket(tokens);
    const reasons = bloatReasons({ tokens, utilization, recycledTokens: recycled, recycledRatio: ratio }, thresholds);
    attributes[ATTR_CONTEXT_BLOAT] = reasons.length > 0;
    if (reasons.length > 0) attributes[ATTR_CONTEXT_BLOAT_REASONS] = reasons;
    return {
      attributes,
      inputTokens: tokens,
      estimated: !useApi,
      recycledTokens: recycled,
      contextTokens: tokens,
      utilization,
      bloatReasons: reasons,
    };
  }

  function passThrough(apiInputTokens: number | undefined): CompletedContext {
    const useApi = validTotal(apiInputTokens);
    return { attributes: {}, inputTokens: useApi ? apiInputTokens : 0, estimated: !useApi };
  }

  function fallback(apiInputTokens: number | undefined): CompletedContext {
    if (!validTotal(apiInputTokens)) return { attributes: {}, inputTokens: 0, estimated: true };
    const attributes: Attributes = { [ATTR_CONTEXT_TOKENS]: apiInputTokens, [ATTR_USAGE_ESTIMATED]: false };
    return { attributes, inputTokens: apiInputTokens, estimated: false, contextTokens: apiInputTokens };
  }

  /** Links the request to its conversation (in measurement order) and notes its key and turn. */
  function link(m: Measured): void {
    const seen = tracker.observe(m.read, m.request.conversationId);
    if (!seen) return;
    m.seen = seen;
    m.base[ATTR_CONVERSATION_KEY] = seen.key;
    if (seen.turn !== undefined) m.base[ATTR_CONTEXT_TURN] = seen.turn;
  }

  /**
   * A measurement's work after reading the request, in steps: with a large text, hash it and then link
   * the request (jobs run in order, and the off-path queue waits for them), then count what is new.
   */
  function* prepare(m: Measured, linkAfterHashing: boolean): Generator<unknown, void, void> {
    try {
      if (linkAfterHashing) {
        yield* hashSteps(m.read.segments);
        link(m);
      }
      yield* countSegments(m);
    } catch (err) {
      report('measure', err);
      m.failed = true;
    }
  }

  function measure(request: ContextRequest): ContextMeasurement {
    let m: Measured;
    let job: Generator<unknown, void, void> | undefined;
    try {
      const read = readRequest(request);
      // Operations without a text context (images, audio): nothing to measure beyond the API's figure.
      if (!read) return { attributes: {}, complete: (api) => passThrough(api) };
      const base: Attributes = {};
      base[ATTR_CONTEXT_MESSAGES] = read.messageCount;
      if (read.serverState) base[ATTR_CONTEXT_SERVER_STATE] = true;
      const tracked =
        read.conversational || (request.operation === OPERATION.textCompletion && !!request.conversationId);
      const info = modelInfo(request.model, request.provider);
      const rule = ruleFor(request.model, info);
      m = { request, read, info, rule, base, counts: read.segments.map(() => undefined), failed: false };
      const large = read.segments.some((seg) => seg.textHash === '');
      if (tracked && !large) link(m);
      job = prepare(m, tracked && large);
      // A large text is not even started inline: its first step (hashing) costs milliseconds.
      if (runCounting(job, !large)) job = undefined;
    } catch (err) {
      report('measure', err);
      return { attributes: {}, complete: (api) => fallback(api) };
    }
    let done: CompletedContext | undefined;
    return {
      attributes: m.base,
      complete(apiInputTokens, response) {
        if (done) return done;
        try {
          // Finishes what is left of this request's work now (normally nothing: completion waits).
          if (job) finishJob(job);
          job = undefined;
          if (m.seen && response?.responseId) tracker.linkResponse(response.responseId, m.seen.key);
          done = m.failed ? fallback(apiInputTokens) : finish(m, apiInputTokens);
        } catch (err) {
          report('complete', err);
          done = fallback(apiInputTokens);
        }
        return done;
      },
    };
  }

  function countText(model: string, text: string, provider?: string): PendingCount {
    const estimate = () => (typeof text === 'string' ? Math.ceil(text.length / CHARS_PER_TOKEN) : 0);
    let count: number | undefined;
    let failed = false;
    try {
      if (typeof text !== 'string' || text.length === 0) return { done: true, value: () => 0 };
      const rule = ruleFor(model, modelInfo(model, provider));
      const job = (function* () {
        try {
          count = Math.round((yield* countingSteps(rule.encoding, text)) * rule.ratio);
        } catch (err) {
          report('countText', err);
          failed = true;
        }
      })();
      const pending = !runCounting(job);
      return {
        get done() {
          return count !== undefined || failed;
        },
        value() {
          if (pending) finishJob(job);
          return count ?? estimate();
        },
      };
    } catch (err) {
      report('countText', err);
      return { done: true, value: estimate };
    }
  }

  return {
    measure,
    countText,
    get conversations() {
      return tracker.size;
    },
  };
}
