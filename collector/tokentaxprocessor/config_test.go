package tokentaxprocessor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
)

func TestDefaultConfigIsValid(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	if err := confmap.Validate(cfg); err != nil {
		t.Fatal(err)
	}
}

func TestConfigFromCollectorYAML(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sub, err := cm.Sub("tokentax/custom")
	if err != nil {
		t.Fatal(err)
	}
	cfg := createDefaultConfig().(*Config)
	if err := sub.Unmarshal(cfg); err != nil {
		t.Fatal(err)
	}
	if err := confmap.Validate(cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.RequestPrices["oxlo"]["llama-3.3-70b"] != 0.002 || len(cfg.Scenarios) != 3 || len(cfg.Prices) != 1 ||
		cfg.Equivalence.Models["gpt-4o-mini"] != "small_chat" {
		t.Fatalf("decoded %+v", cfg)
	}
	p, err := buildPricing(embeddedSources, mustResolve(t, cfg))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.names[2].usd; got != "tokentax.cost.pinned.usd" {
		t.Errorf("third scenario %q", got)
	}
	if e := p.index.lookup("openai", "house-llm-v2"); e == nil || e.periods[0].input.v != 1.5 {
		t.Errorf("user price not applied: %+v", e)
	}
	for host, want := range map[string]string{"llm.internal": "groq", "a.corp.example": "deepseek"} {
		if got, byUser, _ := p.hosts.match(host); got != want || !byUser {
			t.Errorf("provider_hosts: %s -> %q (user %v), want %q", host, got, byUser, want)
		}
	}
}

func TestUnknownKeysAreRejected(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sub, _ := cm.Sub("tokentax/typo")
	if err := sub.Unmarshal(createDefaultConfig()); err == nil || !strings.Contains(err.Error(), "request_price") {
		t.Fatalf("a misspelt key must fail at start, got %v", err)
	}
}

func TestInvalidConfigsFailWithClearErrors(t *testing.T) {
	dir := t.TempDir()
	badFile := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badFile, []byte("prices:\n  - provider: openai\n    model: x\n    inputMtok: -1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"unknown scenario provider", Config{Scenarios: []any{"nosuchprovider"}}, `unknown provider "nosuchprovider"`},
		{"unknown request price provider", Config{RequestPrices: map[string]map[string]float64{"oxl": {"m": 1}}}, `unknown provider "oxl"`},
		{"negative request price", Config{RequestPrices: map[string]map[string]float64{"oxlo": {"m": -1}}}, "request_prices.oxlo.m: expected a finite number >= 0"},
		{"negative token price", Config{Prices: []PriceOverride{{Provider: "openai", Model: "x", InputMtok: ptr(-0.5)}}}, "prices[0]: input_mtok: expected a finite number >= 0"},
		{"negative image price", Config{Prices: []PriceOverride{{Provider: "openai", Model: "x", PerImage: map[string]any{"hd": -1.0}}}}, "per_image: hd"},
		{"price without a price", Config{Prices: []PriceOverride{{Provider: "openai", Model: "x"}}}, "at least one price"},
		{"bad date", Config{Prices: []PriceOverride{{Provider: "openai", Model: "x", InputMtok: ptr(1), EffectiveFrom: "2026-13-01"}}}, "effective_from"},
		{"bad scenario id", Config{Scenarios: []any{map[string]any{"id": "a.b", "provider": "openai"}}}, "letters, digits"},
		{"scenario twice", Config{Scenarios: []any{"openai", "openai"}}, "appears twice"},
		{"unreadable price file", Config{ConfigFile: filepath.Join(dir, "missing.yaml")}, "config_file: cannot read"},
		{"negative price in the file", Config{ConfigFile: badFile}, "config_file " + badFile + ": prices[0]: input_mtok"},
	}
	for _, c := range cases {
		err := c.cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

func TestConfigFileInTheNodePackagesFormat(t *testing.T) {
	cfg := &Config{ConfigFile: filepath.Join("testdata", "tokentax.json"), Scenarios: []any{"oxlo", "openai"}}
	r := mustResolve(t, cfg)
	if r.requestPrices["oxlo"]["deepseek-v3.2"] != 0.004 || len(r.prices) != 1 || *r.prices[0].CachedInputMtok != 0.5 {
		t.Fatalf("file not read: %+v", r)
	}
	if len(r.scenarios) != 2 {
		t.Errorf("the collector's keys come after the file's: %+v", r.scenarios)
	}
}

// The example in collector/README.md documents every key: it must be a valid configuration.
func TestReadmeExampleIsValid(t *testing.T) {
	text, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Skipf("SKIPPED: no collector/README.md next to the module: %v", err)
	}
	start := strings.Index(string(text), "```yaml\nprocessors:\n  tokentax:\n")
	if start < 0 {
		t.Fatal("collector/README.md has no ```yaml example starting with processors: tokentax:")
	}
	block := string(text)[start+len("```yaml\n"):]
	block = block[:strings.Index(block, "```")]
	path := filepath.Join(t.TempDir(), "example.yaml")
	if err := os.WriteFile(path, []byte(block), 0o600); err != nil {
		t.Fatal(err)
	}
	cm, err := confmaptest.LoadConf(path)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := cm.Sub("processors::tokentax")
	if err != nil {
		t.Fatal(err)
	}
	cfg := createDefaultConfig().(*Config)
	if err := sub.Unmarshal(cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.ConfigFile == "" || len(cfg.Prices) != 1 || cfg.Prices[0].PerImage == nil || cfg.Prices[0].CacheWriteMtok == nil {
		t.Fatalf("the example lost keys: %+v", cfg)
	}
	cfg.ConfigFile = filepath.Join("testdata", "tokentax.json") // the example's path is the user's
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
}
