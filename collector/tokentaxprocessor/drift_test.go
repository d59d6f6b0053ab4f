package tokentaxprocessor

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

func fileNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// The committed copy in data/ must be the data the Node package prices with (src/pricing/data): one
// source, the same files byte for byte.
func TestDataCopyMatchesSrcPricingData(t *testing.T) {
	src := filepath.Join("..", "..", "src", "pricing", "data")
	if _, err := os.Stat(src); err != nil {
		t.Skipf("SKIPPED: no %s (the module is used outside the tokentax repository)", src)
	}
	want, got := fileNames(t, src), fileNames(t, "data")
	if !equalStrings(want, got) {
		t.Fatalf("data/ holds %v, src/pricing/data holds %v: run `go generate` (or collector/build.sh) and commit data/", got, want)
	}
	for _, name := range want {
		a, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join("data", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("data/%s differs from src/pricing/data/%s: run `go generate` (or collector/build.sh) and commit data/", name, name)
		}
	}
}

// What the binary embeds is the committed copy (not some older build input).
func TestEmbeddedDataIsTheCopy(t *testing.T) {
	for name, embedded := range map[string][]byte{"prices.json": pricesJSON, "tokenizer-ratios.json": ratiosJSON,
		"equivalence.json": equivalenceJSON} {
		b, err := os.ReadFile(filepath.Join("data", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, embedded) {
			t.Errorf("embedded %s differs from data/%s", name, name)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
