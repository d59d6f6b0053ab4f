package tokentaxprocessor

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"
)

var spanTime = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// run sends spans (attribute maps) through a processor made by the factory and returns what came out.
func run(t *testing.T, cfg *Config, spans ...map[string]any) []map[string]any {
	t.Helper()
	sink := new(consumertest.TracesSink)
	f := NewFactory()
	proc, err := f.CreateTraces(context.Background(), processortest.NewNopSettings(componentType), cfg, sink)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	td := ptrace.NewTraces()
	ss := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	for _, a := range spans {
		s := ss.AppendEmpty()
		s.SetStartTimestamp(pcommon.NewTimestampFromTime(spanTime))
		if err := s.Attributes().FromRaw(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := proc.ConsumeTraces(context.Background(), td); err != nil {
		t.Fatal(err)
	}
	out := []map[string]any{}
	for _, got := range sink.AllTraces() {
		s := got.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
		for i := 0; i < s.Len(); i++ {
			out = append(out, s.At(i).Attributes().AsRaw())
		}
	}
	return out
}

func expectAttrs(t *testing.T, got map[string]any, want map[string]any) {
	t.Helper()
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("%s: missing (want %v)", k, w)
			continue
		}
		if wf, isNum := w.(float64); isNum {
			gf, _ := g.(float64)
			if d := wf - gf; d > 1e-12*wf || d < -1e-12*wf {
				t.Errorf("%s: got %v want %v", k, g, w)
			}
		} else if g != w {
			t.Errorf("%s: got %v want %v", k, g, w)
		}
	}
}

// The figures are the Node engine's output for the same spans (dist/pricing createCostEngine).
func TestPricesLikeTheNodeEngine(t *testing.T) {
	out := run(t, &Config{},
		map[string]any{"gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o",
			"gen_ai.usage.input_tokens": 1000, "gen_ai.usage.output_tokens": 200, "gen_ai.usage.cache_read.input_tokens": 400},
		map[string]any{"gen_ai.request.model": "gpt-4o-mini-2024-07-18", "gen_ai.usage.input_tokens": 300000,
			"gen_ai.usage.output_tokens": 10},
		map[string]any{"gen_ai.provider.name": "oxlo", "gen_ai.request.model": "llama-3.3-70b",
			"gen_ai.usage.input_tokens": 100, "gen_ai.usage.output_tokens": 10})
	var shipped pricesFile
	if err := json.Unmarshal(pricesJSON, &shipped); err != nil {
		t.Fatal(err)
	}
	expectAttrs(t, out[0], map[string]any{"tokentax.pricing.version": shipped.Version, "tokentax.cost.usd": 0.004,
		"tokentax.cost.together.model": "meta-llama/Llama-3.3-70B-Instruct-Turbo", "tokentax.cost.together.usd": 0.0010537824,
		"tokentax.cost.fireworks.usd": 0.0010777319999999999, "tokentax.cost.openrouter.usd": 0.0000977942,
		"tokentax.cost.oxlo.model": "llama-3.3-70b", "tokentax.cost.oxlo.infeasible": "no_price",
		"tokentax.cost.openai.usd": 0.004, "tokentax.cost.cheapest": "openrouter", "tokentax.cost.savings.usd": 0.0039022058})
	expectAttrs(t, out[1], map[string]any{"tokentax.cost.usd": 0.045006, "tokentax.cost.together.infeasible": "context_window",
		"tokentax.cost.openai.model": "gpt-4o-mini", "tokentax.cost.cheapest": "actual", "tokentax.cost.savings.usd": 0.0})
	expectAttrs(t, out[2], map[string]any{"tokentax.cost.unpriced": "no_price", "tokentax.cost.together.usd": 0.0000968,
		"tokentax.cost.openai.model": "gpt-4.1-mini", "tokentax.cost.openai.usd": 0.000056117847479707394,
		"tokentax.cost.cheapest": "openrouter"})
	if _, ok := out[2]["tokentax.cost.savings.usd"]; ok {
		t.Error("an unpriced call has no savings")
	}
}

func TestLeavesOtherSpansUntouched(t *testing.T) {
	inputs := []map[string]any{
		{"http.request.method": "GET", "url.path": "/"},
		{"gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 10, "gen_ai.usage.output_tokens": 1,
			"tokentax.pricing.version": "2020-01-01", "tokentax.cost.usd": 1.5},
		{"gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 10, "gen_ai.usage.output_tokens": 1,
			"tokentax.duplicate": true},
		{"gen_ai.request.model": "", "gen_ai.usage.input_tokens": 10},
	}
	out := run(t, &Config{}, inputs...)
	for i, got := range out {
		if len(got) != len(inputs[i]) {
			t.Errorf("span %d changed: %v", i, got)
		}
	}
	if out[1]["tokentax.cost.usd"] != 1.5 {
		t.Error("a span priced in-process must keep its cost")
	}
}

func TestUnpricedReasonsNeverZero(t *testing.T) {
	out := run(t, &Config{},
		map[string]any{"gen_ai.request.model": "no-such-model", "gen_ai.usage.input_tokens": 10, "gen_ai.usage.output_tokens": 1},
		map[string]any{"gen_ai.provider.name": "acme", "gen_ai.request.model": "gpt-4o-acme", "gen_ai.usage.input_tokens": 10, "gen_ai.usage.output_tokens": 1},
		map[string]any{"gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": "10", "gen_ai.usage.output_tokens": 1},
		map[string]any{"gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 10, "gen_ai.usage.output_tokens": 1,
			"gen_ai.usage.cache_read.input_tokens": 11},
		map[string]any{"gen_ai.request.model": "gpt-4o"})
	want := []string{"unknown_model", "unknown_provider", "invalid_usage", "invalid_usage", "missing_usage"}
	for i, w := range want {
		if out[i]["tokentax.cost.unpriced"] != w {
			t.Errorf("span %d: unpriced %v, want %s", i, out[i]["tokentax.cost.unpriced"], w)
		}
		if _, ok := out[i]["tokentax.cost.usd"]; ok {
			t.Errorf("span %d: an unpriced span has a cost", i)
		}
	}
}

func TestUserConfigPricesOxloAndPinsScenarios(t *testing.T) {
	cfg := &Config{
		Scenarios:     []any{"oxlo", map[string]any{"id": "pinned", "provider": "fireworks", "model": "accounts/fireworks/models/qwen3-32b"}},
		RequestPrices: map[string]map[string]float64{"oxlo": {"llama-3.3-70b": 0.002}},
	}
	out := run(t, cfg, map[string]any{"gen_ai.provider.name": "oxlo", "gen_ai.request.model": "llama-3.3-70b",
		"gen_ai.usage.input_tokens": 100, "gen_ai.usage.output_tokens": 10})
	expectAttrs(t, out[0], map[string]any{"tokentax.cost.usd": 0.002, "tokentax.cost.oxlo.usd": 0.002,
		"tokentax.cost.pinned.model": "accounts/fireworks/models/qwen3-32b"})
	if _, ok := out[0]["tokentax.cost.together.model"]; ok {
		t.Error("configured scenarios replace the defaults")
	}
}

func TestPeriodsFollowTheSpanStart(t *testing.T) {
	cfg := &Config{Prices: []PriceOverride{
		{Provider: "openai", Model: "house-model", InputMtok: ptr(1), OutputMtok: ptr(1)},
		{Provider: "openai", Model: "house-model", InputMtok: ptr(2), OutputMtok: ptr(2), EffectiveFrom: "2026-11-20"},
	}}
	p, err := buildPricing(embeddedSources, mustResolve(t, cfg))
	if err != nil {
		t.Fatal(err)
	}
	e := p.index.lookup("openai", "house-model")
	// The undated price replaced the history; the dated one adds a period from its date on.
	before, at := periodAt(e, spanTime.Add(-13*time.Hour).UnixNano()), periodAt(e, spanTime.Add(-12*time.Hour).UnixNano())
	if before == nil || before.input.v != 1 || at == nil || at.input.v != 2 {
		t.Fatalf("periods: %+v", e.periods)
	}
}

func ptr(f float64) *float64 { return &f }

func mustResolve(t *testing.T, c *Config) *resolved {
	t.Helper()
	r, err := c.resolve()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Batches arrive on several goroutines at once: the name memo is shared (run with -race).
func TestConcurrentBatchesShareTheMemo(t *testing.T) {
	p, err := buildPricing(embeddedSources, nil)
	if err != nil {
		t.Fatal(err)
	}
	cp := newCostProcessor(p, nil)
	done := make(chan error)
	for g := 0; g < 4; g++ {
		go func(g int) {
			td := ptrace.NewTraces()
			spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
			for i := 0; i < 300; i++ {
				s := spans.AppendEmpty()
				s.Attributes().PutStr("gen_ai.request.model", []string{"gpt-4o", "GPT-4O-2024-08-06", "x-unknown"}[i%3]+strings.Repeat("!", (i+g)%7))
				s.Attributes().PutInt("gen_ai.usage.input_tokens", 10)
				s.Attributes().PutInt("gen_ai.usage.output_tokens", 10)
			}
			_, err := cp.processTraces(context.Background(), td)
			for i := 0; err == nil && i < spans.Len(); i++ {
				if _, ok := spans.At(i).Attributes().Get("tokentax.pricing.version"); !ok {
					err = fmt.Errorf("span %d not priced", i)
				}
			}
			done <- err
		}(g)
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
