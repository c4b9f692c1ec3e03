package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate applies the embedded schema migrations not applied yet (goose, table goose_db_version),
// under a PostgreSQL advisory lock so that several nodes may start at once. Open runs it;
// `aida migrate` may too.
func (s *Store) Migrate(ctx context.Context) error {
	if err := s.checkOpen("migrate postgres"); err != nil {
		return err
	}
	dir, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("migrate postgres: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return fmt.Errorf("migrate postgres: %w", err)
	}
	db := stdlib.OpenDB(*s.pool.Config().ConnConfig.Copy())
	defer func() { _ = db.Close() }() // the migration is done or failed either way: a close error changes neither
	p, err := goose.NewProvider(goose.DialectPostgres, db, dir,
		goose.WithDisableGlobalRegistry(true),
		goose.WithSessionLocker(locker),
		goose.WithSlog(slog.New(slog.DiscardHandler)),
	)
	if err != nil {
		return fmt.Errorf("migrate postgres: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate postgres: %w", classify(err))
	}
	return nil
}
