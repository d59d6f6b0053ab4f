package tokentaxprocessor

import (
	_ "embed"
	"strings"

	"go.uber.org/zap"
)

// The pricing data of src/pricing/data, mirrored into data/ by sync-data.sh (go generate, and
// collector/build.sh before every build) and committed, so the module builds wherever it is fetched
// from; drift_test.go fails when the copy differs from src/pricing/data.

//go:embed data/prices.json
var pricesJSON []byte

//go:embed data/tokenizer-ratios.json
var ratiosJSON []byte

//go:embed data/equivalence.json
var equivalenceJSON []byte

type embeddedData struct {
	prices, ratios, equivalence []byte
}

var embeddedSources = embeddedData{prices: pricesJSON, ratios: ratiosJSON, equivalence: equivalenceJSON}

func zapScenarios(p *pricing) []zap.Field {
	ids := make([]string, len(p.scenarios))
	for i, s := range p.scenarios {
		ids[i] = s.ID + "=" + s.Provider
	}
	return []zap.Field{zap.String("pricing_version", p.version), zap.String("scenarios", strings.Join(ids, ","))}
}
