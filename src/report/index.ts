/**
 * `tokentax report` as a library: read recorded spans (OTLP JSON lines, Jaeger API JSON; files or
 * URLs), price what is not priced with the same engine as the processor, and build the evaluation
 * report. Renderers: renderText (terminal), renderHtml (one self-contained file), JSON as is.
 */
import { loadConfig, type LoadConfigOptions, type ResolvedConfig } from '../config';
import { loadPricing, type Pricing } from '../pricing';
import { ReportAccumulator } from './analyse';
import { readInput, type InputSummary, type ProgressFn } from './input';
import type { ReportData } from './report-data';

export interface ReportOptions {
  /** A tokentax configuration file (scenarios, flat request prices, equivalence overrides). */
  configFile?: string;
  /** Configuration given in code (same shape as the file). */
  config?: Omit<LoadConfigOptions, 'file'>;
  /** Use these pricing data instead of the shipped ones (tests). */
  pricing?: Pricing;
  /** Called with (input index, bytes read, total bytes) while files are read. */
  onProgress?: (input: number, bytesRead: number, totalBytes: number) => void;
}

export async function createReport(inputs: readonly string[], options: ReportOptions = {}): Promise<ReportData> {
  const config: ResolvedConfig = loadConfig({ ...(options.config ?? {}), file: options.configFile });
  const pricing = options.pricing ?? loadPricing({ config });
  const acc = new ReportAccumulator(pricing, pricing.scenarios, config.bloat.tokens);
  const sink = acc.add.bind(acc);
  const summaries: InputSummary[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const progress: ProgressFn | undefined = options.onProgress
      ? (read, total) => options.onProgress!(i, read, total)
      : undefined;
    summaries.push(await readInput(inputs[i], sink, progress));
  }
  return acc.finish(summaries);
}

export { ReportInputError, type InputSummary, type CorruptLine } from './input';
export { renderText } from './render-text';
export { renderHtml } from './render-html';
export type * from './report-data';
