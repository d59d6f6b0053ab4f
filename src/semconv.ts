/**
 * Every attribute, metric and value name tokentax reads or writes, in one place.
 *
 * Alerts, reports, collector configs and users' saved queries depend on these names (the span
 * contract in DESIGN.md), so nothing else in the code base spells them out.
 */

// --- OpenTelemetry GenAI semantic conventions (current names) ---
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
export const ATTR_GEN_AI_REQUEST_TOP_P = 'gen_ai.request.top_p';
export const ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY = 'gen_ai.request.frequency_penalty';
export const ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY = 'gen_ai.request.presence_penalty';
export const ATTR_GEN_AI_REQUEST_STOP_SEQUENCES = 'gen_ai.request.stop_sequences';
export const ATTR_GEN_AI_REQUEST_SEED = 'gen_ai.request.seed';
export const ATTR_GEN_AI_REQUEST_CHOICE_COUNT = 'gen_ai.request.choice.count';
export const ATTR_GEN_AI_REQUEST_STREAM = 'gen_ai.request.stream';
export const ATTR_GEN_AI_REQUEST_ENCODING_FORMATS = 'gen_ai.request.encoding_formats';
export const ATTR_GEN_AI_OUTPUT_TYPE = 'gen_ai.output.type';
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK = 'gen_ai.response.time_to_first_chunk';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = 'gen_ai.usage.cache_creation.input_tokens';
export const ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens';
export const ATTR_GEN_AI_CONVERSATION_ID = 'gen_ai.conversation.id';
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';
export const ATTR_GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
export const ATTR_GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const ATTR_GEN_AI_SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT = 'gen_ai.embeddings.dimension.count';

/** error.type values tokentax sets itself; every other failure carries the SDK error's class name
 *  (RateLimitError, APIConnectionError, ...) or, for a failed Responses answer, the API's error code. */
export const ERROR_TYPE = {
  /** The application aborted the request (AbortSignal, stream.controller.abort()): the SDK's class for
   *  it, also while a stream is read, where the SDK ends the stream quietly instead of throwing. */
  aborted: 'APIUserAbortError',
  /** The application stopped reading a stream before its end (break, return) or dropped it unread. */
  cancelled: 'cancelled',
  /** The conventions' fallback. */
  other: '_OTHER',
} as const;

// --- Older GenAI names, written only when OTEL_SEMCONV_STABILITY_OPT_IN asks for them, and read
// from other instrumentations' spans by the cost engine ---
export const ATTR_GEN_AI_SYSTEM = 'gen_ai.system';
export const ATTR_GEN_AI_USAGE_PROMPT_TOKENS = 'gen_ai.usage.prompt_tokens';
export const ATTR_GEN_AI_USAGE_COMPLETION_TOKENS = 'gen_ai.usage.completion_tokens';
export const ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER = 'openai.response.service_tier';
export const ATTR_GEN_AI_OPENAI_REQUEST_SERVICE_TIER = 'openai.request.service_tier';

// --- Other conventions the cost engine understands (OpenLLMetry, OpenInference) ---
export const ATTR_LLM_USAGE_TOTAL_TOKENS = 'llm.usage.total_tokens';
export const ATTR_LLM_REQUEST_TYPE = 'llm.request.type';
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS_OPENLLMETRY = 'gen_ai.usage.cache_read_input_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS_OPENLLMETRY = 'gen_ai.usage.cache_creation_input_tokens';
export const ATTR_GEN_AI_USAGE_REASONING_TOKENS_OPENLLMETRY = 'gen_ai.usage.reasoning_tokens';
export const ATTR_OPENINFERENCE_MODEL_NAME = 'llm.model_name';
export const ATTR_OPENINFERENCE_PROVIDER = 'llm.provider';
export const ATTR_OPENINFERENCE_SYSTEM = 'llm.system';
export const ATTR_OPENINFERENCE_TOKEN_COUNT_PROMPT = 'llm.token_count.prompt';
export const ATTR_OPENINFERENCE_TOKEN_COUNT_COMPLETION = 'llm.token_count.completion';
export const ATTR_OPENINFERENCE_TOKEN_COUNT_CACHE_READ = 'llm.token_count.prompt_details.cache_read';
export const ATTR_OPENINFERENCE_TOKEN_COUNT_CACHE_WRITE = 'llm.token_count.prompt_details.cache_write';
export const ATTR_OPENINFERENCE_TOKEN_COUNT_REASONING = 'llm.token_count.completion_details.reasoning';

// --- tokentax context attributes (measured from the request before it is sent) ---
export const ATTR_CONTEXT_MESSAGES = 'tokentax.context.messages';
export const ATTR_CONTEXT_TOKENS = 'tokentax.context.tokens';
export const ATTR_CONTEXT_SYSTEM_TOKENS = 'tokentax.context.system_tokens';
export const ATTR_CONTEXT_HISTORY_TOKENS = 'tokentax.context.history_tokens';
export const ATTR_CONTEXT_NEW_TOKENS = 'tokentax.context.new_tokens';
export const ATTR_CONTEXT_TOOLS_TOKENS = 'tokentax.context.tools_tokens';
export const ATTR_CONTEXT_WINDOW = 'tokentax.context.window';
export const ATTR_CONTEXT_UTILIZATION = 'tokentax.context.utilization';
export const ATTR_CONTEXT_TURN = 'tokentax.context.turn';
export const ATTR_CONTEXT_RECYCLED_TOKENS = 'tokentax.context.recycled_tokens';
export const ATTR_CONTEXT_RECYCLED_RATIO = 'tokentax.context.recycled_ratio';
export const ATTR_CONTEXT_SIZE_BUCKET = 'tokentax.context.size_bucket';
export const ATTR_CONTEXT_BLOAT = 'tokentax.context.bloat';
export const ATTR_CONTEXT_BLOAT_REASONS = 'tokentax.context.bloat_reasons';
/** The server holds earlier turns (Responses API previous_response_id / conversation): the request
 *  we saw is not the whole context, so history/recycled figures are lower bounds. */
export const ATTR_CONTEXT_SERVER_STATE = 'tokentax.context.server_state';
/** Tokens of the largest single input of an embeddings batch: a model's window applies to each input,
 *  not to the batch, so this (not tokentax.context.tokens) is what the cost engine checks it against. */
export const ATTR_CONTEXT_LARGEST_INPUT_TOKENS = 'tokentax.context.largest_input_tokens';
/** The split (system/history/new/tools, recycled) was estimated with the tokenizer family's ratio to
 *  o200k (a family whose tokenizer tokentax does not ship), not counted with the model's own. */
export const ATTR_CONTEXT_SPLIT_ESTIMATED = 'tokentax.context.split_estimated';
export const ATTR_USAGE_ESTIMATED = 'tokentax.usage.estimated';
/** Seconds of audio in a transcription/translation (per-minute pricing), when the API reports it. */
export const ATTR_USAGE_AUDIO_SECONDS = 'tokentax.usage.audio_seconds';
/** Images generated by the call (per-image pricing). */
export const ATTR_USAGE_IMAGES = 'tokentax.usage.images';
/** Modality parts of the token counts (each is part of gen_ai.usage.input_tokens / output_tokens), priced
 *  at the model's audio or image token rates where the provider publishes them. */
export const ATTR_USAGE_INPUT_AUDIO_TOKENS = 'tokentax.usage.input_audio_tokens';
export const ATTR_USAGE_INPUT_IMAGE_TOKENS = 'tokentax.usage.input_image_tokens';
export const ATTR_USAGE_OUTPUT_AUDIO_TOKENS = 'tokentax.usage.output_audio_tokens';
export const ATTR_USAGE_OUTPUT_IMAGE_TOKENS = 'tokentax.usage.output_image_tokens';
/** OpenInference's audio token counts (read as the same parts). */
export const ATTR_OPENINFERENCE_TOKEN_COUNT_PROMPT_AUDIO = 'llm.token_count.prompt_details.audio';
export const ATTR_OPENINFERENCE_TOKEN_COUNT_COMPLETION_AUDIO = 'llm.token_count.completion_details.audio';
/** The cost the provider billed for the call, USD, as its response reported it (OpenRouter usage.cost). */
export const ATTR_USAGE_PROVIDER_COST_USD = 'tokentax.usage.provider_cost_usd';
/** Requested image size and quality, which per-image prices depend on. */
export const ATTR_REQUEST_IMAGE_SIZE = 'tokentax.request.image_size';
export const ATTR_REQUEST_IMAGE_QUALITY = 'tokentax.request.image_quality';
/** Set on another instrumentation's span for a call that tokentax also recorded, so the call is
 *  priced and counted once (the tokentax span carries the figures). */
export const ATTR_DUPLICATE = 'tokentax.duplicate';
/** The call was still open when telemetry shut down (an unread stream, a request in flight): its span
 *  was ended then, with what was known. */
export const ATTR_CALL_CUT_SHORT = 'tokentax.call.cut_short';
export const ATTR_CONVERSATION_KEY = 'tokentax.conversation.key';
/** The provider was inferred from the model name (the host is not one the data or the user's map
 *  knows, and exactly one priced provider has that exact model id); gen_ai.provider.name stays _OTHER. */
export const ATTR_PROVIDER_INFERRED = 'tokentax.provider.inferred';

/** Size buckets for equality-only tag search (Jaeger), smallest first; upper bounds exclusive. */
export const SIZE_BUCKETS: ReadonlyArray<{ readonly label: string; readonly below: number }> = [
  { label: '<1k', below: 1_000 },
  { label: '1k-4k', below: 4_000 },
  { label: '4k-16k', below: 16_000 },
  { label: '16k-64k', below: 64_000 },
  { label: '64k-256k', below: 256_000 },
  { label: '>=256k', below: Infinity },
];

// --- tokentax cost attributes (added by the processor / collector) ---
export const ATTR_COST_USD = 'tokentax.cost.usd';
export const ATTR_COST_UNPRICED = 'tokentax.cost.unpriced';
export const ATTR_COST_CHEAPEST = 'tokentax.cost.cheapest';
export const ATTR_COST_SAVINGS_USD = 'tokentax.cost.savings.usd';
export const ATTR_PRICING_VERSION = 'tokentax.pricing.version';
/** The provider (pricing-data id) the call was priced as: named by gen_ai.provider.name, found from
 *  server.address, or inferred (then tokentax.provider.inferred=true). */
export const ATTR_PRICING_PROVIDER = 'tokentax.pricing.provider';
/** Where tokentax.cost.usd came from: COST_SOURCE.computed (prices x usage) or .providerReported. */
export const ATTR_COST_SOURCE = 'tokentax.cost.source';
export const COST_SOURCE = { computed: 'computed', providerReported: 'provider_reported' } as const;
export const COST_PREFIX = 'tokentax.cost.';
export const scenarioCostAttr = (id: string): string => `tokentax.cost.${id}.usd`;
export const scenarioModelAttr = (id: string): string => `tokentax.cost.${id}.model`;
export const scenarioInfeasibleAttr = (id: string): string => `tokentax.cost.${id}.infeasible`;
/** The value of tokentax.cost.cheapest when no scenario beats the call as it was made. */
export const CHEAPEST_ACTUAL = 'actual';

/** Reasons for tokentax.cost.unpriced. */
export const UNPRICED = {
  unknownModel: 'unknown_model',
  missingUsage: 'missing_usage',
  invalidUsage: 'invalid_usage',
  noPrice: 'no_price',
  unsupportedUnit: 'unsupported_unit',
  /** gen_ai.provider.name names a provider the pricing data does not know. */
  unknownProvider: 'unknown_provider',
  /** Unrecognised host, and the model id is exactly that of models at several priced providers. */
  ambiguousProvider: 'ambiguous_provider',
  /** The engine failed unexpectedly (reported once via diag); never a cost of 0. */
  internalError: 'internal_error',
  /** Per-image price with no row for the requested quality/size (and no token usage to price). */
  imageSizeUnpriced: 'image_size_unpriced',
} as const;

/** Reasons for tokentax.cost.{scenario}.infeasible. */
export const INFEASIBLE = {
  contextWindow: 'context_window',
  noPrice: 'no_price',
  unsupportedOperation: 'unsupported_operation',
  /** The equivalence table names no model that this scenario's provider offers. */
  noModel: 'no_model',
  /** The actual call was priced per request/image/minute and carried no token counts to translate. */
  missingUsage: 'missing_usage',
  /** The stand-in has per-image prices but none for the requested quality/size. */
  imageSizeUnpriced: 'image_size_unpriced',
} as const;

/**
 * The span contract (DESIGN.md) as a list: every fixed attribute name users' saved queries may read.
 * Per-scenario names come from scenarioCostAttr/scenarioModelAttr/scenarioInfeasibleAttr. Tests check
 * shipped dashboards and queries against this list, so a rename fails the build, not a user's board.
 */
export const SPAN_CONTRACT_ATTRIBUTES: readonly string[] = Object.freeze([
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_P,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_ERROR_TYPE,
  ATTR_CONTEXT_MESSAGES,
  ATTR_CONTEXT_TOKENS,
  ATTR_CONTEXT_SYSTEM_TOKENS,
  ATTR_CONTEXT_HISTORY_TOKENS,
  ATTR_CONTEXT_NEW_TOKENS,
  ATTR_CONTEXT_TOOLS_TOKENS,
  ATTR_CONTEXT_WINDOW,
  ATTR_CONTEXT_UTILIZATION,
  ATTR_CONTEXT_TURN,
  ATTR_CONTEXT_RECYCLED_TOKENS,
  ATTR_CONTEXT_RECYCLED_RATIO,
  ATTR_CONTEXT_SIZE_BUCKET,
  ATTR_CONTEXT_BLOAT,
  ATTR_CONTEXT_BLOAT_REASONS,
  ATTR_USAGE_ESTIMATED,
  ATTR_CONVERSATION_KEY,
  ATTR_COST_USD,
  ATTR_COST_UNPRICED,
  ATTR_COST_CHEAPEST,
  ATTR_COST_SAVINGS_USD,
  ATTR_PRICING_VERSION,
  ATTR_PRICING_PROVIDER,
  ATTR_PROVIDER_INFERRED,
]);

// --- metrics ---
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai.client.token.usage';
/** Token counts tokentax estimated with a tokenizer (no usage from the API), by gen_ai.token.type:
 *  the conventions keep gen_ai.client.token.usage for the provider's own counts. */
export const METRIC_USAGE_ESTIMATED_TOKENS = 'tokentax.usage.estimated_tokens';
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = 'gen_ai.client.operation.duration';
export const METRIC_GEN_AI_CLIENT_TIME_TO_FIRST_CHUNK = 'gen_ai.client.operation.time_to_first_chunk';
export const METRIC_CONTEXT_TOKENS = 'tokentax.context.tokens';
export const METRIC_CONTEXT_RECYCLED_TOKENS = 'tokentax.context.recycled_tokens';
export const METRIC_CONTEXT_UTILIZATION = 'tokentax.context.utilization';
/** Requests whose context was bloated, by the rule that fired (tokentax.bloat.reason). */
export const METRIC_CONTEXT_BLOATED = 'tokentax.context.bloated_requests';
export const ATTR_METRIC_BLOAT_REASON = 'tokentax.bloat.reason';
export const UTILIZATION_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1];
export const METRIC_COST = 'tokentax.cost';
/** The instrumentation scope (meter name) of tokentax's own instruments; Prometheus shows it as
 *  otel_scope_name, which the alert rules use to prefer them over span-derived copies. */
export const METER_SCOPE_NAME = 'tokentax';
export const ATTR_METRIC_SCENARIO = 'tokentax.scenario';
export const ATTR_METRIC_MODEL = 'tokentax.model';
export const ATTR_METRIC_PROVIDER = 'tokentax.provider';
export const TOKEN_TYPE_INPUT = 'input';
export const TOKEN_TYPE_OUTPUT = 'output';
/** Bucket boundaries from the GenAI semantic conventions. */
export const TOKEN_USAGE_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
export const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

// --- values ---
export const OPERATION = {
  chat: 'chat',
  textCompletion: 'text_completion',
  embeddings: 'embeddings',
  generateContent: 'generate_content',
  transcription: 'transcription',
  translation: 'translation',
  imageGeneration: 'image_generation',
} as const;
export type OperationName = (typeof OPERATION)[keyof typeof OPERATION];

export const PROVIDER = {
  openai: 'openai',
  azure: 'azure.ai.openai',
  together: 'together',
  fireworks: 'fireworks',
  openrouter: 'openrouter',
  oxlo: 'oxlo',
  azureInference: 'azure.ai.inference',
  deepseek: 'deepseek',
  groq: 'groq',
  mistral: 'mistral_ai',
  xai: 'x_ai',
  gemini: 'gcp.gemini',
  /** A host neither the data nor the user's map knows, on spans and metric labels alike (bounded
   *  cardinality; the host stays in server.address). */
  other: '_OTHER',
} as const;
