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
package access
