package tokentaxprocessor

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// Which provider's prices a span is priced at, as src/pricing/provider-of-span.ts:
//  1. gen_ai.provider.name (or an older/other convention's name) naming a priced provider or alias;
//     a name the user's provider_hosts gives but no prices cover: unknown_provider;
//  2. server.address (else the provider name itself) through the user's provider_hosts, then the
//     host rules of data/providers.json (rules with a path need the URL path: never from a span);
//  3. inference: the response model (else the request model) is exactly the id or alias of models at
//     one priced provider (a reseller only when no other provider has the name) -> that provider,
//     tokentax.provider.inferred=true; several ->
//     ambiguous_provider; none -> unknown_provider (unknown_model when the span names no provider or host).

//go:embed data/providers.json
var providersJSON []byte

const (
	attrPricingProvider       = "tokentax.pricing.provider"
	attrProviderInferred      = "tokentax.provider.inferred"
	unpricedAmbiguousProvider = "ambiguous_provider"
)

type hostRule struct {
	Host     string `json:"host"`
	Suffix   string `json:"suffix"`
	Path     string `json:"path"`
	Provider string `json:"provider"`
}

type userSuffix struct{ suffix, provider string }

// hostMap: the user's map first (exact host, then the longest matching ".suffix"), then the rules.
type hostMap struct {
	resellers     map[string]bool
	rules         []hostRule
	userExact     map[string]string
	userSuffixes  []userSuffix
	userProviders map[string]bool
}

func newHostMap(data []byte, user map[string]string) (*hostMap, error) {
	var f struct {
		Resellers []string   `json:"resellers"`
		Hosts     []hostRule `json:"hosts"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("providers.json: %w", err)
	}
	h := &hostMap{rules: f.Hosts, resellers: map[string]bool{}, userExact: map[string]string{}, userProviders: map[string]bool{}}
	for _, r := range f.Resellers {
		h.resellers[r] = true
	}
	for pattern, name := range user {
		key := strings.ToLower(jsTrim(pattern))
		if strings.HasPrefix(key, ".") {
			h.userSuffixes = append(h.userSuffixes, userSuffix{key, name})
		} else {
			h.userExact[key] = name
		}
		h.userProviders[strings.ToLower(jsTrim(name))] = true
	}
	sort.Slice(h.userSuffixes, func(a, b int) bool {
		if len(h.userSuffixes[a].suffix) != len(h.userSuffixes[b].suffix) {
			return len(h.userSuffixes[a].suffix) > len(h.userSuffixes[b].suffix)
		}
		return h.userSuffixes[a].suffix < h.userSuffixes[b].suffix
	})
	return h, nil
}

// match: the provider named for host (no URL path is known here), and whether the user's map named it.
func (h *hostMap) match(rawHost string) (provider string, byUser, ok bool) {
	host := strings.ToLower(jsTrim(rawHost))
	if name, found := h.userExact[host]; found {
		return name, true, true
	}
	for _, s := range h.userSuffixes {
		if strings.HasSuffix(host, s.suffix) {
			return s.provider, true, true
		}
	}
	for _, r := range h.rules {
		if r.Path != "" {
			continue
		}
		if (r.Host != "" && host == r.Host) || (r.Suffix != "" && strings.HasSuffix(host, r.Suffix)) {
			return r.Provider, false, true
		}
	}
	return "", false, false
}

// providersWithModel: providers with a model whose id or alias is exactly model (after the date
// rule), less those that resell another one of them (fallback: Azure -> OpenAI).
func (ix *modelIndex) providersWithModel(model string) []string {
	lower := strings.ToLower(jsTrim(model))
	candidates := []string{lower}
	if base, ok := stripDate(lower); ok {
		candidates = append(candidates, base)
	}
	for _, name := range candidates {
		var hits []string
		for _, pid := range ix.order {
			if _, ok := ix.byProvider[pid].exact[name]; ok {
				hits = append(hits, pid)
			}
		}
		if len(hits) == 0 {
			continue
		}
		out := hits[:0:0]
		for _, q := range hits {
			resells := false
			for _, p := range hits {
				if p != q && ix.fallsBackTo(q, p, map[string]bool{}) {
					resells = true
					break
				}
			}
			if !resells {
				out = append(out, q)
			}
		}
		return out
	}
	return nil
}

func (ix *modelIndex) fallsBackTo(from, to string, seen map[string]bool) bool {
	if seen[from] || ix.byProvider[from] == nil {
		return false
	}
	seen[from] = true
	for _, f := range ix.byProvider[from].fallback {
		if f == to || ix.fallsBackTo(f, to, seen) {
			return true
		}
	}
	return false
}

type spanProvider struct {
	provider string // "" when unpriced
	inferred bool
	unpriced string
}

func (p *pricing) providerOf(f *spanFacts) spanProvider {
	name, hasName := f.firstString(slotProvider, 4)
	if hasName {
		if id := p.index.provider(name); id != "" {
			return spanProvider{provider: id}
		}
		if p.hosts.userProviders[strings.ToLower(jsTrim(name))] {
			return spanProvider{unpriced: unpricedUnknownProvider}
		}
	}
	host := ""
	if v, ok := f.get(slotServerAddress); ok && v.Type() == pcommon.ValueTypeStr {
		host = v.Str()
	}
	for _, candidate := range [2]string{host, name} {
		if candidate == "" {
			continue
		}
		if named, _, ok := p.hosts.match(candidate); ok {
			if id := p.index.provider(named); id != "" {
				return spanProvider{provider: id}
			}
			return spanProvider{unpriced: unpricedUnknownProvider}
		}
	}
	for i := slotModel; i < slotModel+3; i++ {
		v, ok := f.get(i)
		if !ok || v.Type() != pcommon.ValueTypeStr || v.Str() == "" {
			continue
		}
		providers := p.index.providersWithModel(v.Str())
		var direct []string
		for _, pid := range providers {
			if !p.hosts.resellers[pid] {
				direct = append(direct, pid)
			}
		}
		if len(direct) > 0 {
			providers = direct
		}
		switch len(providers) {
		case 0:
			continue
		case 1:
			return spanProvider{provider: providers[0], inferred: true}
		default:
			return spanProvider{unpriced: unpricedAmbiguousProvider}
		}
	}
	if hasName || host != "" {
		return spanProvider{unpriced: unpricedUnknownProvider}
	}
	return spanProvider{unpriced: unpricedUnknownModel}
}

// addProviderHosts merges one source's host map (later sources win per host), as the Node package does.
func (r *resolved) addProviderHosts(hosts map[string]string, where string) error {
	for host, name := range hosts {
		if host == "" || name == "" {
			return fmt.Errorf("%s: expected non-empty host and provider names, got %q: %q", where, host, name)
		}
		if r.providerHosts == nil {
			r.providerHosts = map[string]string{}
		}
		r.providerHosts[strings.ToLower(host)] = name
	}
	return nil
}
