#!/usr/bin/env node
/**
 * The tokentax command: `demo` (npm start), `report` (the evaluation report from recorded spans),
 * `prices` (what the pricing data covers, and how old it is) and `collector-config` (the pipeline for
 * tokentax's OpenTelemetry Collector distribution).
 * Exit codes: 0 ok, 1 runtime error (unreadable input, bad config), 2 usage error.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from './config';
import { ReportInputError } from './report/input';
import { VERSION } from './version';
// Each command loads its own modules when it runs, so `--help` and usage errors answer at once.

class UsageError extends Error {}
/** A failure the user can act on from its one-line message (exit 1, no stack trace). */
class CommandError extends Error {}

async function writeOutput(path: string, content: string): Promise<void> {
  try {
    await writeFile(path, content);
  } catch (error) {
    throw new CommandError(
      `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

const HELP: Record<string, string> = {
  main: `tokentax ${VERSION}: which LLM provider is cheapest for YOUR traffic?

Usage: tokentax <command> [options]

Commands:
  demo               run a realistic workload against a local simulator and print the report (npm start)
  report <inputs...> the evaluation report from recorded spans (OTLP JSON lines, Jaeger JSON)
  prices             which providers and models are priced, their sources and dates, the data's age
  collector-config   print the collector pipeline whose tokentax processor adds cost attributes

Run 'tokentax <command> --help' for a command's options.
`,
  demo: `Usage: tokentax demo [--out DIR] [--no-html] [--model NAME] [--config FILE]

Runs a 10-turn coding agent, a RAG flow and short classification calls through the real openai
client instrumented by tokentax, writes the spans to DIR/spans.jsonl (OTLP JSON lines), prints the
report and writes DIR/report.html. No account or network needed: a local OpenAI-compatible
simulator answers on 127.0.0.1. With OPENAI_API_KEY set (and optionally OPENAI_BASE_URL) the same
workload runs against that provider instead (billed).

Options:
  --out DIR       output directory (default ./tokentax-demo)
  --no-html       do not write report.html
  --model NAME    use this model for every flow (providers whose model names differ)
  --config FILE   tokentax config (e.g. requestPrices for a flat per-request provider)
`,
  report: `Usage: tokentax report <inputs...> [--html FILE] [--json] [--config FILE]

Inputs: OTLP JSON lines files (the OpenTelemetry Collector file exporter's format, and tokentax's
JsonlFileExporter; also pipes, and "-" for standard input), Jaeger /api/traces JSON files, or
http(s) URLs serving either, e.g.
  http://127.0.0.1:16686/api/traces?service=my-app&limit=1000
Spans without cost attributes are priced with the same engine as the in-process processor.
Percentiles are exact up to 4,096 requests per model, then within 0.5% (log-bucket sketch).

Options:
  --html FILE     also write a self-contained HTML report (inline SVG charts, no network)
  --json          print the report as JSON on stdout instead of text
  --config FILE   tokentax config: scenarios, flat request prices (requestPrices), equivalence
`,
  prices: `Usage: tokentax prices [--provider NAME] [--json] [--config FILE] [--stale-after DAYS]

Shows which providers and models the pricing data prices, each price's source and retrieval date,
and the data's age in days (flagged STALE past --stale-after days). With --provider, that provider's
models: input/output USD per 1M tokens, window, other units, source. Prices and request prices from
--config (or TOKENTAX_CONFIG) are merged in and shown as yours.

Options:
  --provider NAME      one provider (id or alias, e.g. openai, together, azure)
  --json               print the coverage as JSON
  --config FILE        tokentax config whose prices / requestPrices are merged in
  --stale-after DAYS   age in days after which data is flagged stale (default 90)
`,
  'collector-config': `Usage: tokentax collector-config [--config FILE] [--out FILE]

Prints (or writes) the pipeline for tokentax's OpenTelemetry Collector distribution (collector/),
whose tokentax processor adds the same tokentax.cost.* attributes as the in-process engine, from the
same pricing data. With --config, the processor reads that file (config_file) when the collector starts.

Options:
  --config FILE   tokentax config (scenarios, prices, requestPrices, equivalence)
  --out FILE      write to FILE instead of stdout
`,
};

function parse(args: string[], options: ParseArgsConfig['options'], positionals = false) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: positionals,
      strict: true,
      allowNegative: true,
    } as ParseArgsConfig);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function progressBar(): ((input: number, read: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (input, read, total) => {
    const share = total > 0 ? Math.min(1, read / total) : 1;
    const width = 30;
    const filled = Math.round(share * width);
    process.stderr.write(
      `\r  reading input ${input + 1} [${'█'.repeat(filled)}${' '.repeat(width - filled)}] ${Math.round(share * 100)}%`,
    );
    if (share >= 1) process.stderr.write('\r\x1b[K');
  };
}

async function report(args: string[]): Promise<void> {
  const { values, positionals } = parse(
    args,
    { html: { type: 'string' }, json: { type: 'boolean' }, config: { type: 'string' } },
    true,
  );
  if (values.help) return void process.stdout.write(HELP.report);
  if (positionals.length === 0) throw new UsageError('report needs at least one input file or URL');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded when the command runs
  const { createReport, renderHtml, renderText } = require('./report') as typeof import('./report');
  const data = await createReport(positionals, { configFile: str(values.config), onProgress: progressBar() });
  if (data.spans.read === 0) throw new CommandError(`no spans in ${positionals.join(', ')}: nothing to report`);
  const html = str(values.html);
  if (html) await writeOutput(html, renderHtml(data));
  if (values.json) process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  else process.stdout.write(renderText(data));
  if (html) process.stderr.write(`HTML report written to ${html}\n`);
}

async function demo(args: string[]): Promise<void> {
  const { values } = parse(args, {
    out: { type: 'string' },
    html: { type: 'boolean' },
    model: { type: 'string' },
    config: { type: 'string' },
  });
  if (values.help) return void process.stdout.write(HELP.demo);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded when the command runs
  const { runDemo } = require('./demo/run-demo') as typeof import('./demo/run-demo');
  const result = await runDemo({
    outDir: str(values.out),
    html: values.html !== false,
    model: str(values.model),
    configFile: str(values.config),
  });
  process.stdout.write(`\n${result.text}`);
  process.stdout.write(`\nSpans (OTLP JSON lines): ${result.spansFile}\n`);
  if (result.htmlFile) process.stdout.write(`HTML report: ${result.htmlFile} (open it in a browser)\n`);
  process.stdout.write(`Run it on your own spans: npx tokentax report ${result.spansFile} --html report.html\n`);
}

async function prices(args: string[]): Promise<void> {
  const { values } = parse(args, {
    provider: { type: 'string' },
    json: { type: 'boolean' },
    config: { type: 'string' },
    'stale-after': { type: 'string' },
  });
  if (values.help) return void process.stdout.write(HELP.prices);
  const staleText = str(values['stale-after']);
  const staleAfterDays = staleText === undefined ? undefined : Number(staleText);
  if (staleAfterDays !== undefined && !(Number.isInteger(staleAfterDays) && staleAfterDays >= 0))
    throw new UsageError(`--stale-after needs a whole number of days, not '${staleText}'`);
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded when the command runs */
  const { loadConfig } = require('./config') as typeof import('./config');
  const { DATA_DIR, mergeUserPrices, readPricingSources } =
    require('./pricing/data') as typeof import('./pricing/data');
  const { pricingCoverage, readHostRules, resolveProvider } =
    require('./pricing/coverage') as typeof import('./pricing/coverage');
  const { renderCoverageText } = require('./pricing/coverage-text') as typeof import('./pricing/coverage-text');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const config = loadConfig({ file: str(values.config) });
  const data = mergeUserPrices(readPricingSources().prices, config);
  const provider = str(values.provider);
  if (provider !== undefined && !resolveProvider(data, provider))
    throw new CommandError(
      `no provider '${provider}' in the pricing data; known: ${Object.keys(data.providers).sort().join(', ')}`,
    );
  const coverage = pricingCoverage(data, {
    provider,
    staleAfterDays,
    configFile: config.file,
    hostRules: readHostRules(DATA_DIR),
    userHosts: config.providerHosts,
  });
  if (values.json) process.stdout.write(`${JSON.stringify(coverage, null, 2)}\n`);
  else process.stdout.write(renderCoverageText(coverage, provider !== undefined));
}

async function collectorConfig(args: string[]): Promise<void> {
  const { values } = parse(args, { config: { type: 'string' }, out: { type: 'string' } });
  if (values.help) return void process.stdout.write(HELP['collector-config']);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded when the command runs
  const { collectorConfig: pipelineConfig } = require('./collector') as typeof import('./collector');
  const yaml = pipelineConfig({ configFile: str(values.config) });
  const out = str(values.out);
  if (out) {
    await writeFile(out, yaml);
    process.stderr.write(`collector configuration written to ${out}\n`);
  } else process.stdout.write(yaml);
}

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  demo,
  report,
  prices,
  'collector-config': collectorConfig,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      const topic = command === 'help' && rest[0] && HELP[rest[0]] ? rest[0] : 'main';
      process.stdout.write(HELP[topic]);
      return command === undefined ? 2 : 0;
    }
    if (command === '--version' || command === '-v') {
      process.stdout.write(`${VERSION}\n`);
      return 0;
    }
    const run = COMMANDS[command];
    if (!run) throw new UsageError(`unknown command '${command}'`);
    await run(rest);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(
        `tokentax: ${error.message}\n${command && HELP[command] ? HELP[command] : "Run 'tokentax --help' for usage."}\n`,
      );
      return 2;
    }
    const known = error instanceof ReportInputError || error instanceof ConfigError || error instanceof CommandError;
    process.stderr.write(
      `tokentax: ${known ? (error as Error).message : ((error as Error)?.stack ?? String(error))}\n`,
    );
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
