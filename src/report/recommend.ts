/** A plain-language recommendation from the report's figures: what to do, and how sure we are. */
import { ACTUAL } from './span-costs';
import { pct, plural, tokens, usd } from './format';
import type { ReportData, ScenarioBill } from './report-data';

export function recommend(r: ReportData): string[] {
  const out: string[] = [];
  const total = r.profile.overall.requests;
  if (r.spans.genai === 0)
    return [
      'No GenAI spans found in the input: nothing to compare. Is tokentax (or another GenAI instrumentation) recording spans?',
    ];
  const actual = r.scenarios.find((s) => s.id === ACTUAL);
  const token = r.scenarios.filter((s) => s.kind === 'token' && s.priced > 0);
  // Like for like: each scenario against what the same requests actually cost.
  const ratio = (s: ScenarioBill) => (s.actualOnSame.usd > 0 ? s.bill / s.actualOnSame.usd : Infinity);
  const comparable = token.filter((s) => Number.isFinite(ratio(s)));
  if (actual && actual.priced > 0 && comparable.length) {
    const best = [...comparable].sort((a, b) => ratio(a) - ratio(b))[0];
    const left = Object.entries(best.reasons)
      .map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`)
      .join(', ');
    if (ratio(best) < 1) {
      out.push(
        `${best.id} is the cheapest token-metered option for this traffic: ${usd(best.bill)} for the ${plural(best.priced, 'request')} it can price, ` +
          `which cost ${usd(best.actualOnSame.usd)} as called (${pct(1 - ratio(best))} less)` +
          (left ? `; the other requests (${left}) stay where they are` : '') +
          `. ${best.models[0] ? `Its stand-in models (${best.models.slice(0, 3).join(', ')}) are not the ones you call now: ` : ''}check quality on your own prompts before switching.`,
      );
    } else {
      out.push(`What you use now is already the cheapest token-metered option for this traffic (${usd(actual.bill)}).`);
    }
  } else if (token.length) {
    const best = [...token].sort((a, b) => a.bill - b.bill)[0];
    out.push(
      `${best.id} has the lowest token-metered bill for this traffic: ${usd(best.bill)} (what was actually paid is not priced).`,
    );
  }
  for (const s of token) {
    if (s.notServed > 0)
      out.push(
        `${s.id} cannot serve ${plural(s.notServed, 'request')} of this traffic (context window): its bill leaves them out.`,
      );
  }
  for (const f of r.flat) {
    if (!f.breakEven) continue;
    const flatLine =
      f.configuredPrice === undefined
        ? `${f.id} charges per request and publishes no price we could find: it wins for this traffic only below ${usd(f.breakEven.pricePerRequest)} a request ` +
          `(the average cost per request on ${f.breakEven.versus}, the cheapest token-metered option, over the ${plural(f.servable, 'request')} ${f.id} can serve).`
        : f.configuredPrice < f.breakEven.pricePerRequest
          ? `At the configured ${usd(f.configuredPrice)} a request, ${f.id} beats ${f.breakEven.versus} for this traffic (break-even ${usd(f.breakEven.pricePerRequest)}).`
          : `At the configured ${usd(f.configuredPrice)} a request, ${f.id} costs more than ${f.breakEven.versus} for this traffic (break-even ${usd(f.breakEven.pricePerRequest)}).`;
    out.push(flatLine);
    if (f.configuredPrice !== undefined && f.winsAbovePromptTokens !== undefined) {
      out.push(
        f.winsAbovePromptTokens === null
          ? `No observed prompt size is large enough for ${f.id}'s flat price to pay off.`
          : `Flat pricing pays off for prompts above about ${tokens(f.winsAbovePromptTokens)} input tokens: route those to ${f.id}, keep the rest token-metered.`,
      );
    }
    if (f.notServable > 0)
      out.push(`${f.id} cannot serve ${plural(f.notServable, 'request')} of this traffic (context window).`);
  }
  const large = r.profile.overall.largeShare;
  if (large >= 0.1) {
    out.push(
      `${pct(large)} of requests send ${tokens(r.largeThreshold)}+ input tokens: input price and context window matter more than output price for you.`,
    );
  }
  if (r.recycled.share >= 0.3) {
    const paid = r.recycled.cost[ACTUAL];
    out.push(
      `${pct(r.recycled.share)} of all input tokens were context resent from earlier turns` +
        (Number.isFinite(paid) && paid > 0 ? ` (${usd(paid)} of the actual bill)` : '') +
        `: trimming or summarising history, or a provider with prompt caching, cuts that directly.`,
    );
  }
  if (total > 0 && total < 50)
    out.push(`Based on only ${plural(total, 'request')}: record more traffic before deciding.`);
  return out;
}
