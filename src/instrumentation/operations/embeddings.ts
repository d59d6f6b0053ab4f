/** embeddings.create: input tokens only. */
import { ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT, ATTR_GEN_AI_REQUEST_ENCODING_FORMATS, OPERATION } from '../../semconv';
import { readUsage } from '../usage';
import { isObject, num, str } from '../values';
import { type OperationSpec } from './types';

export const embeddings: OperationSpec = {
  name: OPERATION.embeddings,
  resource: ['Embeddings'],
  method: 'create',
  measuresContext: true,
  requestAttributes(params, out) {
    const format = str(params.encoding_format);
    if (format) out[ATTR_GEN_AI_REQUEST_ENCODING_FORMATS] = [format];
    const dimensions = num(params.dimensions);
    if (dimensions !== undefined) out[ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT] = dimensions;
  },
  readResponse(result) {
    if (!isObject(result)) return {};
    // Exactly as reported: embeddings have input tokens only (no output attribute).
    return { model: str(result.model), usage: readUsage(result.usage) };
  },
};
