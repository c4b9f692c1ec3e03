// Package cluster addresses AIDA's virtual actors by kind and ID over a protoactor-go cluster.
//
// A Member hosts the actor kinds given to Start. Request delivers a message to the actor that
// owns (kind, id), activating it on the first message, and waits for its reply no longer than the
// caller's context allows. Requests are never retried after they may have been delivered: a
// timeout is reported as ErrTimeout, so a command is never applied twice by this package.
//
// One process runs one member; today the member discovers peers with protoactor's in-memory
// test provider, so a cluster spans one process. Several nodes come with a real provider.
package cluster
