/** Context measurement: what the instrumentation calls (see ContextMeter in ../contracts). */
export { createContextMeter, type ContextMeterOptions, type ContextMeterHandle, type CompletedContext } from './meter';
export { withConversation, setConversationId, getConversationId } from './conversation-id';
export {
  countTokens,
  clearPieceCaches,
  preloadEncoding,
  isEncodingLoaded,
  encodingForModelName,
  type EncodingName,
} from './tokenizer';
export { sizeBucket, bloatReasons } from './bloat';
