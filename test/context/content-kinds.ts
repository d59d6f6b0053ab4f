/** Generated content of each kind the split must count right (seeded, so a failure is reproducible). */
import { rng } from '../support/rng';

const WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which but have ' +
  'an they you were their one all we can her has there been if more when will would who so no time ' +
  'people year way day thing man world life hand part child eye woman place work week case point ' +
  'government company number group problem fact understand nevertheless extraordinary infrastructure'
).split(' ');
const IDENTS = ['user', 'items', 'result', 'config', 'index', 'value', 'request', 'handler', 'cache', 'map'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

export function englishProse(chars: number, seed: number): string {
  const r = rng(seed);
  let out = '';
  while (out.length < chars) {
    const n = 6 + Math.floor(r() * 14);
    const words = Array.from({ length: n }, () => pick(r, WORDS));
    words[0] = words[0][0].toUpperCase() + words[0].slice(1);
    out += `${words.join(' ')}${pick(r, ['.', '.', ',', '?', '!'])} `;
    if (r() < 0.1) out += '\n\n';
  }
  return out;
}

export function code(chars: number, seed: number): string {
  const r = rng(seed);
  let out = '';
  while (out.length < chars) {
    const a = pick(r, IDENTS);
    const b = pick(r, IDENTS);
    const n = Math.floor(r() * 1000);
    out += pick(r, [
      `export function get${a[0].toUpperCase()}${a.slice(1)}(${b}: string[]): number {\n  return ${b}.length + ${n};\n}\n`,
      `  const ${a}${n} = await fetch(\`/api/${b}/\${id}\`, { method: 'POST' });\n`,
      `  if (${a} === undefined || ${b}[${n}] !== null) throw new Error('${a} missing');\n`,
      `  for (let i = 0; i < ${b}.length; i++) ${a}.set(${b}[i], i * ${n});\n`,
    ]);
  }
  return out;
}

export function json(chars: number, seed: number): string {
  const r = rng(seed);
  const rows: unknown[] = [];
  let size = 2;
  while (size < chars) {
    const row = {
      id: `${Math.floor(r() * 1e9).toString(16)}-${Math.floor(r() * 1e6)}`,
      name: `${pick(r, WORDS)} ${pick(r, WORDS)}`,
      price: Math.round(r() * 100000) / 100,
      tags: [pick(r, IDENTS), pick(r, IDENTS)],
      active: r() < 0.5,
      nested: { count: Math.floor(r() * 500), ratio: Math.round(r() * 1000) / 1000 },
    };
    rows.push(row);
    size += JSON.stringify(row).length + 1;
  }
  return JSON.stringify(rows);
}

export function numericCsv(chars: number, seed: number): string {
  const r = rng(seed);
  let out = 'timestamp,sensor,value,delta,quality\n';
  let t = 1_700_000_000;
  while (out.length < chars) {
    t += Math.floor(r() * 60);
    const v = (r() * 2000 - 1000).toFixed(3);
    const d = (r() * 10).toFixed(4);
    out += `${t},${Math.floor(r() * 64)},${v},${d},${Math.floor(r() * 100)}\n`;
  }
  return out;
}

/** Chinese: common CJK ideographs in clauses separated by full-width punctuation. */
export function cjk(chars: number, seed: number): string {
  const r = rng(seed);
  const common =
    '的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后能对着事其里所去行过家十用发天如然作方成者多日都三小军二无同么经法当起与好看学进种将还分此心前面又定见只主没公从';
  let out = '';
  while (out.length < chars) {
    const n = 4 + Math.floor(r() * 20);
    for (let i = 0; i < n; i++) out += common[Math.floor(r() * common.length)];
    out += pick(r, ['，', '。', '、', '；', '？', '\n']);
  }
  return out;
}

export function base64(chars: number, seed: number): string {
  const r = rng(seed);
  const bytes = Buffer.alloc(Math.ceil((chars * 3) / 4));
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(r() * 256);
  return bytes.toString('base64').slice(0, chars);
}

export const CONTENT_KINDS: Record<string, (chars: number, seed: number) => string> = {
  'English prose': englishProse,
  code,
  JSON: json,
  'numeric CSV': numericCsv,
  CJK: cjk,
  base64,
};
