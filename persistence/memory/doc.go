// Package memory is what each entity remembers: its interactions (notes, emails sent, replies,
// call summaries, rejected drafts with their feedback) as text with an embedding, recalled by
// similarity to a query.
//
// A Store keeps Items per entity (kind, id) and answers Recall with the k items whose embedding
// is closest to the query's (cosine similarity), best first. Two backends pass one contract suite
// (persistence/memory/memorytest):
//
//   - AIDA's own store: persistence/sqlite and persistence/postgres keep one table, memory, and
//     recall by brute force in Go over the entity's rows. It needs no other service, so `make run`
//     remembers too. An entity keeps at most MaxItems items (DefaultMaxItems, 5,000; the
//     earliest are dropped), so a recall reads at most that many rows.
//   - Chroma (persistence/memory/chroma), when AIDA_CHROMA_URL is set: one collection, each item
//     tagged with its entity, recalled with a where filter on the entity.
//
// Embeddings come from an Embedder: a model's /v1/embeddings endpoint, or offline the Lexical
// embedder, a deterministic hash of words and character trigrams. Offline recall is therefore
// lexical, not semantic: "price" finds "prices" and "pricing", but not "cost".
//
// Guarantees: Remember is durable when it returns; Recall sees every item remembered before
// it was called; Forget removes every item of the entity. Bad input (empty text, text over
// MaxTextBytes, no kind or id, k outside 1..MaxK) fails with an error wrapping ErrInvalid
// before anything is embedded or stored.
package memory
