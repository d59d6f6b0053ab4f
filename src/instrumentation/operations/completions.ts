/** Legacy completions.create (plain and streaming). */
import { OPERATION } from '../../semconv';
import { readUsage, type Usage } from '../usage';
import { samplingAttributes } from './common-request';
import {
  FinishReasons,
  includeUsageRequested,
  isObject,
  str,
  type OperationSpec,
  type ResponseSummary,
  type StreamAccumulator,
} from './types';

function readChoices(choices: unknown, finish: FinishReasons, texts: string[] | undefined): void {
  if (!Array.isArray(choices)) return;
  for (const choice of choices) {
    if (!isObject(choice)) continue;
    finish.set(choice.index, choice.finish_reason);
    const text = str(choice.text);
    if (texts && text) texts.push(text);
  }
}

export const textCompletions: OperationSpec = {
  name: OPERATION.textCompletion,
  resource: ['Completions'],
  method: 'create',
  measuresContext: true,
  requestAttributes: samplingAttributes,
  readResponse(result) {
    if (!isObject(result)) return {};
    const finish = new FinishReasons();
    const texts: string[] = [];
    readChoices(result.choices, finish, texts);
    const outputText = texts.join('');
    return {
      id: str(result.id),
      model: str(result.model),
      finishReasons: finish.list(),
      usage: readUsage(result.usage),
      outputText,
      outputMessages: [{ role: 'assistant', content: outputText }],
    };
  },
  streamReportsUsage: includeUsageRequested,
  streamUsageOption: true,
  accumulator(keepText): StreamAccumulator {
    let id: string | undefined;
    let model: string | undefined;
    let usage: Usage | undefined;
    const finish = new FinishReasons();
    const texts: string[] | undefined = keepText ? [] : undefined;
    return {
      add(chunk) {
        if (!isObject(chunk)) return;
        id ??= str(chunk.id);
        model ??= str(chunk.model);
        if (chunk.usage) usage = readUsage(chunk.usage) ?? usage;
        readChoices(chunk.choices, finish, texts);
      },
      summary(): ResponseSummary {
        const outputText = texts?.join('');
        return { id, model, usage, finishReasons: finish.list(), outputText };
      },
    };
  },
};
