package tokentaxprocessor

// The price arithmetic of src/pricing/math.ts, operation for operation (explicit float64 conversions
// keep the compiler from fusing multiply-adds, so results match JavaScript's to the last bit):
//
//	period   = the model's last price period with effective_from <= span start
//	tier     = the period's last tier with min_input_tokens <= input (whole request; else base)
//	text_in  = max(0, input - cache_read - cache_write - audio_in - image_in)
//	text_out = output - audio_out - image_out
//	usd = ( text_in*input + cache_read*(cached ?? input) + cache_write*(write ?? input) + text_out*output
//	      + audio_in*input_audio + image_in*(input_image ?? input)
//	      + audio_out*output_audio + image_out*(output_image ?? output) ) / 1e6
//	    + per_request + per_image*images + per_audio_minute*max(minutes, min_audio_seconds/60)
//	usd = max(usd, min_usd)
//
// Audio tokens without an audio price fail (never priced as text); a period with token and per-image
// prices prices by tokens when the span has them, else per image.

// failure says why a price could not be computed (failNone: it was).
type failure uint8

const (
	failNone            failure = iota
	failNoPrice                 // flat model without a configured price, or no price for this image
	failUnsupportedUnit         // tokens present but no price for them
	failMissingUsage            // the period needs a quantity the span does not carry
	failInvalidUsage            // that quantity is present but unusable
	failImageSize               // per-image prices, but none for the requested quality/size
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

// minuteOfDay: the minute of the UTC day of a start time in nanoseconds.
func minuteOfDay(nanos int64) int64 {
	m := floorDiv(nanos, 60_000_000_000) % 1440
	if m < 0 {
		m += 1440
	}
	return m
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// windowAt: the period's time-of-day prices holding minute (-1 = unknown time: none).
func windowAt(p *period, minute int64) *tier {
	if minute < 0 {
		return nil
	}
	for i := range p.windows {
		w := &p.windows[i]
		inside := minute >= w.fromMin && minute < w.toMin
		if w.fromMin > w.toMin {
			inside = minute >= w.fromMin || minute < w.toMin
		}
		if inside {
			return &w.prices
		}
	}
	return nil
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

// priceTokens: the token part of the price (USD) with counts times factor.
func priceTokens(p *period, u *usage, factor float64, minute int64) (float64, failure) {
	input := float64(u.input * factor)
	read := float64(pos(u.cacheRead) * factor)
	write := float64(pos(u.cacheWrite) * factor)
	output := float64(u.output * factor)
	audioIn := float64(pos(u.inputAudio) * factor)
	imageIn := float64(pos(u.inputImage) * factor)
	audioOut := float64(pos(u.outputAudio) * factor)
	imageOut := float64(pos(u.outputImage) * factor)
	pIn, pRead, pWrite, pOut := p.input, p.cachedInput, p.cacheWrite, p.output
	pAudioIn, pImageIn, pAudioOut, pImageOut := p.inputAudio, p.inputImage, p.outputAudio, p.outputImage
	// Time-of-day prices replace the base; tiers apply over both.
	for _, t := range [2]*tier{windowAt(p, minute), tierFor(p, input)} {
		if t != nil {
			pIn, pOut = t.input.or(pIn), t.output.or(pOut)
			pRead, pWrite = t.cachedInput.or(pRead), t.cacheWrite.or(pWrite)
			pAudioIn, pImageIn = t.inputAudio.or(pAudioIn), t.inputImage.or(pImageIn)
			pAudioOut, pImageOut = t.outputAudio.or(pAudioOut), t.outputImage.or(pImageOut)
		}
	}
	pRead, pWrite = pRead.or(pIn), pWrite.or(pIn)
	pImageIn, pImageOut = pImageIn.or(pIn), pImageOut.or(pOut)
	textIn := float64(float64(float64(float64(input-read)-write)-audioIn) - imageIn)
	if textIn < 0 {
		textIn = 0 // cached parts may include audio/image tokens
	}
	textOut := float64(float64(output-audioOut) - imageOut)
	if (textIn > 0 && !pIn.ok) || (read > 0 && !pRead.ok) || (write > 0 && !pWrite.ok) || (textOut > 0 && !pOut.ok) ||
		(audioIn > 0 && !pAudioIn.ok) || (imageIn > 0 && !pImageIn.ok) || (audioOut > 0 && !pAudioOut.ok) ||
		(imageOut > 0 && !pImageOut.ok) {
		return 0, failUnsupportedUnit
	}
	// The same parts in the same order as math.ts, so the sums match to the last bit.
	parts := [8]struct {
		n float64
		p optFloat
	}{{textIn, pIn}, {read, pRead}, {write, pWrite}, {textOut, pOut},
		{audioIn, pAudioIn}, {imageIn, pImageIn}, {audioOut, pAudioOut}, {imageOut, pImageOut}}
	sum := 0.0
	for _, part := range parts {
		if part.n > 0 {
			sum = float64(sum + float64(part.n*part.p.v))
		}
	}
	return float64(sum / 1e6), failNone
}

// priceUsage: USD for u on p with token counts times factor.
func priceUsage(p *period, u *usage, factor float64, tokensOk bool, minute int64) (float64, failure) {
	usd := 0.0
	// Image models with token prices and a per-image table: tokens when the span has them.
	perImage := p.perImage
	if p.tokenMetered {
		if tokensOk {
			tokens, fail := priceTokens(p, u, factor, minute)
			if fail != failNone {
				return 0, fail
			}
			usd = float64(usd + tokens)
			perImage = nil
		} else if perImage == nil {
			return 0, failMissingUsage
		}
	}
	switch p.perRequestKind {
	case perRequestUnpriced:
		return 0, failNoPrice
	case perRequestPriced:
		usd = float64(usd + p.perRequest)
	}
	if perImage != nil || p.perAudioMinute.ok {
		u.readExtras()
	}
	if perImage != nil {
		if u.images < 0 {
			if u.images == missing {
				return 0, failMissingUsage
			}
			return 0, failInvalidUsage
		}
		each, ok := imagePrice(perImage, u)
		if !ok {
			return 0, failImageSize
		}
		usd = float64(usd + float64(each*u.images))
	}
	if p.perAudioMinute.ok {
		if u.audioMinutes < 0 {
			if u.audioMinutes == missing {
				return 0, failMissingUsage
			}
			return 0, failInvalidUsage
		}
		minutes := u.audioMinutes
		if minutes > 0 && minutes < p.minAudioMinutes {
			minutes = p.minAudioMinutes
		}
		usd = float64(usd + float64(p.perAudioMinute.v*minutes))
	}
	if usd < p.minUSD {
		return p.minUSD, failNone
	}
	return usd, failNone
}

// fitsWindow: the request fits the scenario model's window, on translated counts. input is the
// request's input tokens, or an embeddings batch's largest input (windowInput).
func fitsWindow(e *modelEntry, input, output, factor float64) bool {
	scaled := float64(input * factor)
	if e.maxInput.ok && scaled > e.maxInput.v {
		return false
	}
	if e.window.ok && float64(scaled+float64(pos(output)*factor)) > e.window.v {
		return false
	}
	return true
}
