/**
 * Opens one report input — an OTLP JSON lines file (or pipe, or "-" for standard input), a Jaeger
 * /api/traces JSON file, or an http(s) URL serving either — and streams its spans to a sink. Lines are read one at a time, so memory does
 * not grow with the file; a Jaeger document is one JSON value and is parsed whole (the query API
 * caps its size with `limit`). A corrupt line is counted with its number and skipped.
 */
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { isJaegerDocument, readJaegerDocument } from './read-jaeger';
import { readOtlpRequest } from './read-otlp';
import type { SpanSink } from './span-record';
import { ReportInputError } from './errors';

export { ReportInputError };

export interface CorruptLine {
  line: number;
  reason: string;
}

export interface InputSummary {
  source: string;
  format: 'otlp-jsonl' | 'jaeger';
  lines: number;
  spans: number;
  corruptLines: number;
  /** The first MAX_LISTED corrupt lines with their numbers. */
  corrupt: CorruptLine[];
}

const MAX_LISTED = 20;

/** bytesRead, totalBytes: for a progress bar. */
export type ProgressFn = (bytesRead: number, totalBytes: number) => void;

function summary(source: string, format: InputSummary['format']): InputSummary {
  return { source, format, lines: 0, spans: 0, corruptLines: 0, corrupt: [] };
}

function addCorrupt(s: InputSummary, line: number, reason: string): void {
  s.corruptLines++;
  if (s.corrupt.length < MAX_LISTED) s.corrupt.push({ line, reason });
}

function firstError(error: unknown): string {
  const m = error instanceof Error ? error.message : String(error);
  return m.length > 120 ? `${m.slice(0, 117)}...` : m;
}

/**
 * The parser's message quotes the input (e.g. `Unexpected token 'P', "PK\u0003..." is not valid JSON`):
 * keep only where it failed, so a binary or private file never reaches the terminal.
 */
function invalidJson(error: unknown): string {
  const at = /at position (\d+)/.exec(error instanceof Error ? error.message : '');
  return at ? `invalid JSON (at character ${Number(at[1]) + 1})` : 'invalid JSON';
}

/** One OTLP JSON line; counted as corrupt when it is not a trace export request. */
function readLine(s: InputSummary, text: string, lineNo: number, sink: SpanSink): void {
  s.lines++;
  if (text.length === 0 || text.trim() === '') return;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    addCorrupt(s, lineNo, invalidJson(error));
    return;
  }
  const n = readOtlpRequest(doc, sink);
  if (typeof n === 'string') addCorrupt(s, lineNo, n);
  else s.spans += n;
}

/** A whole document (URL body or Jaeger file): Jaeger, one OTLP request, or OTLP lines. */
function readText(source: string, text: string, sink: SpanSink): InputSummary {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      const doc = JSON.parse(text) as unknown;
      if (isJaegerDocument(doc)) {
        const s = summary(source, 'jaeger');
        s.lines = 1;
        s.spans = readJaegerDocument(doc, sink);
        return s;
      }
    } catch {
      // not a single JSON value: OTLP lines
    }
  }
  const s = summary(source, 'otlp-jsonl');
  let lineNo = 0;
  for (const line of text.split('\n')) readLine(s, line.endsWith('\r') ? line.slice(0, -1) : line, ++lineNo, sink);
  if (text.endsWith('\n')) s.lines--; // the empty piece after the last newline is not a line
  return s;
}

async function readUrl(url: string, sink: SpanSink): Promise<InputSummary> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new ReportInputError(`cannot reach ${url}: ${cause?.code ?? cause?.message ?? firstError(error)}`);
  }
  if (!response.ok) throw new ReportInputError(`cannot read ${url}: HTTP ${response.status} ${response.statusText}`);
  return readText(url, await response.text(), sink);
}

/** Jaeger files start with {"data": ...}; anything else is read as OTLP lines. */
async function looksLikeJaeger(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return /^\s*\{\s*"data"\s*:/.test(buf.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await fh.close();
  }
}

/** OTLP lines from any readable stream; `size` (bytes) only drives the progress bar. */
async function readLines(
  source: string,
  stream: NodeJS.ReadableStream & { bytesRead?: number },
  sink: SpanSink,
  size: number,
  progress?: ProgressFn,
): Promise<InputSummary> {
  const s = summary(source, 'otlp-jsonl');
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNo = 0;
  let lastTick = 0;
  try {
    for await (const line of lines) {
      readLine(s, line, ++lineNo, sink);
      if (progress && size > 0 && (lineNo & 63) === 0) {
        const now = Date.now();
        if (now - lastTick > 100) {
          lastTick = now;
          progress(stream.bytesRead ?? 0, size);
        }
      }
    }
  } catch (error) {
    throw new ReportInputError(`cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? firstError(error)}`);
  }
  if (size > 0) progress?.(size, size);
  return s;
}

async function readFileInput(path: string, sink: SpanSink, progress?: ProgressFn): Promise<InputSummary> {
  let size = 0;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new ReportInputError(`cannot read ${path}: a directory`);
    // Pipes (e.g. <(zstdcat spans.jsonl.zst)) are read as OTLP lines: peeking would consume them.
    if (st.isFile()) {
      size = st.size;
      if (await looksLikeJaeger(path)) return readText(path, await readFile(path, 'utf8'), sink);
    }
  } catch (error) {
    if (error instanceof ReportInputError) throw error;
    throw new ReportInputError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? firstError(error)}`);
  }
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  return readLines(path, stream, sink, size, progress);
}

/** A file path, "-" for standard input (OTLP lines), or an http(s) URL. */
export async function readInput(source: string, sink: SpanSink, progress?: ProgressFn): Promise<InputSummary> {
  let s: InputSummary;
  if (/^https?:\/\//i.test(source)) s = await readUrl(source, sink);
  else if (source === '-') {
    process.stdin.setEncoding('utf8');
    s = await readLines('stdin', process.stdin, sink, 0);
  } else s = await readFileInput(source, sink, progress);
  return rejectNonSpans(s);
}

/** Text in which no line is a span (a package.json, a binary file) is a wrong input, not an empty report. */
function rejectNonSpans(s: InputSummary): InputSummary {
  if (s.spans > 0 || s.corruptLines === 0) return s;
  const first = s.corrupt[0];
  throw new ReportInputError(
    `${s.source} holds no spans: ${s.corruptLines} line(s), none an OTLP/JSON trace export (line ${first.line}: ` +
      `${first.reason}); expected OTLP JSON lines or Jaeger /api/traces JSON`,
  );
}
