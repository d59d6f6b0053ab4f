package tokentaxprocessor

import (
	"math"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// The cost engine of src/pricing/engine.ts: span attributes and start time (plus the loaded pricing
// and scenarios) -> the tokentax.cost.* attributes. Never a cost of 0 for what it could not price:
// tokentax.cost.unpriced says why instead. Per span: read usage -> provider -> model -> actual cost
// -> per scenario: stand-in, tokenizer translation, window check, cost -> cheapest, savings.

const (
	attrCostUSD        = "tokentax.cost.usd"
	attrCostUnpriced   = "tokentax.cost.unpriced"
	attrCostCheapest   = "tokentax.cost.cheapest"
	attrCostSavingsUSD = "tokentax.cost.savings.usd"
	attrPricingVersion = "tokentax.pricing.version"
	attrCostSource     = "tokentax.cost.source"
	sourceComputed     = "computed"
	sourceReported     = "provider_reported"
	cheapestActual     = "actual"
)

// Reasons for tokentax.cost.unpriced and tokentax.cost.{scenario}.infeasible (src/semconv.ts).
const (
	unpricedUnknownModel    = "unknown_model"
	unpricedMissingUsage    = "missing_usage"
	unpricedInvalidUsage    = "invalid_usage"
	unpricedNoPrice         = "no_price"
	unpricedUnsupportedUnit = "unsupported_unit"
	unpricedUnknownProvider = "unknown_provider"
	unpricedInternalError   = "internal_error"
	unpricedImageSize       = "image_size_unpriced"

	infeasibleContextWindow        = "context_window"
	infeasibleNoPrice              = "no_price"
	infeasibleUnsupportedOperation = "unsupported_operation"
	infeasibleNoModel              = "no_model"
	infeasibleMissingUsage         = "missing_usage"
	infeasibleImageSize            = "image_size_unpriced"
)

func unpricedReason(f failure) string {
	switch f {
	case failMissingUsage:
		return unpricedMissingUsage
	case failInvalidUsage:
		return unpricedInvalidUsage
	case failUnsupportedUnit:
		return unpricedUnsupportedUnit
	case failImageSize:
		return unpricedImageSize
	}
	return unpricedNoPrice
}

func infeasibleReason(f failure) string {
	switch f {
	case failMissingUsage, failInvalidUsage:
		return infeasibleMissingUsage
	case failUnsupportedUnit:
		return infeasibleUnsupportedOperation
	case failImageSize:
		return infeasibleImageSize
	}
	return infeasibleNoPrice
}

// Tokens of an embeddings batch's largest input (src/semconv.ts ATTR_CONTEXT_LARGEST_INPUT_TOKENS).
const attrContextLargestInput = "tokentax.context.largest_input_tokens"

// windowInput: what a scenario model's window must hold: the input tokens, or for an embeddings batch
// its largest input when the span gives it (the window applies to each input, not to the batch).
func windowInput(attrs pcommon.Map, u *usage) float64 {
	if !u.hasOperation || u.operation != "embeddings" {
		return u.input
	}
	largest := -1.0
	if v, ok := attrs.Get(attrContextLargestInput); ok {
		switch v.Type() {
		case pcommon.ValueTypeInt:
			largest = float64(v.Int())
		case pcommon.ValueTypeDouble:
			largest = v.Double()
		}
	}
	if largest >= 0 && largest < u.input {
		return largest
	}
	return u.input
}

func (p *pricing) findModel(f *spanFacts, provider string) *modelEntry {
	// The response model is the snapshot that actually ran; fall back to what was requested.
	for i := slotModel; i < slotModel+3; i++ {
		if v, ok := f.get(i); ok && v.Type() == pcommon.ValueTypeStr && v.Str() != "" {
			if e := p.index.lookup(provider, v.Str()); e != nil || i == slotModel+2 {
				return e
			}
		}
	}
	return nil
}

// stop ends a span the data cannot price: the provider's reported cost when it gave one, else why not.
func stop(attrs pcommon.Map, reason string, u *usage) {
	if u.providerCost < 0 {
		attrs.PutStr(attrCostUnpriced, reason)
		return
	}
	attrs.PutDouble(attrCostUSD, u.providerCost)
	attrs.PutStr(attrCostSource, sourceReported)
}

// price writes the cost attributes of one priceable span (spanFacts.priceable) into attrs.
func (p *pricing) price(f *spanFacts, u *usage, attrs pcommon.Map, startNanos int64) {
	// version, provider, inferred, cost (usd, source) or unpriced, cheapest, savings; 2 per scenario
	attrs.EnsureCapacity(attrs.Len() + 7 + 2*len(p.names))
	attrs.PutStr(attrPricingVersion, p.version)
	u.read(f)
	tokens := u.tokenState()
	// What the provider says it billed is the actual cost, whatever our data knows of the model.
	reported := u.providerCost >= 0
	if tokens == tokensInvalid {
		stop(attrs, unpricedInvalidUsage, u)
		return
	}
	who := p.providerOf(f)
	if who.inferred {
		attrs.PutBool(attrProviderInferred, true)
	}
	if who.provider == "" {
		stop(attrs, who.unpriced, u)
		return
	}
	entry := p.findModel(f, who.provider)
	if entry == nil {
		stop(attrs, unpricedUnknownModel, u)
		return
	}
	attrs.PutStr(attrPricingProvider, who.provider)
	tokensOk := tokens == tokensOK
	minute := minuteOfDay(startNanos) // time-of-day prices
	actual, fail := 0.0, failNoPrice
	if per := periodAt(entry, startNanos); per != nil {
		actual, fail = priceUsage(per, u, 1, tokensOk, minute)
	}
	switch {
	case reported:
		actual = u.providerCost
		attrs.PutDouble(attrCostUSD, actual)
		attrs.PutStr(attrCostSource, sourceReported)
	case fail != failNone:
		attrs.PutStr(attrCostUnpriced, unpricedReason(fail))
		// Without usable usage there is nothing to compare; a flat call without a configured price
		// still gets its scenarios (they show what it would cost elsewhere).
		if fail != failNoPrice {
			return
		}
	case math.IsInf(actual, 0) || math.IsNaN(actual):
		attrs.PutStr(attrCostUnpriced, unpricedInvalidUsage)
		return
	default:
		attrs.PutDouble(attrCostUSD, actual)
		attrs.PutStr(attrCostSource, sourceComputed)
	}

	chosen := p.standInsAt(entry, u.operation, u.hasOperation)
	fitInput := windowInput(attrs, u)
	bestCost := math.Inf(1)
	bestID := ""
	for i := range p.names {
		n := &p.names[i]
		st := chosen[i]
		if st == nil {
			attrs.PutStr(n.infeasible, infeasibleNoModel)
			continue
		}
		attrs.PutStr(n.model, st.id)
		per := periodAt(st, startNanos)
		if per == nil {
			attrs.PutStr(n.infeasible, infeasibleNoPrice)
			continue
		}
		factor := st.tokenRatio / entry.tokenRatio
		if tokensOk && !fitsWindow(st, fitInput, u.output, factor) {
			attrs.PutStr(n.infeasible, infeasibleContextWindow)
			continue
		}
		cost, why := priceUsage(per, u, factor, tokensOk, minute)
		if why != failNone {
			attrs.PutStr(n.infeasible, infeasibleReason(why))
			continue
		}
		if math.IsInf(cost, 0) || math.IsNaN(cost) {
			attrs.PutStr(n.infeasible, infeasibleNoPrice)
			continue
		}
		attrs.PutDouble(n.usd, cost)
		if cost < bestCost {
			bestCost, bestID = cost, n.id
		}
	}
	if reported || fail == failNone {
		if bestID != "" && bestCost < actual {
			attrs.PutStr(attrCostCheapest, bestID)
			attrs.PutDouble(attrCostSavingsUSD, actual-bestCost)
		} else {
			attrs.PutStr(attrCostCheapest, cheapestActual)
			attrs.PutDouble(attrCostSavingsUSD, 0)
		}
	} else if bestID != "" {
		attrs.PutStr(attrCostCheapest, bestID)
	}
}
