/** images.generate: billed per image (by size and quality), or by tokens for gpt-image models. */
import { ATTR_REQUEST_IMAGE_QUALITY, ATTR_REQUEST_IMAGE_SIZE, OPERATION } from '../../semconv';
import { readUsage } from '../usage';
import { isObject, num, str } from '../values';
import { type OperationSpec } from './types';

export const imageGeneration: OperationSpec = {
  name: OPERATION.imageGeneration,
  resource: ['Images'],
  method: 'generate',
  measuresContext: false,
  requestAttributes(params, out) {
    const size = str(params.size);
    const quality = str(params.quality);
    if (size) out[ATTR_REQUEST_IMAGE_SIZE] = size;
    if (quality) out[ATTR_REQUEST_IMAGE_QUALITY] = quality;
  },
  readResponse(result) {
    if (!isObject(result)) return {};
    const images = Array.isArray(result.data) ? result.data.length : num(result.n);
    return { usage: readUsage(result.usage), images };
  },
};
