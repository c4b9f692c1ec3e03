package aitest

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"strings"
	"unicode"
)

// Dim is the length of the server's embeddings.
const Dim = 64

// Vector is the embedding the server answers for text: its lower-cased words hashed into Dim
// signed buckets, L2-normalised. Deterministic; texts sharing words are close (lexical, not
// semantic). A text without words gets the first unit vector.
func Vector(text string) []float32 {
	v := make([]float64, Dim)
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		h := fnv.New64a()
		h.Write([]byte(w))
		x := h.Sum64()
		sign := 1.0
		if x>>63 == 1 {
			sign = -1
		}
		v[x%Dim] += sign
	}
	var norm float64
	for _, x := range v {
		norm += x * x
	}
	out := make([]float32, Dim)
	if norm == 0 {
		out[0] = 1
		return out
	}
	norm = math.Sqrt(norm)
	for i, x := range v {
		out[i] = float32(x / norm)
	}
	return out
}

// inputs reads an embeddings request's input: one string or a list of strings.
func inputs(raw json.RawMessage) ([]string, error) {
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, fmt.Errorf("input must be a string or a list of strings: %w", err)
	}
	return many, nil
}
