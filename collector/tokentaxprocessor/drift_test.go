package tokentaxprocessor

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The embedded copy must be the data the Node package prices with (src/pricing/data): one source.
func TestEmbeddedDataMatchesSrcPricingData(t *testing.T) {
	src := filepath.Join("..", "..", "src", "pricing", "data")
	if _, err := os.Stat(src); err != nil {
		t.Skipf("SKIPPED: no %s (the module is used outside the tokentax repository)", src)
	}
	for name, embedded := range map[string][]byte{"prices.json": pricesJSON, "tokenizer-ratios.json": ratiosJSON,
		"equivalence.json": equivalenceJSON} {
		want, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(want, embedded) {
			t.Errorf("embedded %s differs from src/pricing/data/%s: run `go generate` (or collector/build.sh) and rebuild", name, name)
		}
	}
}
