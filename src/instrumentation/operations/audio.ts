/** audio.transcriptions/translations.create: billed per audio minute (whisper) or per token. */
import { OPERATION } from '../../semconv';
import { readUsage } from '../usage';
import { isObject, num, str } from '../values';
import { type OperationSpec, type ResponseSummary } from './types';

function readAudio(result: unknown): ResponseSummary {
  if (!isObject(result)) return {};
  const usage = readUsage(result.usage) ?? {};
  // verbose_json responses report the duration; whisper's usage block may not.
  usage.seconds ??= num(result.duration);
  return { usage, outputText: str(result.text) };
}

export const transcriptions: OperationSpec = {
  name: OPERATION.transcription,
  resource: ['Audio', 'Transcriptions'],
  method: 'create',
  measuresContext: false,
  requestAttributes: () => undefined,
  readResponse: readAudio,
};

export const translations: OperationSpec = {
  ...transcriptions,
  name: OPERATION.translation,
  resource: ['Audio', 'Translations'],
};
