package memory

import (
	"context"
	"hash/fnv"
	"math"
	"strings"
	"unicode"
)

// DefaultLexicalDimensions is the size of Lexical's vectors when asked for a non-positive one.
const DefaultLexicalDimensions = 512

// LexicalEmbedder is the offline Embedder: deterministic, no network, no model. It hashes the
// words of a text (lower-cased, common English stop words left out) and their character
// trigrams into a vector of fixed size, each feature with a sign from its hash so collisions
// cancel rather than pile up, and normalises it to length 1.
//
// Its similarity is lexical, not semantic: texts sharing words or word stems ("price",
// "pricing") score high; synonyms ("price", "cost") do not. A text without a word gives the
// zero vector, similar to nothing.
type LexicalEmbedder struct{ dim int }

var _ Embedder = (*LexicalEmbedder)(nil)

// Lexical returns a lexical embedder of dim dimensions (DefaultLexicalDimensions when dim < 1).
func Lexical(dim int) *LexicalEmbedder {
	if dim < 1 {
		dim = DefaultLexicalDimensions
	}
	return &LexicalEmbedder{dim: dim}
}

// Dimensions is the length of every vector Embed returns.
func (l *LexicalEmbedder) Dimensions() int { return l.dim }

// Embed returns one vector per text; it never fails (but for an ended context).
func (l *LexicalEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = l.vector(t)
	}
	return out, nil
}

// Weights of the two kinds of feature: a whole word counts more than each of its trigrams.
const (
	wordWeight    = 1.0
	trigramWeight = 0.35
)

func (l *LexicalEmbedder) vector(text string) []float32 {
	acc := make([]float64, l.dim)
	for _, w := range words(text) {
		l.add(acc, "w:"+w, wordWeight)
		padded := []rune(" " + w + " ")
		for i := 0; i+3 <= len(padded); i++ {
			l.add(acc, "t:"+string(padded[i:i+3]), trigramWeight)
		}
	}
	var norm float64
	for _, x := range acc {
		norm += x * x
	}
	v := make([]float32, l.dim)
	if norm == 0 {
		return v
	}
	norm = math.Sqrt(norm)
	for i, x := range acc {
		v[i] = float32(x / norm)
	}
	return v
}

// add adds weight to the bucket of feature, with the sign its hash gives.
func (l *LexicalEmbedder) add(acc []float64, feature string, weight float64) {
	h := fnv.New64a()
	_, _ = h.Write([]byte(feature)) // a hash.Hash never fails to write
	sum := h.Sum64()
	if sum>>63 == 1 {
		weight = -weight
	}
	acc[sum%uint64(l.dim)] += weight
}

// words splits text into lower-case runs of letters and digits, leaving out stop words and
// single characters.
func words(text string) []string {
	fields := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	kept := fields[:0]
	for _, f := range fields {
		if len([]rune(f)) > 1 && !stopWords[f] {
			kept = append(kept, f)
		}
	}
	return kept
}

// stopWords are English words too common to tell texts apart.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an and are as at be been but by can could do does for from
		had has have he her his i if in into is it its me my no not of on or our she so than that
		the their them then there these they this to us was we were what when which who will with
		would you your`) {
		m[w] = true
	}
	return m
}()
