package tokentaxprocessor

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"
)

// costProcessor adds the tokentax.cost.* attributes to the GenAI spans passing through. Spans
// without a model name, spans priced upstream (tokentax.pricing.version present) and duplicates
// pass through untouched.
type costProcessor struct {
	pricing  *pricing
	logger   *zap.Logger
	scratch  sync.Pool // *scratch: per-goroutine facts and usage (batches arrive concurrently)
	reported atomic.Bool
}

type scratch struct {
	facts spanFacts
	usage usage
}

func newCostProcessor(p *pricing, logger *zap.Logger) *costProcessor {
	if logger == nil {
		logger = zap.NewNop()
	}
	cp := &costProcessor{pricing: p, logger: logger}
	cp.scratch.New = func() any { return &scratch{} }
	return cp
}

func (cp *costProcessor) processTraces(_ context.Context, td ptrace.Traces) (ptrace.Traces, error) {
	s := cp.scratch.Get().(*scratch)
	defer cp.scratch.Put(s)
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				cp.processSpan(s, spans.At(k))
			}
		}
	}
	return td, nil
}

func (cp *costProcessor) processSpan(s *scratch, span ptrace.Span) {
	attrs := span.Attributes()
	s.facts.read(attrs)
	if !s.facts.priceable() {
		return
	}
	defer cp.recoverSpan(attrs)
	cp.pricing.price(&s.facts, &s.usage, attrs, int64(span.StartTimestamp()))
}

// recoverSpan: a bug in the engine must cost one span its price, never the batch or the collector.
func (cp *costProcessor) recoverSpan(attrs pcommon.Map) {
	r := recover()
	if r == nil {
		return
	}
	if !cp.reported.Swap(true) {
		cp.logger.Error("tokentax: the cost engine failed on a span; such spans get tokentax.cost.unpriced=internal_error",
			zap.String("panic", fmt.Sprint(r)))
	}
	attrs.PutStr(attrPricingVersion, cp.pricing.version)
	attrs.PutStr(attrCostUnpriced, unpricedInternalError)
}
