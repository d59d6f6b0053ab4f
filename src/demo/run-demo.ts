/**
 * `tokentax demo` (npm start): the workload through the real `openai` client instrumented by
 * tokentax, spans to a local OTLP JSON lines file, then the evaluation report. Against the local
 * simulator by default (no account, no network); against a real provider when OPENAI_API_KEY is set.
 */
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { node as traceNode, resources, tracing } from '@opentelemetry/sdk-node';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { JsonlFileExporter } from '../export/jsonl-file-exporter';
import { createReport, renderHtml, renderText, type ReportData } from '../report';
import { createTokentax } from '../tokentax';
import { startSimulator, type Simulator } from './simulator';
import { DEFAULT_MODELS, DEFAULT_SIZE, runWorkload, type ChatClient, type WorkloadModels } from './workload';

export interface DemoOptions {
  /** Output directory (default ./tokentax-demo). */
  outDir?: string;
  /** Write report.html (default true). */
  html?: boolean;
  /** One model for every flow (real providers whose model names differ from OpenAI's). */
  model?: string;
  /** tokentax config file for the report (e.g. a flat request price). */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Where progress lines go (default stderr). */
  log?: (line: string) => void;
}

export interface DemoResult {
  spansFile: string;
  htmlFile: string | undefined;
  report: ReportData;
  text: string;
  target: 'simulator' | 'provider';
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const outDir = resolve(options.outDir ?? 'tokentax-demo');
  const spansFile = join(outDir, 'spans.jsonl');
  const real = Boolean(env.OPENAI_API_KEY);
  let simulator: Simulator | undefined;
  if (!real) simulator = await startSimulator({ answerWords: 60, honorMaxTokens: true });
  const baseURL = real ? env.OPENAI_BASE_URL || undefined : simulator!.baseURL;
  // The simulator plays api.openai.com, so its calls are priced as OpenAI's.
  const providerHosts: Record<string, string> = real ? {} : { '127.0.0.1': 'openai' };
  const tokentax = createTokentax({ configFile: options.configFile, config: { providerHosts } });
  // A tracer provider of our own rather than NodeSDK: NodeSDK would also export metrics and logs to
  // the default OTLP endpoint, and the demo sends nothing anywhere but the simulator and the file.
  const provider = new traceNode.NodeTracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': 'tokentax-demo' }),
    spanProcessors: [
      ...tokentax.spanProcessors,
      new tracing.BatchSpanProcessor(new JsonlFileExporter({ path: spansFile, append: false })),
    ],
  });
  provider.register();
  const unregister = registerInstrumentations({
    instrumentations: [tokentax.instrumentation],
    tracerProvider: provider,
  });
  try {
    log(
      real
        ? `tokentax demo: running the workload against ${baseURL ?? 'https://api.openai.com/v1'} (OPENAI_API_KEY is set; this is billed)`
        : `tokentax demo: running the workload against the local simulator at ${baseURL}`,
    );
    // Loaded after the instrumentation is registered, so the instrumentation patches it (as with --import tokentax/register).
    let OpenAI: new (o: Record<string, unknown>) => ChatClient;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      OpenAI = (require('openai') as { OpenAI: typeof OpenAI }).OpenAI;
    } catch {
      throw new Error('the demo needs the openai package: npm install openai');
    }
    const client = new OpenAI({
      apiKey: real ? env.OPENAI_API_KEY : 'sk-demo-simulator',
      baseURL,
      maxRetries: real ? 2 : 0,
    });
    const models: WorkloadModels = options.model
      ? { agent: options.model, rag: options.model, classify: options.model, embed: DEFAULT_MODELS.embed }
      : DEFAULT_MODELS;
    const calls = await runWorkload(client, models, DEFAULT_SIZE);
    log(`tokentax demo: ${calls} calls made; spans written to ${spansFile}`);
  } finally {
    unregister();
    await provider.shutdown();
    await simulator?.close();
  }
  const report = await createReport([spansFile], { configFile: options.configFile });
  const text = renderText(report);
  let htmlFile: string | undefined;
  if (options.html !== false) {
    htmlFile = join(outDir, 'report.html');
    await writeFile(htmlFile, renderHtml(report));
  }
  return { spansFile, htmlFile, report, text, target: real ? 'provider' : 'simulator' };
}
