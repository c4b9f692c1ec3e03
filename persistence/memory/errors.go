package memory

import "errors"

// ErrInvalid: an Item or a recall request is malformed (no kind or id, empty text or query,
// text over MaxTextBytes, k outside 1..MaxK). Nothing is stored; retrying cannot succeed. The
// edge answers it with 400.
var ErrInvalid = errors.New("invalid memory request")

// ErrEmbedder: the Embedder failed or answered vectors of the wrong count or size.
var ErrEmbedder = errors.New("embedder failed")
