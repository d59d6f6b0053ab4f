/**
 * Token overheads the tokenizer cannot see, from OpenAI's cookbook ("How to count tokens with
 * tiktoken", chat format) and checked against recorded API usage (test/context/fixtures.test.ts):
 *
 *   every message: 3 framing tokens (<|im_start|>, separator, <|im_end|>) + 1 for the role,
 *   a `name`: +1 (plus its text), every request: +3 priming the reply (<|im_start|>assistant<|im_sep|>).
 *
 * The rest are estimates, fitted on the recorded chat tool-call exchange (gpt-4o-mini):
 *   - a tool call in an assistant message: its name and arguments text + TOOL_CALL_OVERHEAD
 *     (call framing; parallel calls are wrapped by the API);
 *   - tool definitions are rendered the way OpenAI renders them for the model (a TypeScript
 *     `namespace functions`, appended to the system message) + TOOLS_OVERHEAD once per request;
 *   - an image part: IMAGE_TOKENS flat (OpenAI's low-detail base cost; high detail adds 170 per
 *     512 px tile, which the request does not reveal), so it is a lower bound;
 *   - audio and file parts: excluded (0): their tokens depend on duration/extracted text we cannot see.
 */
export const MESSAGE_OVERHEAD = 4;
export const NAME_OVERHEAD = 1;
export const REPLY_PRIMING = 3;
export const TOOL_CALL_OVERHEAD = 14;
export const TOOLS_OVERHEAD = 4;
export const IMAGE_TOKENS = 85;
/** Characters per token (o200k on English): only a last resort when the tokenizer fails. */
export const CHARS_PER_TOKEN = 4;
