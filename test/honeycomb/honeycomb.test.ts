/**
 * The Honeycomb queries, triggers and board in examples/honeycomb/: each body matches Honeycomb's
 * documented shape (validator in ./spec.ts), every column they read is in the span contract
 * (src/semconv.ts SPAN_CONTRACT_ATTRIBUTES, or a per-scenario name of a default scenario), the
 * scenario comparison has one SUM per scenario, trigger thresholds equal the Prometheus rules'
 * defaults, and load.sh sends what the API expects (checked against a local stand-in for
 * api.honeycomb.io: this machine cannot reach Honeycomb).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as S from '../../src/semconv';
import { loadPricing } from '../../src/pricing';
import { DEFAULT_ALERT_THRESHOLDS } from '../../src/alerts/thresholds';
import { checkBoardTemplate, checkQuery, checkTrigger } from './spec';
import { ROOT } from '../support/global-setup';

const DIR = join(ROOT, 'examples/honeycomb');
const read = (rel: string): any => JSON.parse(readFileSync(join(DIR, rel), 'utf8'));
const queryFiles = readdirSync(join(DIR, 'queries'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => `queries/${f}`);
const triggerFiles = readdirSync(join(DIR, 'triggers'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => `triggers/${f}`);
const scenarios = loadPricing().scenarios.map((s) => s.id);
const scenarioColumns = new Set(
  scenarios.flatMap((id) => [S.scenarioCostAttr(id), S.scenarioModelAttr(id), S.scenarioInfeasibleAttr(id)]),
);
const inContract = (c: string) => S.SPAN_CONTRACT_ATTRIBUTES.includes(c) || scenarioColumns.has(c);

describe('Honeycomb files match the documented API shapes', () => {
  it('ships the five queries, the triggers and a board', () => {
    expect(queryFiles.sort()).toEqual(
      [
        'actual-vs-scenarios',
        'input-token-percentiles',
        'recycled-by-conversation',
        'spend-by-model-provider',
        'top-bloated-conversations',
      ].map((n) => `queries/${n}.json`),
    );
    expect(triggerFiles.length).toBeGreaterThanOrEqual(5);
  });

  for (const f of queryFiles) {
    it(`${f} is a valid query specification reading only span-contract columns`, () => {
      const { problems, columns } = checkQuery(read(f), f);
      expect(problems).toEqual([]);
      expect(columns.length).toBeGreaterThan(0);
      expect(
        columns.filter((c) => !inContract(c)),
        'columns not in the span contract',
      ).toEqual([]);
    });
  }

  for (const f of triggerFiles) {
    it(`${f} is a valid trigger body reading only span-contract columns`, () => {
      const { problems, columns } = checkTrigger(read(f), f);
      expect(problems).toEqual([]);
      expect(
        columns.filter((c) => !inContract(c)),
        'columns not in the span contract',
      ).toEqual([]);
      expect(read(f).description, 'a runbook line').toMatch(/Runbook: \w/);
    });
  }

  it('board.json gathers every query', () => {
    const { problems, queries } = checkBoardTemplate(read('board.json'), queryFiles);
    expect(problems).toEqual([]);
    expect([...queries].sort()).toEqual([...queryFiles].sort());
  });

  it('actual vs scenarios: one SUM per scenario column, for exactly the default scenarios', () => {
    const q = read('queries/actual-vs-scenarios.json');
    const sums = q.calculations.filter((c: any) => c.op === 'SUM').map((c: any) => c.column);
    expect(sums).toContain(S.ATTR_COST_USD);
    const scenarioSums = sums.filter((c: string) => c !== S.ATTR_COST_USD && c !== S.ATTR_COST_SAVINGS_USD);
    expect(scenarioSums).toEqual(scenarios.map((id) => S.scenarioCostAttr(id)));
  });

  it('bloat filters compare with the boolean true, the type the attribute is stored with', () => {
    const filters = [...queryFiles.map((f) => read(f)), ...triggerFiles.map((f) => read(f).query)].flatMap(
      (q) => q.filters ?? [],
    );
    const bloat = filters.filter((f: any) => f.column === S.ATTR_CONTEXT_BLOAT);
    expect(bloat.length).toBeGreaterThan(0);
    for (const f of bloat) expect(f.value).toBe(true);
  });

  it('trigger thresholds are the Prometheus rules\' defaults (one meaning of "bloated" everywhere)', () => {
    const t = (f: string) => read(`triggers/${f}.json`);
    expect(t('input-tokens-p90').threshold.value).toBe(DEFAULT_ALERT_THRESHOLDS.inputTokensP90);
    expect(t('context-window-nearly-full').threshold.value).toBe(DEFAULT_ALERT_THRESHOLDS.utilization);
    expect(t('context-recycled').threshold.value).toBe(DEFAULT_ALERT_THRESHOLDS.recycledRatio);
    expect(t('savings-per-hour').threshold.value).toBe(DEFAULT_ALERT_THRESHOLDS.savingsUsdPerHour);
    expect(t('savings-per-hour').query.time_range).toBe(3600);
    expect(t('cost-surge').threshold.value).toBe((DEFAULT_ALERT_THRESHOLDS.costSurgeFactor - 1) * 100);
  });
});

describe('the validator and the contract check catch mistakes', () => {
  const good = read('triggers/bloated-requests.json');
  const cases: Array<[string, (t: any) => void, RegExp]> = [
    ['a frequency that is not a multiple of 60', (t) => (t.frequency = 90), /frequency must be 60\.\.86400/],
    ['a frequency above a day', (t) => (t.frequency = 86_460), /frequency must be/],
    [
      'two calculations',
      (t) => t.query.calculations.push({ op: 'SUM', column: S.ATTR_COST_USD }),
      /exactly one calculation/,
    ],
    [
      'a heatmap trigger',
      (t) => (t.query.calculations = [{ op: 'HEATMAP', column: S.ATTR_CONTEXT_TOKENS }]),
      /cannot use heatmap/,
    ],
    [
      'an unknown calculation',
      (t) => (t.query.calculations = [{ op: 'P42', column: S.ATTR_CONTEXT_TOKENS }]),
      /not a Honeycomb calculation/,
    ],
    ['a SUM without a column', (t) => (t.query.calculations = [{ op: 'SUM' }]), /SUM needs a column/],
    ['an unknown filter op', (t) => (t.query.filters[0].op = '=='), /not a Honeycomb filter/],
    [
      'an exists filter with a value',
      (t) => (t.query.filters = [{ column: S.ATTR_COST_USD, op: 'exists', value: 1 }]),
      /takes no value/,
    ],
    ['a threshold that is not a number', (t) => (t.threshold.value = '20'), /threshold must be/],
    ['no recipients', (t) => (t.recipients = []), /recipients must be a non-empty list/],
    ['a misspelt field', (t) => (t.threshhold = t.threshold), /unknown field "threshhold"/],
    ['a window shorter than the frequency', (t) => (t.query.time_range = 120), /shorter than frequency/],
  ];
  for (const [what, mutate, message] of cases) {
    it(`rejects ${what}`, () => {
      const t = structuredClone(good);
      mutate(t);
      expect(checkTrigger(t).problems.join('\n')).toMatch(message);
    });
  }

  it('rejects a query ordered by a calculation it does not make', () => {
    const q = structuredClone(read('queries/spend-by-model-provider.json'));
    q.orders = [{ op: 'AVG', column: S.ATTR_COST_USD, order: 'descending' }];
    expect(checkQuery(q).problems.join('\n')).toMatch(/not a calculation of the query/);
  });

  it('flags a renamed attribute as outside the span contract', () => {
    const q = structuredClone(read('queries/top-bloated-conversations.json'));
    q.filters[0].column = 'tokentax.context.bloated';
    const { columns } = checkQuery(q);
    expect(columns.filter((c) => !inContract(c))).toEqual(['tokentax.context.bloated']);
  });

  it('rejects a board panel that names no shipped query', () => {
    const b = structuredClone(read('board.json'));
    b.panels[0].query_panel.query_id = '@queries/missing.json';
    expect(checkBoardTemplate(b, queryFiles).problems.join('\n')).toMatch(/must name a query file/);
  });
});

describe('load.sh against a local stand-in for the Honeycomb API', () => {
  let server: Server;
  let url = '';
  const requests: Array<{ method: string; path: string; key: string | undefined; body: any }> = [];
  let next = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
        requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          key: req.headers['x-honeycomb-team'] as string | undefined,
          body,
        });
        const id = `id${++next}`;
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ...body, id, links: { board_url: `https://ui.honeycomb.io/board/${id}` } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('creates every trigger, query and annotation, then the board with their ids', async () => {
    const run = await new Promise<{ status: number | null; out: string }>((resolve) => {
      // spawn (not spawnSync): the stand-in server runs on this event loop.
      const child = spawn('bash', [join(DIR, 'load.sh')], {
        env: { ...process.env, HONEYCOMB_API_URL: url, HONEYCOMB_API_KEY: 'test-key', HONEYCOMB_DATASET: 'my service' },
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.stderr.on('data', (d: Buffer) => (out += d));
      child.on('exit', (status: number | null) => resolve({ status, out }));
    });
    expect(run.status, run.out).toBe(0);
    expect(requests.every((r) => r.method === 'POST' && r.key === 'test-key')).toBe(true);
    const triggers = requests.filter((r) => r.path === '/1/triggers/my%20service');
    expect(triggers.map((r) => r.body.name).sort()).toEqual(triggerFiles.map((f) => read(f).name).sort());
    const queries = requests.filter((r) => r.path === '/1/queries/my%20service');
    expect(queries).toHaveLength(queryFiles.length);
    for (const q of queries) expect(checkQuery(q.body).problems).toEqual([]);
    const annotations = requests.filter((r) => r.path === '/1/query_annotations/my%20service');
    expect(annotations).toHaveLength(queryFiles.length);
    const board = requests.find((r) => r.path === '/1/boards')!.body;
    expect(board.type).toBe('flexible');
    for (const [i, panel] of board.panels.entries()) {
      expect(panel.annotation).toBeUndefined();
      const qid = panel.query_panel.query_id;
      expect(queries.map((q) => `id${requests.indexOf(q) + 1}`)).toContain(qid);
      expect(annotations[i].body.query_id).toBe(qid);
      expect(panel.query_panel.query_annotation_id).toBe(`id${requests.indexOf(annotations[i]) + 1}`);
    }
    expect(run.out).toMatch(/board {4}id\d+ {2}https:\/\/ui\.honeycomb\.io\/board\//);
  });

  it('fails with a message when the key or dataset is missing', () => {
    const r = spawnSync('bash', [join(DIR, 'load.sh')], {
      encoding: 'utf8',
      env: { ...process.env, HONEYCOMB_API_URL: url, HONEYCOMB_API_KEY: '', HONEYCOMB_DATASET: 'x' },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('set HONEYCOMB_API_KEY');
  });
});
