package operation

import (
	"context"
	"errors"

	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/policies/access"
)

// Authenticate returns the principal of an Authorization header value: the zero Principal
// (nobody) when the header is empty, which Authorize refuses for anything but public
// operations. A header that is malformed or names no valid credential is an Unauthenticated
// fault (401) that says what to send; a credential that is valid but grants no role
// (access.ErrNoRole) is Forbidden (403); a store that cannot answer is Unavailable (503).
// a is nil when the door has no authenticator: every credential is then refused.
func Authenticate(ctx context.Context, a access.Authenticator, header string) (access.Principal, error) {
	cred, err := access.Bearer(header)
	if errors.Is(err, access.ErrNoCredentials) {
		return access.Principal{}, nil
	}
	if err != nil {
		return access.Principal{}, fault.Wrap(fault.Unauthenticated, err, "%v", err)
	}
	if a == nil {
		return access.Principal{}, fault.New(fault.Unauthenticated, "this server accepts no credentials on this door")
	}
	p, err := a.Authenticate(ctx, cred)
	return p, AuthFault(err)
}

// AuthFault maps an error of an authenticator to the fault a door answers; nil stays nil.
func AuthFault(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, access.ErrNoRole):
		return fault.Wrap(fault.Forbidden, err, "your identity provider grants no AIDA role (viewer, rep, manager or admin); ask an administrator")
	case errors.Is(err, persistence.ErrUnavailable), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return fault.Wrap(fault.Unavailable, err, "credentials cannot be checked right now; retry")
	case errors.Is(err, access.ErrMalformed), errors.Is(err, access.ErrInvalidKey), errors.Is(err, access.ErrInvalidToken):
		return fault.Wrap(fault.Unauthenticated, err, "the credentials are not valid (unknown, revoked, expired or mistyped); ask an administrator for a key")
	}
	return fault.Wrap(fault.Unavailable, err, "credentials cannot be checked right now; retry")
}
