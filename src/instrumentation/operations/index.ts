import { transcriptions, translations } from './audio';
import { chatCompletions } from './chat';
import { textCompletions } from './completions';
import { embeddings } from './embeddings';
import { imageGeneration } from './images';
import { responses } from './responses';
import type { OperationSpec } from './types';

/** Every SDK method tokentax patches, one module per operation. */
export const OPERATIONS: readonly OperationSpec[] = [
  chatCompletions,
  responses,
  textCompletions,
  embeddings,
  transcriptions,
  translations,
  imageGeneration,
];

export type { OperationSpec, ResponseSummary, StreamAccumulator } from './types';
