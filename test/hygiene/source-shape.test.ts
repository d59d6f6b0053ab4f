/**
 * The shape of src/: no import cycle (type-only imports included: they still tie modules together
 * for a reader) and no source file over 400 lines. Each failure lists every offender.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../../src');
const MAX_LINES = 400;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** Static imports and re-exports (`import type` included) and dynamic import()/require() of relative paths. */
const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?['"](\.[^'"]+)['"]|(?:import|require)\(\s*['"](\.[^'"]+)['"]\s*\)/gm;

export function importsOf(file: string, text: string, known: Set<string>): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out = new Set<string>();
  for (const m of code.matchAll(SPECIFIER)) {
    const spec = (m[1] ?? m[2]).replace(/\.js$/, '');
    const base = resolve(dirname(file), spec);
    const target = [`${base}.ts`, join(base, 'index.ts')].find((p) => known.has(p));
    if (target) out.add(target);
  }
  return [...out];
}

/** Every cycle as a list of files, found by a depth-first search over strongly connected parts. */
export function findCycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    order.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
    }
    if (low.get(v) === order.get(v)) {
      const part: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        part.push(w);
      } while (w !== v);
      if (part.length > 1 || graph.get(v)?.includes(v)) cycles.push(part.reverse());
    }
  };
  for (const v of graph.keys()) if (!order.has(v)) visit(v);
  return cycles;
}

const files = sourceFiles(SRC);
const rel = (p: string) => relative(resolve(SRC, '..'), p);

describe('src/ shape', () => {
  it('the import parser sees static, type-only, re-export and lazy imports', () => {
    const known = new Set(['/s/a.ts', '/s/b.ts', '/s/c/index.ts', '/s/d.ts', '/s/e.ts']);
    const text = [
      "import { x } from './b';",
      "import type { T } from './c';",
      "export * from './d.js';",
      "const e = require('./e');",
      "// import { no } from './zzz';",
      "import { readFileSync } from 'node:fs';",
    ].join('\n');
    expect(importsOf('/s/a.ts', text, known).sort()).toEqual(['/s/b.ts', '/s/c/index.ts', '/s/d.ts', '/s/e.ts']);
  });

  it('the cycle finder finds a two-file and a three-file cycle, and nothing in a tree', () => {
    const g = new Map([
      ['a', ['b']],
      ['b', ['a', 'c']],
      ['c', ['d']],
      ['d', ['e']],
      ['e', ['c']],
      ['f', ['a']],
    ]);
    expect(findCycles(g).map((c) => c.sort())).toEqual([
      ['c', 'd', 'e'],
      ['a', 'b'],
    ]);
    expect(
      findCycles(
        new Map([
          ['a', ['b', 'c']],
          ['b', ['c']],
          ['c', []],
        ]),
      ),
    ).toEqual([]);
  });

  it('has no import cycle (type-only imports included)', () => {
    const known = new Set(files);
    const graph = new Map(files.map((f) => [f, importsOf(f, readFileSync(f, 'utf8'), known)]));
    const cycles = findCycles(graph).map((c) => c.map(rel).join(' <-> '));
    expect(cycles, `import cycles:\n  ${cycles.join('\n  ')}`).toEqual([]);
  });

  it(`has no source file over ${MAX_LINES} lines`, () => {
    const long = files
      .map((f) => ({ file: rel(f), lines: readFileSync(f, 'utf8').split('\n').length - 1 }))
      .filter((f) => f.lines > MAX_LINES)
      .map((f) => `${f.file}: ${f.lines} lines`);
    expect(long, `files over ${MAX_LINES} lines:\n  ${long.join('\n  ')}`).toEqual([]);
  });
});
