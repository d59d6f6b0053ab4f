package tokentaxprocessor

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestHostRulesCoverPricedProviders(t *testing.T) {
	p, err := buildPricing(embeddedSources, nil)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Resellers []string   `json:"resellers"`
		Hosts     []hostRule `json:"hosts"`
	}
	if err := json.Unmarshal(providersJSON, &f); err != nil {
		t.Fatal(err)
	}
	for _, r := range f.Hosts {
		if p.index.byProvider[r.Provider] == nil {
			t.Errorf("providers.json names %q (host %q%q), which has no prices", r.Provider, r.Host, r.Suffix)
		}
	}
	for _, r := range f.Resellers {
		if p.index.byProvider[r] == nil {
			t.Errorf("reseller %q has no prices", r)
		}
	}
}

func TestProviderOfASpan(t *testing.T) {
	usage := map[string]any{"gen_ai.usage.input_tokens": 1000, "gen_ai.usage.output_tokens": 100}
	span := func(kv ...any) map[string]any {
		out := map[string]any{}
		for k, v := range usage {
			out[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			out[kv[i].(string)] = kv[i+1]
		}
		return out
	}
	cfg := &Config{ProviderHosts: map[string]string{"llm.corp.example": "together", ".gw.example": "openai",
		"vllm.local": "vllm"}}
	tests := []struct {
		name     string
		span     map[string]any
		provider string // tokentax.pricing.provider; "" = unpriced
		inferred bool
		unpriced string
	}{
		{"named provider", span("gen_ai.provider.name", "openai", "gen_ai.request.model", "gpt-4o"), "openai", false, ""},
		{"provider alias", span("gen_ai.provider.name", "mistral", "gen_ai.request.model", "mistral-small-latest"), "mistral_ai", false, ""},
		{"server.address only", span("server.address", "api.deepseek.com", "gen_ai.request.model", "deepseek-chat"), "deepseek", false, ""},
		{"host as provider name", span("gen_ai.provider.name", "api.groq.com", "gen_ai.request.model", "llama-3.3-70b-versatile"), "groq", false, ""},
		{"azure suffix", span("gen_ai.provider.name", "_OTHER", "server.address", "res.openai.azure.com", "gen_ai.request.model", "gpt-4o"), "azure.ai.openai", false, ""},
		{"azure ai inference", span("server.address", "res.services.ai.azure.com", "gen_ai.request.model", "gpt-4o-mini"), "azure.ai.inference", false, ""},
		{"gemini host", span("server.address", "generativelanguage.googleapis.com", "gen_ai.request.model", "gemini-2.5-flash"), "gcp.gemini", false, ""},
		{"xai host", span("server.address", "api.x.ai", "gen_ai.request.model", "grok-3"), "x_ai", false, ""},
		{"user host", span("gen_ai.provider.name", "_OTHER", "server.address", "llm.corp.example", "gen_ai.request.model", "meta-llama/Llama-3.3-70B-Instruct-Turbo"), "together", false, ""},
		{"user suffix", span("server.address", "a.gw.example", "gen_ai.request.model", "gpt-4o"), "openai", false, ""},
		{"user name without prices", span("server.address", "vllm.local", "gen_ai.request.model", "gpt-4o"), "", false, "unknown_provider"},
		{"user name on the span", span("gen_ai.provider.name", "vllm", "gen_ai.request.model", "gpt-4o"), "", false, "unknown_provider"},
		{"inferred on loopback", span("gen_ai.provider.name", "_OTHER", "server.address", "127.0.0.1", "gen_ai.request.model", "gpt-4o-mini"), "openai", true, ""},
		{"inferred from a dated response", span("server.address", "localhost", "gen_ai.request.model", "x", "gen_ai.response.model", "gpt-4o-mini-2024-07-18"), "openai", true, ""},
		{"inferred past a reseller", span("server.address", "gateway.internal", "gen_ai.request.model", "grok-3"), "x_ai", true, ""},
		{"no provider at all: inferred", span("gen_ai.request.model", "deepseek-chat"), "deepseek", true, ""},
		{"ambiguous", span("server.address", "127.0.0.1", "gen_ai.request.model", "deepseek-v3.2"), "", false, "ambiguous_provider"},
		{"no prefix inference", span("server.address", "127.0.0.1", "gen_ai.request.model", "gpt-4o-custom"), "", false, "unknown_provider"},
		{"nothing known", span("gen_ai.request.model", "house-model"), "", false, "unknown_model"},
	}
	inputs := make([]map[string]any, len(tests))
	for i, tt := range tests {
		inputs[i] = tt.span
	}
	out := run(t, cfg, inputs...)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := out[i]
			if tt.provider == "" {
				if got["tokentax.cost.unpriced"] != tt.unpriced {
					t.Errorf("unpriced %v, want %s", got["tokentax.cost.unpriced"], tt.unpriced)
				}
				if _, ok := got["tokentax.cost.usd"]; ok {
					t.Error("an unpriced span has a cost")
				}
				if _, ok := got["tokentax.pricing.provider"]; ok {
					t.Error("an unpriced span names a pricing provider")
				}
				return
			}
			if got["tokentax.pricing.provider"] != tt.provider {
				t.Errorf("tokentax.pricing.provider %v, want %s", got["tokentax.pricing.provider"], tt.provider)
			}
			if _, ok := got["tokentax.cost.usd"].(float64); !ok {
				t.Errorf("no cost: %v", got)
			}
			inferred, has := got["tokentax.provider.inferred"]
			if tt.inferred != (has && inferred == true) {
				t.Errorf("tokentax.provider.inferred %v, want %v", inferred, tt.inferred)
			}
		})
	}
}

func TestProviderHostsFromTheConfigFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tokentax.yaml")
	if err := os.WriteFile(file, []byte("providerHosts:\n  LLM.Corp.Example: groq\n  other.example: together\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The collector's own key wins over the file, host by host.
	cfg := &Config{ConfigFile: file, ProviderHosts: map[string]string{"other.example": "deepseek"}}
	out := run(t, cfg,
		map[string]any{"server.address": "llm.corp.example", "gen_ai.request.model": "llama-3.3-70b-versatile",
			"gen_ai.usage.input_tokens": 10, "gen_ai.usage.output_tokens": 1},
		map[string]any{"server.address": "other.example", "gen_ai.request.model": "deepseek-chat",
			"gen_ai.usage.input_tokens": 10, "gen_ai.usage.output_tokens": 1})
	if out[0]["tokentax.pricing.provider"] != "groq" || out[1]["tokentax.pricing.provider"] != "deepseek" {
		t.Errorf("got %v and %v", out[0]["tokentax.pricing.provider"], out[1]["tokentax.pricing.provider"])
	}
	bad := &Config{ProviderHosts: map[string]string{"x.example": ""}}
	if err := bad.Validate(); err == nil {
		t.Error("an empty provider name must be rejected at start")
	}
}

// A gateway's spans: the provider is inferred from the model on every span (no memo in Go).
func BenchmarkGatewaySpans(b *testing.B) {
	benchmarkSpans(b, func(i int) map[string]any {
		s := genAISpan(i)
		s["gen_ai.provider.name"] = "_OTHER"
		s["server.address"] = "litellm.internal"
		return s
	})
}
