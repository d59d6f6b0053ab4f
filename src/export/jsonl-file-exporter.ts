/**
 * A SpanExporter that appends one OTLP/JSON ExportTraceServiceRequest per line to a local file: the
 * same format as the OpenTelemetry Collector's file exporter, so `tokentax report` (and any tool
 * reading collector files) reads both. The embedded default when there is no backend yet.
 */
import { diag } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { toExportTraceServiceRequest } from './otlp-json';

// ExportResultCode.SUCCESS / FAILED of @opentelemetry/core (a stable enum), spelled here so that
// using the exporter loads no SDK package through us.
const SUCCESS = 0;
const FAILED = 1;

export interface JsonlFileExporterOptions {
  /** File to write (created with its directory). */
  path: string;
  /** Keep what the file already holds (default true); false starts it empty. */
  append?: boolean;
}

export class JsonlFileExporter implements SpanExporter {
  readonly path: string;
  private ready: Promise<void>;
  /** Writes are chained so lines never interleave and shutdown can wait for all of them. */
  private pending: Promise<unknown>;
  private stopped = false;

  constructor(options: JsonlFileExporterOptions) {
    this.path = options.path;
    const append = options.append ?? true;
    this.ready = mkdir(dirname(this.path), { recursive: true }).then(() =>
      append ? undefined : writeFile(this.path, ''),
    );
    this.pending = this.ready.catch(() => undefined);
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      resultCallback({ code: FAILED, error: new Error('JsonlFileExporter is shut down') });
      return;
    }
    let line: string;
    try {
      line = `${JSON.stringify(toExportTraceServiceRequest(spans))}\n`;
    } catch (error) {
      resultCallback({ code: FAILED, error: error as Error });
      return;
    }
    this.pending = this.pending
      .then(() => this.ready)
      .then(() => appendFile(this.path, line))
      .then(
        () => resultCallback({ code: SUCCESS }),
        (error: Error) => {
          diag.error(`tokentax: could not write spans to ${this.path}`, error);
          resultCallback({ code: FAILED, error });
        },
      );
  }

  async forceFlush(): Promise<void> {
    await this.pending;
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    await this.pending;
  }
}
