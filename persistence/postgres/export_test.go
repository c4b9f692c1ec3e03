package postgres

import (
	"context"
	"io/fs"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/aidacrm/aida/persistence"
)

// AggregateSQL is the query of Aggregate, for the plan tests.
const AggregateSQL = aggregateSQL

// ListSQL returns the query and arguments of List(q), for the plan tests.
func ListSQL(q persistence.Query) (string, []any, error) {
	lq, err := buildList(q)
	return lq.sql, lq.args, err
}

// MigrateTo applies the embedded migrations up to version to the database at url, for the
// migration tests.
func MigrateTo(ctx context.Context, url string, version int64) error {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return err
	}
	db := stdlib.OpenDB(*cfg)
	defer db.Close()
	dir, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, dir, goose.WithDisableGlobalRegistry(true),
		goose.WithSlog(slog.New(slog.DiscardHandler)))
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, version)
	return err
}
