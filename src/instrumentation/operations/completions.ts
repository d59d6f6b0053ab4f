/** Legacy completions.create (plain and streaming). */
import { OPERATION } from '../../semconv';
import { finishReasonOf, type OutputMessage } from '../messages';
import { readUsage, type Usage } from '../usage';
import { samplingAttributes } from './common-request';
import { isObject, str } from '../values';
import { type OperationSpec, type ResponseSummary, type StreamAccumulator } from './types';

/** Text and finish reason of each choice, by choice index. */
type Choices = Array<{ text: string[]; finish?: string }>;

function readChoices(choices: unknown, into: Choices): void {
  if (!Array.isArray(choices)) return;
  for (const choice of choices) {
    if (!isObject(choice)) continue;
    const c = (into[typeof choice.index === 'number' ? choice.index : 0] ??= { text: [] });
    if (typeof choice.finish_reason === 'string') c.finish = choice.finish_reason;
    if (typeof choice.text === 'string') c.text.push(choice.text);
  }
}

function summarise(choices: Choices, id?: string, model?: string, usage?: Usage, tier?: string): ResponseSummary {
  const present = choices.filter((c) => c !== undefined);
  const reasons = present.map((c) => c.finish).filter((r): r is string => r !== undefined);
  return {
    id,
    model,
    usage,
    finishReasons: reasons.length ? reasons : undefined,
    outputText: present.map((c) => c.text.join('')).join(''),
    outputMessages: () =>
      present.map((c): OutputMessage => ({
        role: 'assistant',
        parts: [{ type: 'text', content: c.text.join('') }],
        finish_reason: finishReasonOf(c.finish),
      })),
    serviceTier: tier,
  };
}

export const textCompletions: OperationSpec = {
  name: OPERATION.textCompletion,
  resource: ['Completions'],
  method: 'create',
  measuresContext: true,
  requestAttributes: samplingAttributes,
  readResponse(result) {
    if (!isObject(result)) return {};
    const choices: Choices = [];
    readChoices(result.choices, choices);
    return summarise(choices, str(result.id), str(result.model), readUsage(result.usage), str(result.service_tier));
  },
  streamUsageOption: true,
  accumulator(): StreamAccumulator {
    let id: string | undefined;
    let model: string | undefined;
    let usage: Usage | undefined;
    const choices: Choices = [];
    return {
      add(chunk) {
        if (!isObject(chunk)) return;
        id ??= str(chunk.id);
        model ??= str(chunk.model);
        if (chunk.usage) usage = readUsage(chunk.usage) ?? usage;
        readChoices(chunk.choices, choices);
      },
      complete: () => choices.some((c) => c !== undefined) && choices.every((c) => c === undefined || !!c.finish),
      summary: () => summarise(choices, id, model, usage),
    };
  },
};
