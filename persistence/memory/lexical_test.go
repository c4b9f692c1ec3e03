package memory_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/aidacrm/aida/persistence/memory"
)

func embed(t *testing.T, e memory.Embedder, texts ...string) [][]float32 {
	t.Helper()
	vs, err := e.Embed(t.Context(), texts)
	if err != nil || len(vs) != len(texts) {
		t.Fatalf("embed %q: %d vectors, %v", texts, len(vs), err)
	}
	return vs
}

func TestLexicalDeterministic(t *testing.T) {
	text := "Asked about pricing for 40 seats"
	a := embed(t, memory.Lexical(0), text, text)
	b := embed(t, memory.Lexical(0), text)
	if !slices.Equal(a[0], a[1]) || !slices.Equal(a[0], b[0]) {
		t.Fatal("the same text gave different vectors")
	}
	if len(a[0]) != memory.DefaultLexicalDimensions {
		t.Errorf("%d dimensions, want %d", len(a[0]), memory.DefaultLexicalDimensions)
	}
	var norm float64
	for _, x := range a[0] {
		norm += float64(x) * float64(x)
	}
	if math.Abs(norm-1) > 1e-5 {
		t.Errorf("squared norm %.6f, want 1", norm)
	}
	if got := memory.Lexical(64).Dimensions(); got != 64 || len(embed(t, memory.Lexical(64), text)[0]) != 64 {
		t.Errorf("Lexical(64): %d dimensions", got)
	}
}

func TestLexicalSimilarity(t *testing.T) {
	e := memory.Lexical(0)
	for _, tc := range []struct {
		a, b     string
		min, max float64
	}{
		{"pricing for the enterprise plan", "Pricing for the Enterprise plan!", 0.999, 1.001},
		{"asked about prices and a discount", "what discount on the price?", 0.3, 1},
		{"the CTO worries about data migration", "send the invoice for March to accounting", -0.2, 0.2},
		{"warehouse routing case study", "unsubscribe me from this list", -0.2, 0.2},
		{"!!! ???", "anything at all", 0, 0}, // no word: the zero vector
	} {
		vs := embed(t, e, tc.a, tc.b)
		if got := memory.Cosine(vs[0], vs[1]); got < tc.min || got > tc.max {
			t.Errorf("cosine(%q, %q) = %.3f, want %.2f to %.2f", tc.a, tc.b, got, tc.min, tc.max)
		}
	}
}

func TestLexicalEndedContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := memory.Lexical(0).Embed(ctx, []string{"x"}); err == nil {
		t.Error("an ended context embedded anyway")
	}
}

func TestEncodeDecode(t *testing.T) {
	v := []float32{0, 1, -1.5, float32(math.Pi), math.MaxFloat32}
	b := memory.Encode(v)
	if len(b) != 4*len(v) || b[4] != 0 || b[7] != 0x3f { // 1.0 is 0x3f800000, little-endian
		t.Fatalf("encode %v: % x", v, b)
	}
	got, err := memory.Decode(b)
	if err != nil || !slices.Equal(got, v) {
		t.Fatalf("decode: %v, %v; want %v", got, err, v)
	}
	if _, err := memory.Decode(b[:5]); err == nil {
		t.Error("5 bytes decoded without error")
	}
}
