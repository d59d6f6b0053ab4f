package tokentaxprocessor

// The price arithmetic of src/pricing/math.ts, operation for operation (explicit float64 conversions
// keep the compiler from fusing multiply-adds, so results match JavaScript's to the last bit):
//
//	period   = the model's last price period with effective_from <= span start
//	tier     = the period's last tier with min_input_tokens <= input (whole request; else base)
//	uncached = input - cache_read - cache_write
//	usd = ( uncached*input + cache_read*(cached ?? input) + cache_write*(write ?? input) + output*output ) / 1e6
//	    + per_request + per_image*images + per_audio_minute*max(minutes, min_audio_seconds/60)
//	usd = max(usd, min_usd)

// Why a price could not be computed; priceUsage returns it negated.
const (
	failNoPrice         = 1 // flat model without a configured price, or no price for this image
	failUnsupportedUnit = 2 // tokens present but no price for them
	failMissingUsage    = 3 // the period needs a quantity the span does not carry
	failInvalidUsage    = 4 // that quantity is present but unusable
)

func periodAt(e *modelEntry, nanos int64) *period {
	for i := len(e.periods) - 1; i >= 0; i-- {
		if e.periods[i].fromNanos <= nanos {
			return &e.periods[i]
		}
	}
	return nil
}

func tierFor(p *period, input float64) *tier {
	var found *tier
	for i := range p.tiers {
		if input >= p.tiers[i].minInput {
			found = &p.tiers[i]
		}
	}
	return found
}

func imagePrice(perImage map[string]float64, u *usage) (float64, bool) {
	if each, ok := perImage[""]; ok && len(perImage) == 1 {
		return each, true
	}
	if u.hasQuality {
		if u.hasSize {
			if exact, ok := perImage[u.imageQuality+"/"+u.imageSize]; ok {
				return exact, true
			}
		}
		if byQuality, ok := perImage[u.imageQuality]; ok {
			return byQuality, true
		}
	}
	d, ok := perImage["default"]
	return d, ok
}

// priceUsage: USD for u on p with token counts times factor; a negative result -k is failure k.
func priceUsage(p *period, u *usage, factor float64, tokensOk bool) float64 {
	usd := 0.0
	if p.tokenMetered {
		if !tokensOk {
			return -failMissingUsage
		}
		input := float64(u.input * factor)
		read := float64(pos(u.cacheRead) * factor)
		write := float64(pos(u.cacheWrite) * factor)
		output := float64(u.output * factor)
		pIn, pRead, pWrite, pOut := p.input, p.cachedInput, p.cacheWrite, p.output
		if t := tierFor(p, input); t != nil {
			pIn, pOut = t.input.or(p.input), t.output.or(p.output)
			pRead, pWrite = t.cachedInput.or(p.cachedInput), t.cacheWrite.or(p.cacheWrite)
		}
		pRead, pWrite = pRead.or(pIn), pWrite.or(pIn)
		uncached := float64(float64(input-read) - write)
		if (uncached > 0 && !pIn.ok) || (read > 0 && !pRead.ok) || (write > 0 && !pWrite.ok) || (output > 0 && !pOut.ok) {
			return -failUnsupportedUnit
		}
		sum := 0.0
		if uncached > 0 {
			sum = float64(uncached * pIn.v)
		}
		if read > 0 {
			sum = float64(sum + float64(read*pRead.v))
		}
		if write > 0 {
			sum = float64(sum + float64(write*pWrite.v))
		}
		if output > 0 {
			sum = float64(sum + float64(output*pOut.v))
		}
		usd = float64(usd + float64(sum/1e6))
	}
	switch p.perRequestKind {
	case perRequestUnpriced:
		return -failNoPrice
	case perRequestPriced:
		usd = float64(usd + p.perRequest)
	}
	if p.perImage != nil || p.perAudioMinute.ok {
		u.readExtras()
	}
	if p.perImage != nil {
		if u.images < 0 {
			if u.images == missing {
				return -failMissingUsage
			}
			return -failInvalidUsage
		}
		each, ok := imagePrice(p.perImage, u)
		if !ok {
			return -failNoPrice
		}
		usd = float64(usd + float64(each*u.images))
	}
	if p.perAudioMinute.ok {
		if u.audioMinutes < 0 {
			if u.audioMinutes == missing {
				return -failMissingUsage
			}
			return -failInvalidUsage
		}
		minutes := u.audioMinutes
		if minutes > 0 && minutes < p.minAudioMinutes {
			minutes = p.minAudioMinutes
		}
		usd = float64(usd + float64(p.perAudioMinute.v*minutes))
	}
	if usd < p.minUSD {
		return p.minUSD
	}
	return usd
}

// fitsWindow: the request fits the scenario model's window, on translated counts.
func fitsWindow(e *modelEntry, u *usage, factor float64) bool {
	input := float64(u.input * factor)
	if e.maxInput.ok && input > e.maxInput.v {
		return false
	}
	if e.window.ok && float64(input+float64(pos(u.output)*factor)) > e.window.v {
		return false
	}
	return true
}
