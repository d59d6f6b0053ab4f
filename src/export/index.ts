/** tokentax/export: span exporters for a hand-built SDK (tokentax/register switches them on by config). */
export { JsonlFileExporter, type JsonlFileExporterOptions } from './jsonl-file-exporter';
export { describeSpanDestination } from './where';
