/**
 * Tool / function definitions and output schemas as the model reads them. OpenAI renders function
 * tools into the prompt as a TypeScript namespace; rendering the same shape counts far closer to the
 * API's figure than counting the JSON schema (JSON syntax roughly doubles the tokens).
 */
import { TOOLS_OVERHEAD } from './overheads';
import { cachedSegment, isRecord, makeSegment, str, type Segment } from './segments';

interface FunctionDef {
  name: string;
  description: string;
  parameters: unknown;
}

function tsType(schema: unknown): string {
  if (!isRecord(schema)) return 'any';
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `${tsType(schema.items)}[]`;
    case 'object':
      return isRecord(schema.properties) ? renderObject(schema) : 'object';
    default:
      return 'any';
  }
}

function renderObject(schema: Record<string, unknown>): string {
  const props = isRecord(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  let out = '{\n';
  for (const [key, prop] of Object.entries(props)) {
    const desc = isRecord(prop) ? str(prop.description) : '';
    if (desc) out += `// ${desc}\n`;
    out += `${key}${required.has(key) ? '' : '?'}: ${tsType(prop)},\n`;
  }
  return `${out}}`;
}

function renderFunction(fn: FunctionDef): string {
  const head = fn.description ? `// ${fn.description}\n` : '';
  const params =
    isRecord(fn.parameters) && isRecord(fn.parameters.properties) ? `_: ${renderObject(fn.parameters)}` : '';
  return `${head}type ${fn.name} = (${params}) => any;\n\n`;
}

function functionOf(tool: unknown): FunctionDef | undefined {
  if (!isRecord(tool)) return undefined;
  // chat: {type:'function', function:{...}}; legacy functions[] and Responses: the definition itself
  const def = isRecord(tool.function) ? tool.function : tool;
  if (tool.type !== undefined && tool.type !== 'function' && tool.type !== 'custom') return undefined;
  const name = str(def.name);
  if (!name) return undefined;
  return { name, description: str(def.description), parameters: def.parameters ?? def.format };
}

/** One segment for all tool definitions (hosted tools count as their configuration text). */
export function toolsSegment(tools: unknown): Segment | undefined {
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  return cachedSegment(tools, [tools.length, ...tools], () => {
    let text = 'namespace functions {\n\n';
    const hosted: string[] = [];
    for (const tool of tools) {
      const fn = functionOf(tool);
      if (fn) text += renderFunction(fn);
      else if (isRecord(tool)) hosted.push(JSON.stringify(tool));
    }
    text += '} // namespace functions';
    if (hosted.length > 0) text += `\n${hosted.join('\n')}`;
    return makeSegment('tools', text, TOOLS_OVERHEAD);
  });
}

/** A JSON-schema output format (chat response_format / Responses text.format): read by the model. */
export function schemaSegment(format: unknown): Segment | undefined {
  if (!isRecord(format) || format.type !== 'json_schema') return undefined;
  const def = isRecord(format.json_schema) ? format.json_schema : format;
  return cachedSegment(format, [def, def.schema], () => {
    const text = [str(def.name), str(def.description), JSON.stringify(def.schema ?? {})].filter(Boolean).join('\n');
    return makeSegment('system', text, 0);
  });
}
