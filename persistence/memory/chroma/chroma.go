// Package chroma is a memory.Store in a Chroma server (github.com/amikos-tech/chroma-go, API v2):
// one collection in cosine space, each item a record tagged with its entity's kind and id,
// recalled by a query filtered on the entity. Vectors come from the memory.Embedder the store is
// opened with, never from Chroma.
//
// Chroma's index is approximate (HNSW): with a filter on one entity it usually searches that
// entity's records exactly, but the contract does not promise more than "close to best first".
// Trimming an entity to its limit reads the metadata of its records after each Remember.
package chroma

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"time"

	"github.com/google/uuid"

	v2 "github.com/amikos-tech/chroma-go/pkg/api/v2"
	"github.com/amikos-tech/chroma-go/pkg/embeddings"

	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/persistence/memory"
)

// DefaultCollection is the collection Open uses when given none.
const DefaultCollection = "aida-memory"

// Metadata keys of a record.
const (
	keyKind   = "entity_kind"
	keyID     = "entity_id"
	keySource = "source"
	keyAt     = "at" // unix microseconds
)

// Store is a memory.Store in one Chroma collection.
type Store struct {
	client v2.Client
	coll   v2.Collection
	embed  memory.Embedder
	cfg    memory.Config
}

var _ memory.Store = (*Store)(nil)

// Open connects to the Chroma server at baseURL (http://host:8000), checks its heartbeat and
// gets or creates the collection (DefaultCollection when ""). Close releases the client.
func Open(ctx context.Context, baseURL, collection string, e memory.Embedder, opts ...memory.Option) (*Store, error) {
	if collection == "" {
		collection = DefaultCollection
	}
	client, err := v2.NewHTTPClient(v2.WithBaseURL(baseURL))
	if err != nil {
		return nil, fmt.Errorf("open chroma %s: %w", baseURL, err)
	}
	if err := client.Heartbeat(ctx); err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("open chroma %s: %w", baseURL, persistence.Unavailable(err))
	}
	ef := embedFunc{e}
	coll, err := client.GetOrCreateCollection(ctx, collection,
		v2.WithEmbeddingFunctionCreate(ef),
		v2.WithHNSWSpaceCreate(embeddings.COSINE),
		v2.WithDisableEFConfigStorage(), // the server need not know AIDA's embedder
	)
	if err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("open chroma collection %s: %w", collection, classify(ctx, err))
	}
	return &Store{client: client, coll: coll, embed: e, cfg: memory.Configure(opts...)}, nil
}

// Close releases the client's connections.
func (s *Store) Close() error { return s.client.Close() }

// Remember adds it as a record, then deletes the entity's earliest records past the limit.
func (s *Store) Remember(ctx context.Context, it memory.Item) error {
	it, err := s.cfg.Stamp(it)
	if err != nil {
		return fmt.Errorf("remember: %w", err)
	}
	v, err := memory.EmbedOne(ctx, s.embed, it.Text)
	if err != nil {
		return fmt.Errorf("remember for %s %s: %w", it.Kind, it.ID, err)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return fmt.Errorf("remember for %s %s: %w", it.Kind, it.ID, err)
	}
	err = s.coll.Add(ctx,
		v2.WithIDs(v2.DocumentID(id.String())),
		v2.WithTexts(it.Text),
		v2.WithEmbeddings(embeddings.NewEmbeddingFromFloat32(v)),
		v2.WithMetadatas(v2.NewDocumentMetadata(
			v2.NewStringAttribute(keyKind, it.Kind),
			v2.NewStringAttribute(keyID, it.ID),
			v2.NewStringAttribute(keySource, it.Source),
			v2.NewIntAttribute(keyAt, it.At.UnixMicro()),
		)))
	if err != nil {
		return fmt.Errorf("remember for %s %s: %w", it.Kind, it.ID, classify(ctx, err))
	}
	if err := s.trim(ctx, it.Kind, it.ID); err != nil {
		return fmt.Errorf("remember for %s %s: trim: %w", it.Kind, it.ID, classify(ctx, err))
	}
	return nil
}

// trim deletes the earliest records of (kind, id) beyond cfg.MaxItems.
func (s *Store) trim(ctx context.Context, kind, id string) error {
	res, err := s.coll.Get(ctx, v2.WithWhere(entity(kind, id)), v2.WithInclude(v2.IncludeMetadatas))
	if err != nil {
		return err
	}
	ids, metas := res.GetIDs(), res.GetMetadatas()
	if len(ids) <= s.cfg.MaxItems || len(metas) != len(ids) {
		return nil
	}
	type rec struct {
		id v2.DocumentID
		at int64
	}
	recs := make([]rec, len(ids))
	for i := range ids {
		recs[i] = rec{ids[i], atOf(metas[i])}
	}
	sort.Slice(recs, func(i, j int) bool {
		return recs[i].at < recs[j].at || recs[i].at == recs[j].at && recs[i].id < recs[j].id
	})
	drop := make([]v2.DocumentID, 0, len(recs)-s.cfg.MaxItems)
	for _, r := range recs[:len(recs)-s.cfg.MaxItems] {
		drop = append(drop, r.id)
	}
	return s.coll.Delete(ctx, v2.WithIDs(drop...))
}

// Recall queries the collection for the k records of (kind, id) nearest to query. Score is
// 1 - Chroma's cosine distance.
func (s *Store) Recall(ctx context.Context, kind, id, query string, k int) ([]memory.Hit, error) {
	if err := memory.CheckRecall(kind, id, query, k); err != nil {
		return nil, fmt.Errorf("recall: %w", err)
	}
	q, err := memory.EmbedOne(ctx, s.embed, query)
	if err != nil {
		return nil, fmt.Errorf("recall for %s %s: %w", kind, id, err)
	}
	res, err := s.coll.Query(ctx,
		v2.WithQueryEmbeddings(embeddings.NewEmbeddingFromFloat32(q)),
		v2.WithNResults(k),
		v2.WithWhere(entity(kind, id)),
		v2.WithInclude(v2.IncludeDocuments, v2.IncludeMetadatas, v2.IncludeDistances))
	if err != nil {
		return nil, fmt.Errorf("recall for %s %s: %w", kind, id, classify(ctx, err))
	}
	if res.CountGroups() == 0 {
		return nil, nil
	}
	docs, metas, dists := res.GetDocumentsGroups()[0], res.GetMetadatasGroups()[0], res.GetDistancesGroups()[0]
	if len(metas) != len(docs) || len(dists) != len(docs) {
		return nil, fmt.Errorf("recall for %s %s: chroma answered %d documents, %d metadatas, %d distances",
			kind, id, len(docs), len(metas), len(dists))
	}
	hits := make([]memory.Hit, len(docs))
	for i := range docs {
		source, _ := metas[i].GetString(keySource)
		hits[i] = memory.Hit{Text: docs[i].ContentString(), Source: source, At: timeOf(atOf(metas[i])),
			Score: 1 - float64(dists[i])}
	}
	slices.SortStableFunc(hits, func(a, b memory.Hit) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return b.At.Compare(a.At)
	})
	return hits, nil
}

// Forget deletes every record of (kind, id).
func (s *Store) Forget(ctx context.Context, kind, id string) error {
	if err := memory.CheckEntity(kind, id); err != nil {
		return fmt.Errorf("forget: %w", err)
	}
	if err := s.coll.Delete(ctx, v2.WithWhere(entity(kind, id))); err != nil {
		return fmt.Errorf("forget %s %s: %w", kind, id, classify(ctx, err))
	}
	return nil
}

// entity is the where filter of one entity's records.
func entity(kind, id string) v2.WhereFilter {
	return v2.And(v2.EqString(v2.K(keyKind), kind), v2.EqString(v2.K(keyID), id))
}

// classify wraps transport failures and ended contexts with persistence.ErrUnavailable; an
// answer of the server (a 4xx or 5xx) stays as it is.
func classify(ctx context.Context, err error) error {
	var ue *url.Error
	if ctx.Err() != nil || errors.As(err, &ue) {
		return persistence.Unavailable(err)
	}
	return err
}

// atOf reads a record's at: chroma-go decodes it as an integer from Get and as a float from
// Query (exact: unix microseconds stay below 2^53).
func atOf(m v2.DocumentMetadata) int64 {
	if at, ok := m.GetInt(keyAt); ok {
		return at
	}
	f, _ := m.GetFloat(keyAt)
	return int64(f)
}

// timeOf turns a record's at (unix microseconds) back into a UTC time.
func timeOf(us int64) time.Time { return time.UnixMicro(us).UTC() }
