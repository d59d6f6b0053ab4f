package tokentaxprocessor

import (
	"math"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Model matching, as src/pricing/match.ts: the name on a span (any case, dated snapshot, prefixed)
// -> one model entry. Rules in order: exact alias within the provider; longest prefix; the same two
// without a trailing -YYYY-MM-DD / -YYYYMMDD date; the provider's fallbacks. Without a provider: the
// same rules over every provider in data order.

type tier struct {
	minInput                                         float64
	input, cachedInput, cacheWrite, output           optFloat
	inputAudio, outputAudio, inputImage, outputImage optFloat
}

type optFloat struct {
	v  float64
	ok bool
}

func opt(p *float64) optFloat {
	if p == nil {
		return optFloat{}
	}
	return optFloat{*p, true}
}

// or returns o when set, else the fallback.
func (o optFloat) or(fallback optFloat) optFloat {
	if o.ok {
		return o
	}
	return fallback
}

const (
	perRequestNone     = iota // no per-request part
	perRequestUnpriced        // flat per-request model without a configured price
	perRequestPriced
)

type period struct {
	fromNanos                              int64 // math.MinInt64 = since forever
	input, cachedInput, cacheWrite, output optFloat
	inputAudio, outputAudio                optFloat
	inputImage, outputImage                optFloat
	perRequestKind                         int
	perRequest                             float64
	perImage                               map[string]float64 // "" = one price for every image
	perAudioMinute                         optFloat
	minAudioMinutes, minUSD                float64
	tiers                                  []tier
	windows                                []timeWindow
	tokenMetered                           bool
}

// timeWindow: prices (a tier without a minimum) for calls starting in [fromMin, toMin) of the UTC day.
type timeWindow struct {
	fromMin, toMin int64
	prices         tier
}

// minutesOf: "HH:MM" -> minutes of the day.
func minutesOf(hhmm string) int64 {
	if len(hhmm) < 5 {
		return 0
	}
	return int64(hhmm[0]-'0')*600 + int64(hhmm[1]-'0')*60 + int64(hhmm[3]-'0')*10 + int64(hhmm[4]-'0')
}

type modelEntry struct {
	provider, id, canonical, class string
	openWeight                     bool
	tokenRatio                     float64
	window, maxInput               optFloat
	periods                        []period // by fromNanos ascending
	// standIns: per effective class ("" for models whose class does not depend on the operation),
	// the stand-in model of each scenario (nil = no model there). Filled once when the data loads.
	standIns map[string][]*modelEntry
}

type providerIndex struct {
	exact     map[string]*modelEntry
	prefixes  []prefixEntry // longest first
	canonical map[string]*modelEntry
	fallback  []string
}

type prefixEntry struct {
	prefix string
	entry  *modelEntry
}

type modelIndex struct {
	order      []string
	byProvider map[string]*providerIndex
	aliases    map[string]string // provider name seen on spans (trimmed, lower-cased) -> provider id
	all        []*modelEntry
	// memo: resolved names by provider id ("" = any provider), copy-on-write so reads take no lock.
	memo   map[string]*nameMemo
	memoMu sync.Mutex
}

type nameMemo struct {
	m    atomic.Pointer[map[string]*modelEntry]
	size int
}

const memoLimit = 10_000 // model names are few; the bound keeps hostile cardinality from growing memory

func buildIndex(prices *pricesFile, families map[string]float64) *modelIndex {
	ix := &modelIndex{byProvider: map[string]*providerIndex{}, aliases: map[string]string{}, memo: map[string]*nameMemo{}}
	for _, pid := range prices.ProviderOrder {
		p := prices.Providers[pid]
		pi := &providerIndex{exact: map[string]*modelEntry{}, canonical: map[string]*modelEntry{}, fallback: p.Fallback}
		for _, m := range p.Models {
			e := toEntry(pid, m, families)
			ix.all = append(ix.all, e)
			pi.exact[strings.ToLower(m.ID)] = e
			for _, a := range m.Aliases {
				if _, ok := pi.exact[a]; !ok {
					pi.exact[a] = e
				}
			}
			for _, pre := range m.Prefixes {
				pi.prefixes = append(pi.prefixes, prefixEntry{pre, e})
			}
			if e.canonical != "" {
				// Several models of one provider can share a canonical id (variants): the shortest id wins.
				prev := pi.canonical[e.canonical]
				if prev == nil || len(e.id) < len(prev.id) || (len(e.id) == len(prev.id) && e.id < prev.id) {
					pi.canonical[e.canonical] = e
				}
			}
		}
		sort.SliceStable(pi.prefixes, func(a, b int) bool { return len(pi.prefixes[a].prefix) > len(pi.prefixes[b].prefix) })
		ix.byProvider[pid] = pi
		ix.order = append(ix.order, pid)
		ix.memo[pid] = &nameMemo{}
	}
	ix.memo[""] = &nameMemo{}
	for _, pid := range ix.order {
		ix.aliases[pid] = pid
	}
	aliasNames := make([]string, 0, len(prices.ProviderAliases))
	for a := range prices.ProviderAliases {
		aliasNames = append(aliasNames, a)
	}
	sort.Strings(aliasNames)
	for _, a := range aliasNames {
		if id := prices.ProviderAliases[a]; ix.byProvider[id] != nil {
			ix.aliases[strings.ToLower(a)] = id
		}
	}
	return ix
}

func toEntry(provider string, m *modelData, families map[string]float64) *modelEntry {
	tok := m.Tokenizer
	if tok == "" {
		tok = "o200k"
	}
	ratio, ok := families[tok]
	if !ok {
		ratio = 1
	}
	e := &modelEntry{provider: provider, id: m.ID, canonical: strings.ToLower(m.Canonical), class: m.Class,
		openWeight: m.OpenWeight, tokenRatio: ratio, window: opt(m.Window), maxInput: opt(m.MaxInput)}
	for _, p := range m.Prices {
		e.periods = append(e.periods, toPeriod(p))
	}
	sort.SliceStable(e.periods, func(a, b int) bool { return e.periods[a].fromNanos < e.periods[b].fromNanos })
	return e
}

func toPeriod(p periodData) period {
	out := period{fromNanos: math.MinInt64, input: opt(p.InputMtok), cachedInput: opt(p.CachedInputMtok),
		cacheWrite: opt(p.CacheWriteMtok), output: opt(p.OutputMtok), perAudioMinute: opt(p.PerAudioMinute),
		inputAudio: opt(p.InputAudioMtok), outputAudio: opt(p.OutputAudioMtok),
		inputImage: opt(p.InputImageMtok), outputImage: opt(p.OutputImageMtok)}
	if p.EffectiveFrom != "" {
		if t, err := time.Parse("2006-01-02", p.EffectiveFrom); err == nil {
			out.fromNanos = t.UnixNano()
		}
	}
	if len(p.PerRequest) > 0 {
		var v *float64
		if err := jsonUnmarshal(p.PerRequest, &v); err == nil && v != nil {
			out.perRequestKind, out.perRequest = perRequestPriced, *v
		} else {
			out.perRequestKind = perRequestUnpriced
		}
	}
	if len(p.PerImage) > 0 {
		var v any
		if err := jsonUnmarshal(p.PerImage, &v); err == nil {
			out.perImage, _ = imagePrices(v)
		}
	}
	if p.MinAudioSeconds != nil {
		out.minAudioMinutes = *p.MinAudioSeconds / 60
	}
	if p.MinUSD != nil {
		out.minUSD = *p.MinUSD
	}
	for _, t := range p.Tiers {
		out.tiers = append(out.tiers, tier{minInput: t.MinInputTokens, input: opt(t.InputMtok),
			cachedInput: opt(t.CachedInputMtok), cacheWrite: opt(t.CacheWriteMtok), output: opt(t.OutputMtok),
			inputAudio: opt(t.InputAudioMtok), outputAudio: opt(t.OutputAudioMtok),
			inputImage: opt(t.InputImageMtok), outputImage: opt(t.OutputImageMtok)})
	}
	sort.SliceStable(out.tiers, func(a, b int) bool { return out.tiers[a].minInput < out.tiers[b].minInput })
	for _, w := range p.UTCWindows {
		t := w.tierData
		out.windows = append(out.windows, timeWindow{fromMin: minutesOf(w.From), toMin: minutesOf(w.To),
			prices: tier{input: opt(t.InputMtok), cachedInput: opt(t.CachedInputMtok), cacheWrite: opt(t.CacheWriteMtok),
				output: opt(t.OutputMtok), inputAudio: opt(t.InputAudioMtok), outputAudio: opt(t.OutputAudioMtok),
				inputImage: opt(t.InputImageMtok), outputImage: opt(t.OutputImageMtok)}})
	}
	out.tokenMetered = out.input.ok || out.output.ok || out.cachedInput.ok || out.cacheWrite.ok
	return out
}

// provider resolves a provider name seen on a span; "" when unknown.
func (ix *modelIndex) provider(name string) string {
	return ix.aliases[strings.ToLower(jsTrim(name))]
}

// lookup finds the model a span names, for a known provider id ("" = any provider).
func (ix *modelIndex) lookup(provider, model string) *modelEntry {
	nm := ix.memo[provider]
	if nm == nil {
		return ix.resolve(provider, model) // a provider only a scenario names: not memoised
	}
	if m := nm.m.Load(); m != nil {
		if e, ok := (*m)[model]; ok {
			return e
		}
	}
	e := ix.resolve(provider, model)
	ix.memoMu.Lock()
	defer ix.memoMu.Unlock()
	old := nm.m.Load()
	if old != nil && len(*old) >= memoLimit {
		return e
	}
	next := make(map[string]*modelEntry, nm.size+1)
	if old != nil {
		for k, v := range *old {
			next[k] = v
		}
	}
	next[model] = e
	nm.size = len(next)
	nm.m.Store(&next)
	return e
}

func (ix *modelIndex) resolve(provider, model string) *modelEntry {
	lower := strings.ToLower(jsTrim(model))
	candidates := []string{lower}
	if base, ok := stripDate(lower); ok {
		candidates = append(candidates, base)
	}
	for _, name := range candidates {
		if provider != "" {
			if e := ix.findWithFallback(provider, name, map[string]bool{}); e != nil {
				return e
			}
			continue
		}
		for _, pid := range ix.order {
			if e := ix.byProvider[pid].find(name); e != nil {
				return e
			}
		}
	}
	return nil
}

func (pi *providerIndex) find(lower string) *modelEntry {
	if e, ok := pi.exact[lower]; ok {
		return e
	}
	for _, p := range pi.prefixes {
		if strings.HasPrefix(lower, p.prefix) {
			return p.entry
		}
	}
	return nil
}

func (ix *modelIndex) findWithFallback(provider, lower string, seen map[string]bool) *modelEntry {
	pi := ix.byProvider[provider]
	if pi == nil || seen[provider] {
		return nil
	}
	seen[provider] = true
	if e := pi.find(lower); e != nil {
		return e
	}
	for _, f := range pi.fallback {
		if e := ix.findWithFallback(f, lower, seen); e != nil {
			return e
		}
	}
	return nil
}

func (ix *modelIndex) byCanonical(provider, canonical string) *modelEntry {
	pi := ix.byProvider[provider]
	if pi == nil {
		return nil
	}
	lower := strings.ToLower(canonical)
	if e, ok := pi.canonical[lower]; ok {
		return e
	}
	return pi.exact[lower]
}

// stripDate removes a dated snapshot's suffix ("-2024-08-06", "-20240806"), ASCII digits only.
func stripDate(s string) (string, bool) {
	digits := func(t string) bool {
		for i := 0; i < len(t); i++ {
			if t[i] < '0' || t[i] > '9' {
				return false
			}
		}
		return true
	}
	n := len(s)
	if n >= 11 && s[n-11] == '-' && s[n-6] == '-' && s[n-3] == '-' &&
		digits(s[n-10:n-6]) && digits(s[n-5:n-3]) && digits(s[n-2:]) {
		return s[:n-11], true
	}
	if n >= 9 && s[n-9] == '-' && digits(s[n-8:]) {
		return s[:n-9], true
	}
	return s, false
}

// jsTrim trims what JavaScript's String.prototype.trim trims (WhiteSpace and LineTerminator).
func jsTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		switch r {
		case '\t', '\n', '\v', '\f', '\r', ' ', 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff:
			return true
		}
		return r >= 0x2000 && r <= 0x200a
	})
}
