/**
 * A small validator for the Honeycomb API bodies shipped in examples/honeycomb/, written from
 * Honeycomb's documented shapes: the query specification (POST /1/queries/{dataset}), the trigger
 * (POST /1/triggers/{dataset}) and the flexible board (POST /1/boards). It returns a list of problems
 * (empty = valid) and the columns each body references, for the span-contract check.
 */

export const CALCULATION_OPS = [
  'COUNT',
  'CONCURRENCY',
  'SUM',
  'AVG',
  'COUNT_DISTINCT',
  'HEATMAP',
  'MAX',
  'MIN',
  'P001',
  'P01',
  'P05',
  'P10',
  'P20',
  'P25',
  'P50',
  'P75',
  'P80',
  'P90',
  'P95',
  'P99',
  'P999',
  'RATE_AVG',
  'RATE_SUM',
  'RATE_MAX',
] as const;
/** Calculations that take no column. */
const NO_COLUMN_OPS = new Set(['COUNT', 'CONCURRENCY']);
export const FILTER_OPS = [
  '=',
  '!=',
  '>',
  '>=',
  '<',
  '<=',
  'starts-with',
  'does-not-start-with',
  'ends-with',
  'does-not-end-with',
  'exists',
  'does-not-exist',
  'contains',
  'does-not-contain',
  'in',
  'not-in',
] as const;
const NO_VALUE_FILTERS = new Set(['exists', 'does-not-exist']);
const LIST_FILTERS = new Set(['in', 'not-in']);
const QUERY_KEYS = new Set([
  'time_range',
  'start_time',
  'end_time',
  'granularity',
  'breakdowns',
  'calculations',
  'filters',
  'filter_combination',
  'orders',
  'havings',
  'limit',
]);
/** Triggers cannot use these calculations (Honeycomb: no heatmap, concurrency or rate triggers). */
const NO_TRIGGER_OPS = new Set(['HEATMAP', 'CONCURRENCY', 'RATE_AVG', 'RATE_SUM', 'RATE_MAX']);
const TRIGGER_KEYS = new Set([
  'name',
  'description',
  'disabled',
  'query',
  'threshold',
  'frequency',
  'alert_type',
  'recipients',
  'baseline_details',
  'evaluation_schedule_type',
  'evaluation_schedule',
]);
const RECIPIENT_TYPES = new Set(['email', 'slack', 'pagerduty', 'webhook', 'msteams', 'msteams_workflow']);
const BASELINE_OFFSETS = new Set([60, 1440, 10080, 40320]);

export interface Checked {
  problems: string[];
  columns: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

export function checkQuery(q: unknown, where = 'query'): Checked {
  const problems: string[] = [];
  const columns: string[] = [];
  const p = (msg: string) => problems.push(`${where}: ${msg}`);
  if (!isObj(q)) return { problems: [`${where}: not an object`], columns };
  for (const k of Object.keys(q)) if (!QUERY_KEYS.has(k)) p(`unknown field "${k}"`);
  if (q.time_range !== undefined && !(isInt(q.time_range) && q.time_range > 0))
    p('time_range must be a positive integer (seconds)');
  if (q.granularity !== undefined && !(isInt(q.granularity) && q.granularity > 0))
    p('granularity must be a positive integer');
  if (q.breakdowns !== undefined) {
    if (!Array.isArray(q.breakdowns) || !q.breakdowns.every((b) => typeof b === 'string' && b))
      p('breakdowns must be a list of column names');
    else columns.push(...(q.breakdowns as string[]));
  }
  const calcs = q.calculations;
  if (!Array.isArray(calcs) || calcs.length === 0) p('calculations must be a non-empty list');
  else {
    calcs.forEach((c, i) => {
      if (!isObj(c)) return p(`calculations[${i}] is not an object`);
      for (const k of Object.keys(c)) if (k !== 'op' && k !== 'column') p(`calculations[${i}]: unknown field "${k}"`);
      if (!(CALCULATION_OPS as readonly string[]).includes(String(c.op)))
        p(`calculations[${i}].op ${JSON.stringify(c.op)} is not a Honeycomb calculation`);
      if (NO_COLUMN_OPS.has(String(c.op))) {
        if (c.column !== undefined) p(`calculations[${i}]: ${String(c.op)} takes no column`);
      } else if (typeof c.column !== 'string' || !c.column) p(`calculations[${i}]: ${String(c.op)} needs a column`);
      else columns.push(c.column);
    });
  }
  if (q.filters !== undefined) {
    if (!Array.isArray(q.filters)) p('filters must be a list');
    else
      q.filters.forEach((f, i) => {
        if (!isObj(f)) return p(`filters[${i}] is not an object`);
        for (const k of Object.keys(f))
          if (!['column', 'op', 'value'].includes(k)) p(`filters[${i}]: unknown field "${k}"`);
        if (typeof f.column !== 'string' || !f.column) p(`filters[${i}] needs a column`);
        else columns.push(f.column);
        const op = String(f.op);
        if (!(FILTER_OPS as readonly string[]).includes(op))
          p(`filters[${i}].op ${JSON.stringify(f.op)} is not a Honeycomb filter`);
        else if (NO_VALUE_FILTERS.has(op)) {
          if (f.value !== undefined) p(`filters[${i}]: ${op} takes no value`);
        } else if (LIST_FILTERS.has(op)) {
          if (!Array.isArray(f.value) || !f.value.every(isScalar)) p(`filters[${i}]: ${op} needs a list value`);
        } else if (!isScalar(f.value)) p(`filters[${i}]: ${op} needs a string, number or boolean value`);
      });
  }
  if (q.filter_combination !== undefined && q.filter_combination !== 'AND' && q.filter_combination !== 'OR')
    p('filter_combination must be AND or OR');
  if (q.orders !== undefined) {
    if (!Array.isArray(q.orders)) p('orders must be a list');
    else
      q.orders.forEach((o, i) => {
        if (!isObj(o)) return p(`orders[${i}] is not an object`);
        if (o.order !== undefined && o.order !== 'ascending' && o.order !== 'descending')
          p(`orders[${i}].order must be ascending or descending`);
        if (o.op !== undefined) {
          // Ordering by a calculation: it must be one of the query's calculations.
          const found = Array.isArray(calcs) && calcs.some((c) => isObj(c) && c.op === o.op && c.column === o.column);
          if (!found)
            p(
              `orders[${i}] orders by ${String(o.op)}(${String(o.column ?? '')}), which is not a calculation of the query`,
            );
        } else if (typeof o.column !== 'string' || !(Array.isArray(q.breakdowns) && q.breakdowns.includes(o.column))) {
          p(`orders[${i}] orders by a column that is not a breakdown`);
        }
      });
  }
  if (q.limit !== undefined && !(isInt(q.limit) && q.limit >= 1 && q.limit <= 1000))
    p('limit must be an integer from 1 to 1000');
  return { problems, columns };
}

export function checkTrigger(t: unknown, where = 'trigger'): Checked {
  const problems: string[] = [];
  const p = (msg: string) => problems.push(`${where}: ${msg}`);
  if (!isObj(t)) return { problems: [`${where}: not an object`], columns: [] };
  for (const k of Object.keys(t)) if (!TRIGGER_KEYS.has(k)) p(`unknown field "${k}"`);
  if (typeof t.name !== 'string' || t.name.length < 1 || t.name.length > 120) p('name must be 1 to 120 characters');
  if (t.description !== undefined && (typeof t.description !== 'string' || t.description.length > 1023))
    p('description must be at most 1023 characters');
  if (t.disabled !== undefined && typeof t.disabled !== 'boolean') p('disabled must be a boolean');
  const query = checkQuery(t.query, `${where}.query`);
  problems.push(...query.problems);
  if (isObj(t.query)) {
    const calcs = t.query.calculations;
    if (Array.isArray(calcs) && calcs.length !== 1) p('a trigger query has exactly one calculation');
    if (Array.isArray(calcs) && calcs.some((c) => isObj(c) && NO_TRIGGER_OPS.has(String(c.op))))
      p('triggers cannot use heatmap, concurrency or rate calculations');
    if (t.query.orders !== undefined || t.query.limit !== undefined) p('a trigger query has no orders or limit');
  }
  const th = t.threshold;
  if (
    !isObj(th) ||
    !['>', '>=', '<', '<='].includes(String(th.op)) ||
    typeof th.value !== 'number' ||
    !Number.isFinite(th.value)
  ) {
    p('threshold must be {op: > | >= | < | <=, value: number}');
  }
  if (!(isInt(t.frequency) && t.frequency >= 60 && t.frequency <= 86_400 && t.frequency % 60 === 0))
    p('frequency must be 60..86400 seconds, a multiple of 60');
  // Our own rule (conservative): the query window covers at least the time between evaluations.
  if (isObj(t.query) && isInt(t.query.time_range) && isInt(t.frequency) && t.query.time_range < t.frequency)
    p('query.time_range is shorter than frequency: events between evaluations would be missed');
  if (t.alert_type !== undefined && t.alert_type !== 'on_change' && t.alert_type !== 'on_true')
    p('alert_type must be on_change or on_true');
  if (!Array.isArray(t.recipients) || t.recipients.length === 0) p('recipients must be a non-empty list');
  else
    t.recipients.forEach((r, i) => {
      if (!isObj(r)) return p(`recipients[${i}] is not an object`);
      const byId = typeof r.id === 'string' && r.id.length > 0;
      const byTarget = RECIPIENT_TYPES.has(String(r.type)) && typeof r.target === 'string' && r.target.length > 0;
      if (!byId && !byTarget)
        p(`recipients[${i}] needs an id, or a type (${[...RECIPIENT_TYPES].join(', ')}) and a target`);
    });
  if (t.baseline_details !== undefined) {
    const b = t.baseline_details;
    if (
      !isObj(b) ||
      (b.type !== 'percentage' && b.type !== 'value') ||
      !BASELINE_OFFSETS.has(Number(b.offset_minutes))
    ) {
      p(`baseline_details must be {type: percentage | value, offset_minutes: ${[...BASELINE_OFFSETS].join(' | ')}}`);
    }
  }
  return { problems, columns: query.columns };
}

/**
 * The board template: a flexible board body (POST /1/boards) whose query panels name a query file
 * ("@queries/x.json") and carry the query annotation to create ({name, description}); load.sh swaps
 * in the ids Honeycomb returns and drops the "annotation" helper.
 */
export function checkBoardTemplate(
  b: unknown,
  queryFiles: readonly string[],
  where = 'board',
): { problems: string[]; queries: string[] } {
  const problems: string[] = [];
  const queries: string[] = [];
  const p = (msg: string) => problems.push(`${where}: ${msg}`);
  if (!isObj(b)) return { problems: [`${where}: not an object`], queries };
  for (const k of Object.keys(b))
    if (!['name', 'description', 'type', 'panels', 'preset_filters', 'tags'].includes(k)) p(`unknown field "${k}"`);
  if (typeof b.name !== 'string' || !b.name) p('name is required');
  if (b.type !== 'flexible') p('type must be "flexible" (the API no longer accepts classic boards)');
  if (!Array.isArray(b.panels) || b.panels.length === 0)
    return { problems: [...problems, `${where}: panels must be a non-empty list`], queries };
  b.panels.forEach((panel, i) => {
    if (!isObj(panel) || panel.type !== 'query' || !isObj(panel.query_panel))
      return p(`panels[${i}] must be a query panel`);
    const qp = panel.query_panel;
    const ref = typeof qp.query_id === 'string' && qp.query_id.startsWith('@') ? qp.query_id.slice(1) : undefined;
    if (!ref || !queryFiles.includes(ref))
      p(
        `panels[${i}].query_panel.query_id must name a query file ("@queries/....json"), got ${JSON.stringify(qp.query_id)}`,
      );
    else queries.push(ref);
    if (qp.query_annotation_id !== '@annotation')
      p(`panels[${i}].query_panel.query_annotation_id must be "@annotation" (filled in by load.sh)`);
    if (qp.query_style !== undefined && !['graph', 'table', 'combo'].includes(String(qp.query_style)))
      p(`panels[${i}].query_panel.query_style must be graph, table or combo`);
    const a = panel.annotation;
    if (!isObj(a) || typeof a.name !== 'string' || !a.name || a.name.length > 320)
      p(`panels[${i}].annotation needs a name`);
  });
  return { problems, queries };
}
