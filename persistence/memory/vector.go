package memory

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
)

// EmbedOne embeds one text with e and checks the answer: one vector of e.Dimensions() floats.
func EmbedOne(ctx context.Context, e Embedder, text string) ([]float32, error) {
	vs, err := e.Embed(ctx, []string{text})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrEmbedder, err)
	}
	if len(vs) != 1 || len(vs[0]) != e.Dimensions() {
		return nil, fmt.Errorf("%w: %d vectors for 1 text (want 1 of %d floats)", ErrEmbedder, len(vs), e.Dimensions())
	}
	return vs[0], nil
}

// Encode packs v as little-endian float32s, 4 bytes each: the SQL backends' embedding column.
func Encode(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	return b
}

// Decode unpacks what Encode packed; a length that is not a multiple of 4 is an error.
func Decode(b []byte) ([]float32, error) {
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("decode embedding: %d bytes is not a whole number of float32s", len(b))
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v, nil
}

// Cosine is the cosine similarity of a and b, from -1 to 1; 0 when either is zero or their
// lengths differ.
func Cosine(a, b []float32) float64 {
	if len(a) != len(b) {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		dot += x * y
		na += x * x
		nb += y * y
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// Candidate is a stored item with its embedding, as an SQL backend reads it; Seq orders items
// remembered in the same microsecond.
type Candidate struct {
	Hit
	Seq    int64
	Vector []float32
}

// Rank scores the candidates against the query vector and returns the k best, highest Score
// first; ties go to the later item (At, then Seq). Candidates of another dimension than the
// query (stored by an earlier embedder) are left out.
func Rank(query []float32, cs []Candidate, k int) []Hit {
	kept := cs[:0]
	for _, c := range cs {
		if len(c.Vector) != len(query) {
			continue
		}
		c.Score = Cosine(query, c.Vector)
		kept = append(kept, c)
	}
	slices.SortFunc(kept, func(a, b Candidate) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		if c := b.At.Compare(a.At); c != 0 {
			return c
		}
		return cmp.Compare(b.Seq, a.Seq)
	})
	hits := make([]Hit, 0, min(k, len(kept)))
	for _, c := range kept[:min(k, len(kept))] {
		hits = append(hits, c.Hit)
	}
	return hits
}
