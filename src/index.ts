/**
 * tokentax: what an application needs — the instrumentation, the SDK starter, conversation helpers
 * and the configuration types. The rest is in subpath exports: tokentax/report, tokentax/pricing,
 * tokentax/semconv, tokentax/config, tokentax/export, tokentax/demo and tokentax/register.
 * The NodeSDK starter loads on first call, so `import 'tokentax'` stays cheap (bench/context.bench.mjs).
 */
import type * as SdkStart from './sdk-start';

export { OpenAIInstrumentation } from './instrumentation/instrumentation';
export type { OpenAIInstrumentationConfig } from './instrumentation/config';
export { createTokentax, type Tokentax, type TokentaxOptions } from './tokentax';
export { withConversation, setConversationId, getConversationId } from './context/conversation-id';
export { ConfigError } from './config/validate';
export type { TokentaxConfig } from './config/options';
export type { StartedSDK } from './sdk-start';

/**
 * Starts a NodeSDK (from OTEL_* environment variables) with tokentax, as `tokentax/register` does.
 * Applications that build their own SDK never load @opentelemetry/sdk-node through us.
 */
export const startTokentaxSDK: typeof SdkStart.startTokentaxSDK = (...args) =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./sdk-start') as typeof SdkStart).startTokentaxSDK(...args);
