package chroma

import (
	"context"
	"fmt"

	"github.com/amikos-tech/chroma-go/pkg/embeddings"

	"github.com/aidacrm/aida/persistence/memory"
)

// embedFunc is chroma-go's embedding function over a memory.Embedder. Every collection is opened
// with it: without one, chroma-go downloads a default model. The store embeds texts itself and
// passes vectors, so chroma-go calls it only if asked to embed.
type embedFunc struct{ e memory.Embedder }

var _ embeddings.EmbeddingFunction = embedFunc{}

func (f embedFunc) EmbedDocuments(ctx context.Context, texts []string) ([]embeddings.Embedding, error) {
	vs, err := f.e.Embed(ctx, texts)
	if err != nil {
		return nil, err
	}
	if len(vs) != len(texts) {
		return nil, fmt.Errorf("%w: %d vectors for %d texts", memory.ErrEmbedder, len(vs), len(texts))
	}
	return embeddings.NewEmbeddingsFromFloat32(vs)
}

func (f embedFunc) EmbedQuery(ctx context.Context, text string) (embeddings.Embedding, error) {
	v, err := memory.EmbedOne(ctx, f.e, text)
	if err != nil {
		return nil, err
	}
	return embeddings.NewEmbeddingFromFloat32(v), nil
}

func (embedFunc) Name() string { return "aida" }

func (embedFunc) GetConfig() embeddings.EmbeddingFunctionConfig {
	return embeddings.EmbeddingFunctionConfig{}
}

func (embedFunc) DefaultSpace() embeddings.DistanceMetric { return embeddings.COSINE }

func (embedFunc) SupportedSpaces() []embeddings.DistanceMetric {
	return []embeddings.DistanceMetric{embeddings.COSINE}
}
