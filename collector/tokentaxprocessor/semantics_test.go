package tokentaxprocessor

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"
)

// Pricing rules (modalities, per-image tables, time of day, reported cost, tiers, input caps) against
// hand-computed figures in testdata/pricing-semantics.json; test/pricing/semantics.test.ts checks the
// Node engine against the same file.
type semanticsFile struct {
	Scenarios []any `json:"scenarios"`
	Cases     []struct {
		Name       string         `json:"name"`
		Time       time.Time      `json:"time"`
		Attributes map[string]any `json:"attributes"`
		Want       map[string]any `json:"want"`
		Absent     []string       `json:"absent"`
	} `json:"cases"`
}

func TestPricingSemantics(t *testing.T) {
	raw, err := os.ReadFile("testdata/pricing-semantics.json")
	if err != nil {
		t.Fatal(err)
	}
	var file semanticsFile
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	sink := new(consumertest.TracesSink)
	proc, err := NewFactory().CreateTraces(context.Background(), processortest.NewNopSettings(componentType),
		&Config{Scenarios: file.Scenarios}, sink)
	if err != nil {
		t.Fatal(err)
	}
	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	for _, c := range file.Cases {
		s := spans.AppendEmpty()
		s.SetStartTimestamp(pcommon.NewTimestampFromTime(c.Time))
		if err := s.Attributes().FromRaw(c.Attributes); err != nil {
			t.Fatal(err)
		}
	}
	if err := proc.ConsumeTraces(context.Background(), td); err != nil {
		t.Fatal(err)
	}
	got := sink.AllTraces()[0].ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	for i, c := range file.Cases {
		attrs := got.At(i).Attributes().AsRaw()
		t.Run(c.Name, func(t *testing.T) {
			expectAttrs(t, attrs, c.Want)
			for _, k := range c.Absent {
				if v, ok := attrs[k]; ok {
					t.Errorf("%s: want absent, got %v", k, v)
				}
			}
		})
	}
}
