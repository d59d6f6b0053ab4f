package tokentaxprocessor

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Config of the tokentax processor. Every key is optional: `tokentax: {}` prices with the embedded
// data and the default scenarios. The keys mirror the tokentax config file that the Node package
// reads (snake_case here, camelCase there); config_file reads that very file. See collector/README.md.
type Config struct {
	// ConfigFile: a tokentax config file (JSON or YAML, as TOKENTAX_CONFIG names for the Node package);
	// its scenarios, prices, requestPrices and equivalence apply first, the keys below over them.
	ConfigFile string `mapstructure:"config_file"`
	// Scenarios: ids of the default scenarios (together, fireworks, openrouter, oxlo, openai), provider
	// names, or {id, provider, model}. Replaces the defaults.
	Scenarios []any `mapstructure:"scenarios"`
	// Prices added or replaced, same fields and units as src/pricing/data/prices.json.
	Prices []PriceOverride `mapstructure:"prices"`
	// RequestPrices: flat USD per request by provider then model (Oxlo publishes none).
	RequestPrices map[string]map[string]float64 `mapstructure:"request_prices"`
	Equivalence   EquivalenceConfig             `mapstructure:"equivalence"`
	// ProviderHosts: host (or ".suffix") -> provider, for gateways and hosts the data does not know;
	// read from server.address when gen_ai.provider.name names no priced provider.
	ProviderHosts map[string]string `mapstructure:"provider_hosts"`
}

// PriceOverride is one user price (per 1M tokens, per request, per image, per audio minute).
type PriceOverride struct {
	Provider string   `mapstructure:"provider" json:"provider" yaml:"provider"`
	Model    string   `mapstructure:"model" json:"model" yaml:"model"`
	Aliases  []string `mapstructure:"aliases" json:"aliases" yaml:"aliases"`
	// EffectiveFrom: "YYYY-MM-DD" (YAML may give an unquoted date as a timestamp; both are accepted).
	EffectiveFrom   any      `mapstructure:"effective_from" json:"effectiveFrom" yaml:"effectiveFrom"`
	InputMtok       *float64 `mapstructure:"input_mtok" json:"inputMtok" yaml:"inputMtok"`
	CachedInputMtok *float64 `mapstructure:"cached_input_mtok" json:"cachedInputMtok" yaml:"cachedInputMtok"`
	CacheWriteMtok  *float64 `mapstructure:"cache_write_mtok" json:"cacheWriteMtok" yaml:"cacheWriteMtok"`
	OutputMtok      *float64 `mapstructure:"output_mtok" json:"outputMtok" yaml:"outputMtok"`
	PerRequest      *float64 `mapstructure:"per_request" json:"perRequest" yaml:"perRequest"`
	// PerImage: a number, or prices by "quality/size", "quality" and "default".
	PerImage       any      `mapstructure:"per_image" json:"perImage" yaml:"perImage"`
	PerAudioMinute *float64 `mapstructure:"per_audio_minute" json:"perAudioMinute" yaml:"perAudioMinute"`
	Window         *float64 `mapstructure:"window" json:"window" yaml:"window"`
	MaxInput       *float64 `mapstructure:"max_input" json:"maxInput" yaml:"maxInput"`
	Tokenizer      string   `mapstructure:"tokenizer" json:"tokenizer" yaml:"tokenizer"`
	Class          string   `mapstructure:"class" json:"class" yaml:"class"`
	Canonical      string   `mapstructure:"canonical" json:"canonical" yaml:"canonical"`
}

// EquivalenceConfig overrides which model stands in for the actual one.
type EquivalenceConfig struct {
	// Classes: class -> ordered canonical model ids (replaces that class's default list).
	Classes map[string][]string `mapstructure:"classes" json:"classes" yaml:"classes"`
	// Models: actual model (id or canonical id) -> a class or a canonical model id.
	Models map[string]string `mapstructure:"models" json:"models" yaml:"models"`
}

// fileConfig is the tokentax config file's shape; bloat and providerHosts are the Node package's own.
type fileConfig struct {
	Scenarios     []any                         `json:"scenarios" yaml:"scenarios"`
	Prices        []PriceOverride               `json:"prices" yaml:"prices"`
	RequestPrices map[string]map[string]float64 `json:"requestPrices" yaml:"requestPrices"`
	Equivalence   EquivalenceConfig             `json:"equivalence" yaml:"equivalence"`
	Bloat         any                           `json:"bloat" yaml:"bloat"`
	ProviderHosts map[string]string             `json:"providerHosts" yaml:"providerHosts"`
}

// Validate checks the configuration and builds the pricing from it, so that a bad key, a negative
// price, an unknown provider or an unreadable file stops the collector at start, never at a span.
func (c *Config) Validate() error {
	_, err := c.resolve()
	return err
}

// resolved is the user configuration merged (file, then keys) and checked.
type resolved struct {
	scenarios     []scenarioData // nil = the data's defaults
	prices        []PriceOverride
	requestPrices map[string]map[string]float64
	equivalence   EquivalenceConfig
	providerHosts map[string]string // lower-cased host or ".suffix" -> provider name
}

func (c *Config) resolve() (*resolved, error) {
	r := &resolved{requestPrices: map[string]map[string]float64{}}
	if c.ConfigFile != "" {
		f, err := readConfigFile(c.ConfigFile)
		if err != nil {
			return nil, err
		}
		where := "config_file " + c.ConfigFile
		if err := r.layer(f.Scenarios, f.Prices, f.RequestPrices, f.Equivalence, where); err != nil {
			return nil, err
		}
		if err := r.addProviderHosts(f.ProviderHosts, where+": providerHosts"); err != nil {
			return nil, err
		}
	}
	if err := r.layer(c.Scenarios, c.Prices, c.RequestPrices, c.Equivalence, "tokentax"); err != nil {
		return nil, err
	}
	if err := r.addProviderHosts(c.ProviderHosts, "tokentax: provider_hosts"); err != nil {
		return nil, err
	}
	if _, err := buildPricing(embeddedSources, r); err != nil {
		return nil, err
	}
	return r, nil
}

func readConfigFile(path string) (*fileConfig, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config_file: cannot read %q: %w", path, err)
	}
	var f fileConfig
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".json" {
		dec := json.NewDecoder(strings.NewReader(string(text)))
		dec.DisallowUnknownFields()
		err = dec.Decode(&f)
	} else {
		dec := yaml.NewDecoder(strings.NewReader(string(text)))
		dec.KnownFields(true)
		err = dec.Decode(&f)
		if errors.Is(err, io.EOF) {
			err = nil // an empty file configures nothing
		}
	}
	if err != nil {
		return nil, fmt.Errorf("config_file %q: %w", path, err)
	}
	return &f, nil
}

var scenarioID = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// layer validates one source (file or collector keys) and merges it like the Node package's loadConfig:
// scenarios replace, prices append, request prices merge per provider, equivalence merges per key.
func (r *resolved) layer(scenarios []any, prices []PriceOverride, request map[string]map[string]float64,
	eq EquivalenceConfig, where string) error {
	if scenarios != nil {
		r.scenarios = make([]scenarioData, 0, len(scenarios))
		for i, s := range scenarios {
			sc, err := parseScenario(s)
			if err != nil {
				return fmt.Errorf("%s: scenarios[%d]: %w", where, i, err)
			}
			r.scenarios = append(r.scenarios, sc)
		}
	}
	for i, p := range prices {
		if err := checkPrice(p); err != nil {
			return fmt.Errorf("%s: prices[%d]: %w", where, i, err)
		}
		r.prices = append(r.prices, p)
	}
	for provider, models := range request {
		for model, usd := range models {
			if !(usd >= 0) || math.IsInf(usd, 0) {
				return fmt.Errorf("%s: request_prices.%s.%s: expected a finite number >= 0, got %v", where, provider, model, usd)
			}
			if r.requestPrices[provider] == nil {
				r.requestPrices[provider] = map[string]float64{}
			}
			r.requestPrices[provider][model] = usd
		}
	}
	for cls, list := range eq.Classes {
		for i, m := range list {
			if m == "" {
				return fmt.Errorf("%s: equivalence.classes.%s[%d]: expected a non-empty string", where, cls, i)
			}
		}
		if r.equivalence.Classes == nil {
			r.equivalence.Classes = map[string][]string{}
		}
		r.equivalence.Classes[cls] = list
	}
	for model, target := range eq.Models {
		if target == "" {
			return fmt.Errorf("%s: equivalence.models.%s: expected a non-empty string", where, model)
		}
		if r.equivalence.Models == nil {
			r.equivalence.Models = map[string]string{}
		}
		r.equivalence.Models[model] = target
	}
	return nil
}

func parseScenario(s any) (scenarioData, error) {
	switch v := s.(type) {
	case string:
		if v == "" {
			return scenarioData{}, errors.New("expected a scenario id or {id, provider, model}, got an empty string")
		}
		return scenarioData{ID: v}, nil // resolved against the defaults when the data is loaded
	case map[string]any:
		var sc scenarioData
		for k, val := range v {
			str, ok := val.(string)
			if !ok || str == "" {
				return sc, fmt.Errorf("%s: expected a non-empty string, got %v", k, val)
			}
			switch k {
			case "id":
				sc.ID = str
			case "provider":
				sc.Provider = str
			case "model":
				sc.Model = str
			default:
				return sc, fmt.Errorf("unknown key %q (expected id, provider, model)", k)
			}
		}
		if sc.ID == "" || sc.Provider == "" {
			return sc, errors.New("expected both id and provider")
		}
		if !scenarioID.MatchString(sc.ID) {
			return sc, fmt.Errorf("id: expected letters, digits, _ or - (it becomes part of attribute names), got %q", sc.ID)
		}
		return sc, nil
	default:
		return scenarioData{}, fmt.Errorf("expected a scenario id or {id, provider, model}, got %v", s)
	}
}

func checkPrice(p PriceOverride) error {
	if p.Provider == "" || p.Model == "" {
		return errors.New("provider and model are required")
	}
	nums := map[string]*float64{"input_mtok": p.InputMtok, "cached_input_mtok": p.CachedInputMtok,
		"cache_write_mtok": p.CacheWriteMtok, "output_mtok": p.OutputMtok, "per_request": p.PerRequest,
		"per_audio_minute": p.PerAudioMinute}
	priced := false
	for name, v := range nums {
		if v == nil {
			continue
		}
		priced = true
		if !(*v >= 0) || math.IsInf(*v, 0) {
			return fmt.Errorf("%s: expected a finite number >= 0 (a negative price is an error), got %v", name, *v)
		}
	}
	if p.PerImage != nil {
		priced = true
		if _, err := imagePrices(p.PerImage); err != nil {
			return fmt.Errorf("per_image: %w", err)
		}
	}
	for name, v := range map[string]*float64{"window": p.Window, "max_input": p.MaxInput} {
		if v != nil && (*v <= 0 || *v != math.Trunc(*v) || math.IsInf(*v, 0)) {
			return fmt.Errorf("%s: expected a whole number > 0, got %v", name, *v)
		}
	}
	if _, err := p.effectiveFrom(); err != nil {
		return err
	}
	if !priced && p.Window == nil && p.MaxInput == nil && p.Tokenizer == "" && p.Class == "" && p.Canonical == "" {
		return errors.New("expected at least one price (input_mtok, output_mtok, per_request, ...) or model fact")
	}
	return nil
}

// imagePrices reads per_image: a number or a map of numbers (both >= 0).
func imagePrices(v any) (map[string]float64, error) {
	check := func(x any) (float64, error) {
		var f float64
		switch n := x.(type) {
		case float64:
			f = n
		case int:
			f = float64(n)
		case int64:
			f = float64(n)
		default:
			return 0, fmt.Errorf("expected a number, got %v", x)
		}
		if !(f >= 0) || math.IsInf(f, 0) {
			return 0, fmt.Errorf("expected a finite number >= 0, got %v", f)
		}
		return f, nil
	}
	if m, ok := v.(map[string]any); ok {
		out := make(map[string]float64, len(m))
		for k, x := range m {
			f, err := check(x)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			out[k] = f
		}
		return out, nil
	}
	f, err := check(v)
	if err != nil {
		return nil, err
	}
	return map[string]float64{"": f}, nil // "" = one price for every image
}

// effectiveFrom: the date as YYYY-MM-DD, "" when absent.
func (p PriceOverride) effectiveFrom() (string, error) {
	switch v := p.EffectiveFrom.(type) {
	case nil:
		return "", nil
	case time.Time:
		return v.UTC().Format("2006-01-02"), nil
	case string:
		if _, err := time.Parse("2006-01-02", v); err == nil {
			return v, nil
		}
	}
	return "", fmt.Errorf("effective_from: expected a date YYYY-MM-DD, got %v", p.EffectiveFrom)
}
