package tokentaxprocessor

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

var jsonUnmarshal = json.Unmarshal

const defaultClass = "frontier_chat"

// scenarioNames are a scenario's attribute keys, built once.
type scenarioNames struct {
	id, provider, usd, model, infeasible string
}

// pricing is everything the engine needs, indexed once at start.
type pricing struct {
	version          string
	index            *modelIndex
	classes          map[string][]string
	operationClasses map[string]string
	modelEquivalence map[string]string // lower-cased actual model -> lower-cased class or canonical id
	scenarios        []scenarioData
	names            []scenarioNames
	fixed            []*modelEntry // per scenario: its fixed model, when it names one
	hosts            *hostMap
}

// buildPricing decodes the data, applies the user configuration (as src/pricing/data.ts loadPricing)
// and resolves every model's stand-ins. Errors name what is wrong.
func buildPricing(src embeddedData, r *resolved) (*pricing, error) {
	s, err := decodeSources(src.prices, src.ratios, src.equivalence)
	if err != nil {
		return nil, fmt.Errorf("embedded pricing data: %w", err)
	}
	if r == nil {
		r = &resolved{}
	}
	for _, o := range r.prices {
		applyPriceOverride(&s.prices, o)
	}
	for _, provider := range sortedKeys(r.requestPrices) {
		if s.prices.Providers[provider] == nil {
			return nil, fmt.Errorf("request_prices.%s: unknown provider %q (known: %s)", provider, provider, strings.Join(s.prices.ProviderOrder, ", "))
		}
		models := r.requestPrices[provider]
		for _, model := range sortedKeys(models) {
			applyRequestPrice(&s.prices, provider, model, models[model])
		}
	}
	p := &pricing{
		version:          s.prices.Version,
		index:            buildIndex(&s.prices, s.ratios.Families),
		classes:          map[string][]string{},
		operationClasses: s.equivalence.OperationClasses,
		modelEquivalence: map[string]string{},
	}
	if p.hosts, err = newHostMap(providersJSON, r.providerHosts); err != nil {
		return nil, fmt.Errorf("embedded pricing data: %w", err)
	}
	for k, v := range s.equivalence.Classes {
		p.classes[k] = v
	}
	for k, v := range r.equivalence.Classes {
		p.classes[k] = v
	}
	for k, v := range s.equivalence.Models {
		p.modelEquivalence[strings.ToLower(k)] = strings.ToLower(v)
	}
	for k, v := range r.equivalence.Models {
		p.modelEquivalence[strings.ToLower(k)] = strings.ToLower(v)
	}
	if r.scenarios == nil {
		p.scenarios = append(p.scenarios, s.equivalence.Scenarios...)
	} else {
		for _, w := range r.scenarios {
			sc := w
			if w.Provider == "" { // a bare id: a default scenario, or a provider (id = provider name)
				sc = scenarioData{ID: w.ID, Provider: w.ID}
				for _, d := range s.equivalence.Scenarios {
					if d.ID == w.ID {
						sc = d
						break
					}
				}
			}
			p.scenarios = append(p.scenarios, sc)
		}
	}
	seen := map[string]bool{}
	for _, sc := range p.scenarios {
		if p.index.byProvider[sc.Provider] == nil {
			return nil, fmt.Errorf("scenarios: %q names unknown provider %q (known: %s)", sc.ID, sc.Provider, strings.Join(p.index.order, ", "))
		}
		if seen[sc.ID] {
			return nil, fmt.Errorf("scenarios: %q appears twice", sc.ID)
		}
		seen[sc.ID] = true
		p.names = append(p.names, scenarioNames{id: sc.ID, provider: sc.Provider, usd: "tokentax.cost." + sc.ID + ".usd",
			model: "tokentax.cost." + sc.ID + ".model", infeasible: "tokentax.cost." + sc.ID + ".infeasible"})
		var fixed *modelEntry
		if sc.Model != "" {
			fixed = p.index.lookup(sc.Provider, sc.Model)
		}
		p.fixed = append(p.fixed, fixed)
	}
	p.resolveStandIns()
	return p, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func findModel(prices *pricesFile, provider, model string) *modelData {
	lower := strings.ToLower(model)
	pd := prices.Providers[provider]
	if pd == nil {
		return nil
	}
	for _, m := range pd.Models {
		if strings.ToLower(m.ID) == lower {
			return m
		}
		for _, a := range m.Aliases {
			if a == lower {
				return m
			}
		}
	}
	return nil
}

func ensureProvider(prices *pricesFile, provider string) {
	if prices.Providers[provider] == nil {
		prices.Providers[provider] = &providerData{}
		prices.ProviderOrder = append(prices.ProviderOrder, provider)
	}
}

func applyPriceOverride(prices *pricesFile, o PriceOverride) {
	ensureProvider(prices, o.Provider)
	m := findModel(prices, o.Provider, o.Model)
	if m == nil {
		m = &modelData{ID: o.Model, Aliases: []string{strings.ToLower(o.Model)}, Tokenizer: "o200k"}
		prices.Providers[o.Provider].Models = append(prices.Providers[o.Provider].Models, m)
	}
	for _, a := range o.Aliases {
		la := strings.ToLower(a)
		found := false
		for _, x := range m.Aliases {
			found = found || x == la
		}
		if !found {
			m.Aliases = append(m.Aliases, la)
		}
	}
	if o.Window != nil {
		m.Window = o.Window
	}
	if o.MaxInput != nil {
		m.MaxInput = o.MaxInput
	}
	if o.Tokenizer != "" {
		m.Tokenizer = o.Tokenizer
	}
	if o.Class != "" {
		m.Class = o.Class
	}
	if o.Canonical != "" {
		m.Canonical = o.Canonical
	}
	p := periodData{InputMtok: o.InputMtok, CachedInputMtok: o.CachedInputMtok, CacheWriteMtok: o.CacheWriteMtok,
		OutputMtok: o.OutputMtok, PerAudioMinute: o.PerAudioMinute}
	priced := o.InputMtok != nil || o.CachedInputMtok != nil || o.CacheWriteMtok != nil || o.OutputMtok != nil ||
		o.PerAudioMinute != nil || o.PerRequest != nil || o.PerImage != nil
	if o.PerRequest != nil {
		p.PerRequest, _ = json.Marshal(*o.PerRequest)
	}
	if o.PerImage != nil {
		p.PerImage, _ = json.Marshal(o.PerImage)
	}
	if !priced {
		return // only model facts were overridden
	}
	if from, _ := o.effectiveFrom(); from != "" {
		// A dated user price adds a period (replacing one with the same start date).
		kept := m.Prices[:0:0]
		for _, x := range m.Prices {
			if x.EffectiveFrom != from {
				kept = append(kept, x)
			}
		}
		p.EffectiveFrom = from
		m.Prices = append(kept, p)
	} else {
		m.Prices = []periodData{p} // an undated user price replaces the shipped history
	}
}

func applyRequestPrice(prices *pricesFile, provider, model string, usd float64) {
	ensureProvider(prices, provider)
	raw, _ := json.Marshal(usd)
	p := periodData{PerRequest: raw}
	m := findModel(prices, provider, model)
	if m == nil {
		prices.Providers[provider].Models = append(prices.Providers[provider].Models,
			&modelData{ID: model, Aliases: []string{strings.ToLower(model)}, Tokenizer: "o200k", Prices: []periodData{p}})
		return
	}
	m.Prices = []periodData{p}
}
