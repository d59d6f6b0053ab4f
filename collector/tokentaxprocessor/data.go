package tokentaxprocessor

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// The JSON data files of src/pricing/data (format: src/pricing/README.md), decoded as written.
// Optional numbers are pointers: "absent" and "0" price differently.

type tierData struct {
	MinInputTokens  float64  `json:"min_input_tokens"`
	InputMtok       *float64 `json:"input_mtok"`
	CachedInputMtok *float64 `json:"cached_input_mtok"`
	CacheWriteMtok  *float64 `json:"cache_write_mtok"`
	OutputMtok      *float64 `json:"output_mtok"`
	InputAudioMtok  *float64 `json:"input_audio_mtok"`
	OutputAudioMtok *float64 `json:"output_audio_mtok"`
	InputImageMtok  *float64 `json:"input_image_mtok"`
	OutputImageMtok *float64 `json:"output_image_mtok"`
}

// windowData: token prices within a daily UTC window ("HH:MM", from inclusive, to exclusive).
type windowData struct {
	From string `json:"from"`
	To   string `json:"to"`
	tierData
}

type periodData struct {
	EffectiveFrom   string   `json:"effective_from,omitempty"`
	InputMtok       *float64 `json:"input_mtok,omitempty"`
	CachedInputMtok *float64 `json:"cached_input_mtok,omitempty"`
	CacheWriteMtok  *float64 `json:"cache_write_mtok,omitempty"`
	OutputMtok      *float64 `json:"output_mtok,omitempty"`
	InputAudioMtok  *float64 `json:"input_audio_mtok,omitempty"`
	OutputAudioMtok *float64 `json:"output_audio_mtok,omitempty"`
	InputImageMtok  *float64 `json:"input_image_mtok,omitempty"`
	OutputImageMtok *float64 `json:"output_image_mtok,omitempty"`
	// PerRequest: absent = no per-request part; JSON null = flat but unpriced (the user configures it).
	PerRequest      json.RawMessage `json:"per_request,omitempty"`
	PerImage        json.RawMessage `json:"per_image,omitempty"`
	PerAudioMinute  *float64        `json:"per_audio_minute,omitempty"`
	MinAudioSeconds *float64        `json:"min_audio_seconds,omitempty"`
	MinUSD          *float64        `json:"min_usd,omitempty"`
	Tiers           []tierData      `json:"tiers,omitempty"`
	UTCWindows      []windowData    `json:"utc_windows,omitempty"`
}

type modelData struct {
	ID         string       `json:"id"`
	Aliases    []string     `json:"aliases"`
	Prefixes   []string     `json:"prefixes"`
	Canonical  string       `json:"canonical"`
	Class      string       `json:"class"`
	Tokenizer  string       `json:"tokenizer"`
	OpenWeight bool         `json:"open_weight"`
	Window     *float64     `json:"window"`
	MaxInput   *float64     `json:"max_input"`
	Prices     []periodData `json:"prices"`
}

type providerData struct {
	Fallback []string     `json:"fallback"`
	Models   []*modelData `json:"models"`
}

// pricesFile keeps the providers in file order: a span without a provider is matched against the
// providers in that order (OpenAI first), as the TypeScript engine does.
type pricesFile struct {
	Version         string            `json:"version"`
	ProviderAliases map[string]string `json:"provider_aliases"`
	ProviderOrder   []string          `json:"-"`
	Providers       map[string]*providerData
}

func (p *pricesFile) UnmarshalJSON(b []byte) error {
	var raw struct {
		Version         string            `json:"version"`
		ProviderAliases map[string]string `json:"provider_aliases"`
		Providers       json.RawMessage   `json:"providers"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	p.Version = raw.Version
	p.ProviderAliases = raw.ProviderAliases
	p.Providers = map[string]*providerData{}
	dec := json.NewDecoder(bytes.NewReader(raw.Providers))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fmt.Errorf("providers: expected an object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		id, _ := tok.(string)
		var pd providerData
		if err := dec.Decode(&pd); err != nil {
			return fmt.Errorf("providers.%s: %w", id, err)
		}
		if _, dup := p.Providers[id]; !dup {
			p.ProviderOrder = append(p.ProviderOrder, id)
		}
		p.Providers[id] = &pd
	}
	return nil
}

type ratiosFile struct {
	Families map[string]float64 `json:"families"`
}

type scenarioData struct {
	ID       string `json:"id"`
	Provider string `json:"provider"`
	Model    string `json:"model,omitempty"`
}

type equivalenceFile struct {
	Classes          map[string][]string `json:"classes"`
	OperationClasses map[string]string   `json:"operation_classes"`
	Models           map[string]string   `json:"models"`
	Scenarios        []scenarioData      `json:"scenarios"`
}

// dataSources are the three runtime files, decoded.
type dataSources struct {
	prices      pricesFile
	ratios      ratiosFile
	equivalence equivalenceFile
}

func decodeSources(prices, ratios, equivalence []byte) (*dataSources, error) {
	var s dataSources
	if err := json.Unmarshal(prices, &s.prices); err != nil {
		return nil, fmt.Errorf("prices.json: %w", err)
	}
	if err := json.Unmarshal(ratios, &s.ratios); err != nil {
		return nil, fmt.Errorf("tokenizer-ratios.json: %w", err)
	}
	if err := json.Unmarshal(equivalence, &s.equivalence); err != nil {
		return nil, fmt.Errorf("equivalence.json: %w", err)
	}
	if s.prices.Version == "" || len(s.prices.Providers) == 0 {
		return nil, fmt.Errorf("prices.json: no version or no providers")
	}
	return &s, nil
}
