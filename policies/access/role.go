package access

import (
	"fmt"
	"slices"
)

// Role is what a principal may do; each role may do what the roles before it may.
type Role string

// The roles, from the least to the most trusted.
const (
	Public  Role = "public"  // anyone who reaches the port: liveness, this API's document
	Viewer  Role = "viewer"  // reads
	Rep     Role = "rep"     // works on entities: captures, updates, notes, tasks, signals
	Manager Role = "manager" // also decides: approves drafts, archives, on every owner's entities
	Admin   Role = "admin"   // also runs the system: keys, policies, the kill switch
)

// Roles lists the roles, least trusted first.
func Roles() []Role { return []Role{Public, Viewer, Rep, Manager, Admin} }

// KeyRoles lists the roles a key may carry: every role but Public.
func KeyRoles() []Role { return Roles()[1:] }

// Allows reports whether a principal of role r may call an operation that needs role need.
// Unknown roles allow nothing and are allowed by nothing.
func (r Role) Allows(need Role) bool {
	have, want := slices.Index(Roles(), r), slices.Index(Roles(), need)
	return have >= 0 && want >= 0 && have >= want
}

// ParseRole reads a key's role: viewer, rep, manager or admin.
func ParseRole(s string) (Role, error) {
	if r := Role(s); slices.Contains(KeyRoles(), r) {
		return r, nil
	}
	return "", fmt.Errorf("%w: %q; a key's role is viewer, rep, manager or admin", ErrBadRole, s)
}

// MaxAutonomy is the highest autonomy level a principal of role r may grant an entity: a rep
// up to L3 (the agent acts within limits), a manager L4, an admin L5 (autonomous, a human on
// the loop). Viewers and the public grant none.
func MaxAutonomy(r Role) int32 {
	switch r {
	case Rep:
		return 3
	case Manager:
		return 4
	case Admin:
		return 5
	}
	return 0
}
