package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/sqlite"
	"github.com/crmkit/crmkit/storage/storagetest"
	"github.com/stretchr/testify/require"
)

// newDB opens and migrates a fresh database file in a temporary directory
// and closes it when the test ends.
func newDB(t testing.TB) *sqlite.DB {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "crm.db"))
	require.NoError(t, err)
	t.Cleanup(db.Close)
	require.NoError(t, db.Migrate(ctx))
	return db
}

// opener is the storagetest factory: a fresh file per subtest.
func opener(t *testing.T) storagetest.Opener {
	db := newDB(t)
	return func(tenant string) (storage.Store, error) {
		s, err := db.Tenant(tenant)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
}

func TestConformance(t *testing.T) { storagetest.Run(t, opener) }
