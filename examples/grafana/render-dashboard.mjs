#!/usr/bin/env node
/**
 * Prints the tokentax Grafana dashboard (JSON) rendered from the metric names in src/semconv.ts:
 *
 *   node examples/grafana/render-dashboard.mjs > examples/grafana/tokentax-dashboard.json
 *
 * Needs dist/ (npm run build).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let dashboard;
try {
  dashboard = require('../../dist/alerts/grafana-dashboard.js');
} catch (err) {
  console.error(`render-dashboard: dist/ is missing or stale; run npm run build first (${err.message})`);
  process.exit(1);
}
process.stdout.write(dashboard.renderGrafanaDashboard());
