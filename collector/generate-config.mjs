#!/usr/bin/env node
/**
 * Regenerates collector/config.yaml (the ready pipeline) from the shipped pricing data, without any
 * user configuration. Run after `npm run build` whenever data/ changes:
 *   npm run build && node collector/generate-config.mjs
 * (test/collector/config.test.ts fails while the committed file is stale.)
 * Users generate their own with `npx tokentax collector-config [--config user.yaml]`.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO } from './harness.mjs';

const require = createRequire(import.meta.url);
const { generateCollectorConfig } = require('../dist/collector/index.js');
const out = join(REPO, 'collector', 'config.yaml');
writeFileSync(out, generateCollectorConfig({ config: { env: {} } }));
console.log(`wrote ${out}`);
