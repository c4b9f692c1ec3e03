// Package access says who is calling and what they may do: the roles (viewer, rep, manager,
// admin, and public for what needs no principal), API keys and the principal a presented key
// stands for.
//
// A key is printed once, when it is made, as aida_<id>_<secret>: the ID is public (lists, logs
// and revocation name it), the secret is 32 random bytes from crypto/rand in lower-case base32.
// The store keeps only the SHA-256 of the secret; a presented secret is hashed and compared in
// constant time. AIDA_ADMIN_KEY, when set, is one more admin key that lives only in the
// environment (Keys.Authenticate accepts it beside the stored keys).
//
// Keys are rows of the store (persistence.Key), outside the journal; Keys reads and writes them
// through Store, the store's keys role.
//
// OIDC, when configured, also accepts the bearer tokens of one OpenID Connect provider
// (LooksLikeJWT tells them from keys): only asymmetric signatures by the provider's published
// keys, for AIDA's audience and unexpired; the user is the token's subject and the role the
// highest one its role claim names (docs/oidc.md).
package access
