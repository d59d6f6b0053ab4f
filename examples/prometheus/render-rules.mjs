#!/usr/bin/env node
/**
 * Prints the tokentax Prometheus rules (YAML) rendered from the metric names in src/semconv.ts.
 *
 *   node examples/prometheus/render-rules.mjs                                  # defaults
 *   node examples/prometheus/render-rules.mjs --set inputTokensP90=50000 --set for.savings=1h
 *   node examples/prometheus/render-rules.mjs --thresholds my-thresholds.json  # JSON object, same names
 *
 * A bad threshold (negative, NaN, not a number, unknown name) exits with status 2 and says which.
 * Needs dist/ (npm run build).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let rules, thresholds;
try {
  rules = require('../../dist/alerts/prometheus-rules.js');
  thresholds = require('../../dist/alerts/thresholds.js');
} catch (err) {
  console.error(`render-prometheus-rules: dist/ is missing or stale; run npm run build first (${err.message})`);
  process.exit(1);
}

const args = process.argv.slice(2);
const pairs = [];
let input = {};
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--set' && i + 1 < args.length) pairs.push(args[++i]);
  else if (a.startsWith('--set=')) pairs.push(a.slice(6));
  else if (a === '--thresholds' && i + 1 < args.length) input = JSON.parse(readFileSync(args[++i], 'utf8'));
  else {
    console.error(
      `render-prometheus-rules: unknown argument ${JSON.stringify(a)} (use --set name=value or --thresholds file.json)`,
    );
    process.exit(2);
  }
}
try {
  const overrides = thresholds.parseThresholdOverrides(pairs);
  const merged = { ...input, ...overrides, for: { ...(input.for ?? {}), ...(overrides.for ?? {}) } };
  process.stdout.write(rules.renderPrometheusRules(merged));
} catch (err) {
  if (err instanceof Error && err.name === 'AlertThresholdError') {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}
