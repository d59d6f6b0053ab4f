/**
 * Seeded mutations of real span attribute sets: usage counts turned hostile (NaN, Infinity,
 * negative, strings, arrays, beyond 2^53), provider and model names turned hostile (quotes,
 * backslashes, newlines, OTTL and YAML syntax, unicode, very long), attributes deleted or swapped.
 * `otlpSafe` keeps to values OTLP/JSON can carry (no NaN/Infinity), for the collector.
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { rng } from './support';
import type { RealSpan } from './real-spans';

export const COUNT_NAMES = [
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.cache_creation.input_tokens',
  'gen_ai.usage.reasoning.output_tokens',
  'gen_ai.usage.prompt_tokens',
  'gen_ai.usage.completion_tokens',
  'llm.token_count.prompt',
  'llm.token_count.completion',
  'tokentax.usage.audio_seconds',
  'tokentax.usage.images',
  'gen_ai.request.choice.count',
  'tokentax.context.tokens',
];
const PROVIDER_KEYS = ['gen_ai.provider.name', 'gen_ai.system', 'llm.provider'];
const MODEL_KEYS = ['gen_ai.request.model', 'gen_ai.response.model', 'llm.model_name'];

export const HOSTILE_STRINGS = [
  '',
  ' ',
  'x"y',
  'back\\slash',
  'new\nline',
  'tab\there',
  '${env:HOME}',
  '$${x}',
  '") where true',
  'set(span.attributes["a"], 1)',
  '"; delete_key(span.attributes, "x"); "',
  '{{ .Values }}',
  'key: value',
  '- item',
  '# comment',
  "it's",
  '\u0000nul',
  '\u202eRTL',
  '👩‍👩‍👧‍👦',
  'e\u0301',
  '\ud800',
  'GPT-4O',
  'gpt-4o-2024-08-06',
  'OpenAI',
  ' openai ',
  'x'.repeat(5000),
  'together_ai',
  'azure',
  'openrouter/openai/gpt-4o',
];
const KNOWN_PROVIDERS = [
  'openai',
  'together',
  'fireworks',
  'openrouter',
  'oxlo',
  'azure.ai.openai',
  'unknown.example.com',
];
const KNOWN_MODELS = [
  'gpt-4o',
  'gpt-4o-mini',
  'gpt-5',
  'o3',
  'text-embedding-3-small',
  'meta-llama/Llama-3.3-70B-Instruct-Turbo',
  'llama-3.3-70b',
  'deepseek-v3.2',
  'whisper-1',
  'gpt-image-1',
];

const NUMBERS_ANY = [
  NaN,
  Infinity,
  -Infinity,
  -1,
  -0,
  0,
  0.5,
  1e308,
  Number.MAX_VALUE,
  2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER,
  1,
  100,
  123_456,
  2_000_000,
];
const NUMBERS_OTLP = NUMBERS_ANY.filter((n) => Number.isFinite(n));

export function mutate(
  base: RealSpan[],
  n: number,
  seed: number,
  otlpSafe = false,
): Array<RealSpan & { label: string }> {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const numbers = otlpSafe ? NUMBERS_OTLP : NUMBERS_ANY;
  const anyValue = (): AttributeValue => {
    switch (Math.floor(r() * 7)) {
      case 0:
        return pick(numbers);
      case 1:
        return Math.floor(r() * 500_000);
      case 2:
        return pick(HOSTILE_STRINGS);
      case 3:
        return String(Math.floor(r() * 1000));
      case 4:
        return r() < 0.5;
      case 5:
        return [Math.floor(r() * 10), 2];
      default:
        return ['a', pick(HOSTILE_STRINGS)];
    }
  };
  const out: Array<RealSpan & { label: string }> = [];
  for (let i = 0; i < n; i++) {
    const src = pick(base);
    const a: Attributes = { ...src.attributes };
    let startMs = src.startMs;
    const steps: string[] = [];
    const count = 1 + Math.floor(r() * 4);
    for (let k = 0; k < count; k++) {
      const keys = Object.keys(a);
      switch (Math.floor(r() * 9)) {
        case 0: {
          const key = pick(keys);
          if (key) delete a[key];
          steps.push(`delete ${key}`);
          break;
        }
        case 1:
        case 2: {
          const key = pick(COUNT_NAMES);
          a[key] = r() < 0.6 ? pick(numbers) : anyValue();
          steps.push(`${key}=${String(a[key]).slice(0, 20)}`);
          break;
        }
        case 3: {
          const key = pick(PROVIDER_KEYS);
          a[key] = r() < 0.5 ? pick(KNOWN_PROVIDERS) : pick(HOSTILE_STRINGS);
          steps.push(`${key}=${JSON.stringify(a[key]).slice(0, 20)}`);
          break;
        }
        case 4: {
          const key = pick(MODEL_KEYS);
          a[key] = r() < 0.5 ? pick(KNOWN_MODELS) : r() < 0.8 ? pick(HOSTILE_STRINGS) : anyValue();
          steps.push(`${key}=${JSON.stringify(a[key]).slice(0, 20)}`);
          break;
        }
        case 5: {
          const key = pick(keys);
          if (key) a[key] = anyValue();
          steps.push(`${key}~`);
          break;
        }
        case 6: {
          // Swap two attributes' values (a model name where a count was, ...).
          const k1 = pick(keys);
          const k2 = pick(keys);
          if (k1 && k2) [a[k1], a[k2]] = [a[k2], a[k1]];
          steps.push(`swap ${k1} ${k2}`);
          break;
        }
        case 7: {
          a['gen_ai.operation.name'] = pick([
            'chat',
            'embeddings',
            'text_completion',
            'generate_content',
            'image_generation',
            'transcription',
            '',
            'CHAT',
            'weird',
          ]);
          steps.push(`op=${a['gen_ai.operation.name']}`);
          break;
        }
        default: {
          startMs = otlpSafe
            ? pick([0, 1, Date.parse('2020-01-01'), Date.parse('2099-01-01'), startMs])
            : pick([NaN, -Infinity, Infinity, -1e15, 0, 8.64e15, startMs]);
          steps.push(`time=${startMs}`);
        }
      }
    }
    out.push({
      attributes: a,
      startMs,
      label: `#${i} from ${String(src.attributes['gen_ai.request.model'])}: ${steps.join(', ')}`,
    });
  }
  return out;
}
