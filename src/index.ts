/** tokentax: the public API. */
export { OpenAIInstrumentation } from './instrumentation/instrumentation';
export type { OpenAIInstrumentationConfig } from './instrumentation/config';
export { createTokentax, type Tokentax, type TokentaxOptions } from './tokentax';
export { startTokentaxSDK } from './sdk-start';
export { withConversation, setConversationId, getConversationId, createContextMeter } from './context';
export { loadConfig, ConfigError, DEFAULT_BLOAT, type TokentaxConfig, type BloatThresholds } from './config';
export * as semconv from './semconv';
export { VERSION } from './version';
