package crm

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aidacrm/aida/actors/entity"
	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/persistence/sqlite"
	"github.com/aidacrm/aida/runtime/cluster"
)

// One cluster member with the three kinds serves the whole package: starting one takes a second.
var env struct {
	store   *sqlite.Store
	gateway *Gateway
}

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "crm-test")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		ctx := context.Background()
		env.store, err = sqlite.Open(ctx, filepath.Join(dir, "aida.db"))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer env.store.Close()
		group := persistence.NewGroup(env.store)
		group.Start()
		defer group.Stop()
		member, err := cluster.Start(cluster.Config{}, Kinds(entity.Deps{Loader: env.store, Appender: group,
			PassivateAfter: time.Minute, Timeout: 5 * time.Second})...)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer member.Stop()
		env.gateway = NewGateway(member, env.store, 2)
		return m.Run()
	}())
}

// deadline gives each call in a test a generous deadline, so a hang fails instead of blocking.
func deadline(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}
