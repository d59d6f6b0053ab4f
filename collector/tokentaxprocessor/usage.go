package tokentaxprocessor

import (
	"math"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// What a span says about a call, whatever convention wrote it (src/pricing/usage.ts): the OTel GenAI
// names, OpenLLMetry's and OpenInference's. One pass over the attributes records the values of the
// names below; the first name present wins, in the order of each group.

const (
	slotOperation = iota
	slotLLMRequestType
	slotProvider // 4: gen_ai.provider.name, gen_ai.system, llm.provider, llm.system
	_
	_
	_
	slotModel // 3: gen_ai.response.model, gen_ai.request.model, llm.model_name
	_
	_
	slotInput // 3 each: the current name, OpenLLMetry's, OpenInference's
	_
	_
	slotOutput
	_
	_
	slotCacheRead
	_
	_
	slotCacheWrite
	_
	_
	slotInputAudio // 2 each: tokentax.usage.*, OpenInference's
	_
	slotOutputAudio
	_
	slotInputImage
	slotOutputImage
	slotProviderCost
	slotImages
	slotChoiceCount
	slotAudioSeconds
	slotImageQuality
	slotImageSize
	slotDuplicate
	slotPricingVersion
	slotServerAddress
	slotCount
)

// slotOf maps an attribute name to its slot; -1 for every other name.
func slotOf(k string) int {
	switch k {
	case "gen_ai.operation.name":
		return slotOperation
	case "llm.request.type":
		return slotLLMRequestType
	case "gen_ai.provider.name":
		return slotProvider
	case "gen_ai.system":
		return slotProvider + 1
	case "llm.provider":
		return slotProvider + 2
	case "llm.system":
		return slotProvider + 3
	case "gen_ai.response.model":
		return slotModel
	case "gen_ai.request.model":
		return slotModel + 1
	case "llm.model_name":
		return slotModel + 2
	case "gen_ai.usage.input_tokens":
		return slotInput
	case "gen_ai.usage.prompt_tokens":
		return slotInput + 1
	case "llm.token_count.prompt":
		return slotInput + 2
	case "gen_ai.usage.output_tokens":
		return slotOutput
	case "gen_ai.usage.completion_tokens":
		return slotOutput + 1
	case "llm.token_count.completion":
		return slotOutput + 2
	case "gen_ai.usage.cache_read.input_tokens":
		return slotCacheRead
	case "gen_ai.usage.cache_read_input_tokens":
		return slotCacheRead + 1
	case "llm.token_count.prompt_details.cache_read":
		return slotCacheRead + 2
	case "gen_ai.usage.cache_creation.input_tokens":
		return slotCacheWrite
	case "gen_ai.usage.cache_creation_input_tokens":
		return slotCacheWrite + 1
	case "llm.token_count.prompt_details.cache_write":
		return slotCacheWrite + 2
	case "tokentax.usage.input_audio_tokens":
		return slotInputAudio
	case "llm.token_count.prompt_details.audio":
		return slotInputAudio + 1
	case "tokentax.usage.output_audio_tokens":
		return slotOutputAudio
	case "llm.token_count.completion_details.audio":
		return slotOutputAudio + 1
	case "tokentax.usage.input_image_tokens":
		return slotInputImage
	case "tokentax.usage.output_image_tokens":
		return slotOutputImage
	case "tokentax.usage.provider_cost_usd":
		return slotProviderCost
	case "tokentax.usage.images":
		return slotImages
	case "gen_ai.request.choice.count":
		return slotChoiceCount
	case "tokentax.usage.audio_seconds":
		return slotAudioSeconds
	case "tokentax.request.image_quality":
		return slotImageQuality
	case "tokentax.request.image_size":
		return slotImageSize
	case "tokentax.duplicate":
		return slotDuplicate
	case "tokentax.pricing.version":
		return slotPricingVersion
	case "server.address":
		return slotServerAddress
	}
	return -1
}

// spanFacts holds the recorded values of one span; reused between spans of one batch.
type spanFacts struct {
	present uint64
	values  [slotCount]pcommon.Value
}

// read records the attributes the engine reads. Names outside gen_ai.*, llm.* and tokentax.* are
// skipped on their first byte (non-GenAI spans stay cheap), the many tokentax.c* ones on their tenth.
func (f *spanFacts) read(attrs pcommon.Map) {
	f.present = 0
	for k, v := range attrs.All() {
		if len(k) < 10 || (k[0] != 'g' && k[0] != 'l' && k[0] != 't' && k[0] != 's') {
			continue
		}
		if k[0] == 't' && k[9] == 'c' { // tokentax.context.*, .conversation.*, .cost.*: never read
			continue
		}
		if s := slotOf(k); s >= 0 && f.present&(uint64(1)<<s) == 0 {
			f.present |= uint64(1) << s
			f.values[s] = v
		}
	}
}

func (f *spanFacts) get(slot int) (pcommon.Value, bool) {
	if f.present&(uint64(1)<<slot) == 0 {
		return pcommon.Value{}, false
	}
	return f.values[slot], true
}

// priceable: the in-process gate (CostEnricher.enrich): a model name, not priced upstream, not a
// duplicate of a call tokentax recorded on another span.
func (f *spanFacts) priceable() bool {
	if f.present&(uint64(1)<<slotPricingVersion) != 0 {
		return false
	}
	if v, ok := f.get(slotDuplicate); ok && v.Type() == pcommon.ValueTypeBool && v.Bool() {
		return false
	}
	_, ok := f.firstString(slotModel, 3)
	return ok
}

func (f *spanFacts) firstString(slot, n int) (string, bool) {
	for i := slot; i < slot+n; i++ {
		if v, ok := f.get(i); ok && v.Type() == pcommon.ValueTypeStr && v.Str() != "" {
			return v.Str(), true
		}
	}
	return "", false
}

// Token counts: >= 0, or missing / invalid.
const (
	missing = -1
	invalid = -2
	maxSafe = 1<<53 - 1 // counts beyond 2^53 are not real token counts
)

func count(v pcommon.Value) float64 {
	switch v.Type() {
	case pcommon.ValueTypeEmpty:
		return missing
	case pcommon.ValueTypeInt:
		if i := v.Int(); i >= 0 && i <= maxSafe {
			return float64(i)
		}
	case pcommon.ValueTypeDouble:
		if d := v.Double(); d >= 0 && d <= maxSafe {
			return d
		}
	}
	return invalid
}

func (f *spanFacts) firstCount(slot int) float64 { return f.firstCountOf(slot, 3) }

func (f *spanFacts) firstCountOf(slot, n int) float64 {
	for i := slot; i < slot+n; i++ {
		if v, ok := f.get(i); ok && v.Type() != pcommon.ValueTypeEmpty {
			return count(v)
		}
	}
	return missing
}

// usage is what the engine prices; extras (images, audio) are read only when a price needs them.
type usage struct {
	input, output, cacheRead, cacheWrite float64
	// audio / image parts of input and output; the provider's reported cost (USD)
	inputAudio, inputImage, outputAudio, outputImage, providerCost float64
	operation                                                      string
	hasOperation                                                   bool
	extrasRead                                                     bool
	images, audioMinutes                                           float64
	imageQuality, imageSize                                        string
	hasQuality, hasSize                                            bool
	facts                                                          *spanFacts
}

func (u *usage) read(f *spanFacts) {
	*u = usage{facts: f}
	u.operation, u.hasOperation = f.operation()
	u.input = f.firstCount(slotInput)
	u.output = f.firstCount(slotOutput)
	u.cacheRead = f.firstCount(slotCacheRead)
	u.cacheWrite = f.firstCount(slotCacheWrite)
	u.inputAudio = f.firstCountOf(slotInputAudio, 2)
	u.inputImage = f.countAt(slotInputImage)
	u.outputAudio = f.firstCountOf(slotOutputAudio, 2)
	u.outputImage = f.countAt(slotOutputImage)
	u.providerCost = missing
	if v, ok := f.get(slotProviderCost); ok {
		u.providerCost = usdAmount(v)
	}
	// Embeddings have no output; spans commonly leave the attribute out.
	if u.output == missing && u.hasOperation && u.operation == "embeddings" {
		u.output = 0
	}
	// The Images API's output is images: without a modality split, output tokens are image tokens.
	if u.hasOperation && u.operation == "image_generation" && u.outputImage == missing && u.outputAudio == missing {
		if u.output >= 0 {
			u.outputImage = u.output
		}
	}
}

// usdAmount: a finite number >= 0 (ints too), else invalid.
func usdAmount(v pcommon.Value) float64 {
	switch v.Type() {
	case pcommon.ValueTypeEmpty:
		return missing
	case pcommon.ValueTypeInt:
		if i := v.Int(); i >= 0 {
			return float64(i)
		}
	case pcommon.ValueTypeDouble:
		if d := v.Double(); d >= 0 && !math.IsInf(d, 1) {
			return d
		}
	}
	return invalid
}

// operation: gen_ai.operation.name, else OpenLLMetry's llm.request.type mapped to it.
func (f *spanFacts) operation() (string, bool) {
	if v, ok := f.get(slotOperation); ok && v.Type() == pcommon.ValueTypeStr {
		return v.Str(), true
	}
	if v, ok := f.get(slotLLMRequestType); ok && v.Type() == pcommon.ValueTypeStr {
		switch v.Str() {
		case "completion":
			return "text_completion", true
		case "embedding":
			return "embeddings", true
		case "chat":
			return "chat", true
		}
	}
	return "", false
}

func (u *usage) readExtras() {
	if u.extrasRead {
		return
	}
	u.extrasRead = true
	f := u.facts
	u.images = f.countAt(slotImages)
	if u.images == missing {
		u.images = f.countAt(slotChoiceCount)
	}
	if u.images == missing && u.hasOperation && u.operation == "image_generation" {
		u.images = 1 // the API's default n
	}
	seconds := f.countAt(slotAudioSeconds)
	u.audioMinutes = seconds
	if seconds >= 0 {
		u.audioMinutes = seconds / 60
	}
	if v, ok := f.get(slotImageQuality); ok && v.Type() == pcommon.ValueTypeStr {
		u.imageQuality, u.hasQuality = v.Str(), true
	}
	if v, ok := f.get(slotImageSize); ok && v.Type() == pcommon.ValueTypeStr {
		u.imageSize, u.hasSize = v.Str(), true
	}
}

func (f *spanFacts) countAt(slot int) float64 {
	if v, ok := f.get(slot); ok {
		return count(v)
	}
	return missing
}

// tokenState: ok, missing (no input or output count) or invalid (a count unusable, or cached parts
// larger than the input they are part of).
const (
	tokensOK = iota
	tokensMissing
	tokensInvalid
)

func (u *usage) tokenState() int {
	if u.input == invalid || u.output == invalid || u.cacheRead == invalid || u.cacheWrite == invalid ||
		u.inputAudio == invalid || u.inputImage == invalid || u.outputAudio == invalid || u.outputImage == invalid {
		return tokensInvalid
	}
	if u.input == missing || u.output == missing {
		return tokensMissing
	}
	if pos(u.cacheRead)+pos(u.cacheWrite) > u.input {
		return tokensInvalid
	}
	// Modality counts are parts of input / output.
	if pos(u.inputAudio)+pos(u.inputImage) > u.input || pos(u.outputAudio)+pos(u.outputImage) > u.output {
		return tokensInvalid
	}
	return tokensOK
}

func pos(x float64) float64 {
	if x > 0 {
		return x
	}
	return 0
}

func lower(s string) string { return strings.ToLower(s) }
