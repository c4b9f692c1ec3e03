package system

import (
	"context"
	"fmt"
	"time"

	"github.com/aidacrm/aida/edge/idempotency"
	"github.com/aidacrm/aida/runtime/host"

	"github.com/aidacrm/aida/policies/access"
)

// BootstrapKeyName is the name of the admin key the first start makes.
const BootstrapKeyName = "admin"

// startAccess opens the API keys over the store, makes the first admin key when the store has
// none and AIDA_ADMIN_KEY is not set, and starts the OIDC verifier when an issuer is set.
func (s *System) startAccess(ctx context.Context) (err error) {
	s.keys, err = access.New(s.store, s.cfg.AdminKey)
	if err != nil {
		return err
	}
	s.auth = s.keys
	if s.cfg.AdminKey == "" {
		list, err := s.keys.List(ctx)
		if err != nil {
			return fmt.Errorf("read the API keys: %w", err)
		}
		if len(list) == 0 {
			k, token, err := s.keys.Create(ctx, BootstrapKeyName, access.Admin, 0)
			if err != nil {
				return fmt.Errorf("make the first admin key: %w", err)
			}
			s.firstKey = token
			s.logger.Info("made the first admin key; its sign-in link is printed once on the console", "key_id", k.ID)
		}
	}
	if s.cfg.OIDCIssuer != "" {
		s.oidc, err = access.NewOIDC(ctx, access.OIDCConfig{Issuer: s.cfg.OIDCIssuer, Audience: s.cfg.OIDCAudience,
			RoleClaim: s.cfg.OIDCRoleClaim, NameClaim: s.cfg.OIDCNameClaim, Logger: s.logger})
		if err != nil {
			return err
		}
		s.auth = access.Either(s.keys, s.oidc)
	}
	s.startSweep()
	return nil
}

func (s *System) stopAccess(context.Context) error {
	if s.oidc != nil {
		s.oidc.Close()
	}
	if s.sweepLoop == nil {
		return nil
	}
	return s.sweepLoop.Stop()
}

// startSweep purges the Idempotency-Keys older than 24 h every hour.
func (s *System) startSweep() {
	s.sweepLoop = host.Go(func(ctx context.Context) error {
		idempotency.Sweep(ctx, s.store, time.Now, 0, s.logger)
		return nil
	})
}

// FirstKey is the admin key this start made because the store had none, for the console's
// sign-in link; "" when it made none. Nothing else shows it, and it is never logged.
func (s *System) FirstKey() string { return s.firstKey }

// Keys returns the API keys of the running system.
func (s *System) Keys() *access.Keys { return s.keys }
