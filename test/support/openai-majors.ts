/** Every supported `openai` major, installed side by side as npm aliases (devDependencies). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const requireCjs = createRequire(__filename);

export const MAJORS = [
  { major: 4, pkg: 'openai-v4' },
  { major: 5, pkg: 'openai-v5' },
  { major: 6, pkg: 'openai-v6' },
  { major: 7, pkg: 'openai' },
] as const;

export type OpenAIModule = any;

export function loadMajor(pkg: string): OpenAIModule {
  return requireCjs(pkg);
}

export function versionOf(pkg: string): string {
  // Not every major exports ./package.json: read it next to the resolved entry point.
  const entry = requireCjs.resolve(pkg);
  const root = entry.slice(0, entry.lastIndexOf(`/node_modules/${pkg}/`) + `/node_modules/${pkg}/`.length);
  return JSON.parse(readFileSync(`${root}package.json`, 'utf8')).version;
}
