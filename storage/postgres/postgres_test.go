package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/postgres"
	"github.com/crmkit/crmkit/storage/storagetest"
	"github.com/stretchr/testify/require"
)

// dsnEnv names the environment variable that points the tests at a
// server. Without it they skip; with it, a server that does not answer
// fails them.
const dsnEnv = "CRMKIT_POSTGRES_DSN"

// testDSN returns the server's DSN or skips the test.
func testDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(dsnEnv)
	if dsn == "" {
		t.Skip(dsnEnv + " is not set: no PostgreSQL server to test against")
	}
	return dsn
}

// newSchemaName returns a random schema name for one test.
func newSchemaName(t testing.TB) string {
	t.Helper()
	var b [8]byte
	_, err := rand.Read(b[:])
	require.NoError(t, err)
	return "crmkit_test_" + hex.EncodeToString(b[:])
}

// newDB opens a database in a fresh schema, migrates it, and drops the
// schema when the test ends.
func newDB(t testing.TB, opts ...postgres.Option) *postgres.DB {
	t.Helper()
	db, schema := openSchema(t, testDSN(t), opts...)
	require.NoError(t, db.Migrate(context.Background()), "migrate schema %s", schema)
	return db
}

// openSchema opens dsn with a fresh schema (not yet created) and
// registers its removal.
func openSchema(t testing.TB, dsn string, opts ...postgres.Option) (*postgres.DB, string) {
	t.Helper()
	schema := newSchemaName(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := postgres.Open(ctx, dsn, append(opts, postgres.Schema(schema))...)
	require.NoError(t, err, "connect to %s (%s)", dsnEnv, "is the server running?")
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := db.Pool().Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
		db.Close()
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return db, schema
}

// opener is the storagetest factory: a fresh schema per subtest.
func opener(t *testing.T) storagetest.Opener {
	db := newDB(t, postgres.MaxConns(8))
	return func(tenant string) (storage.Store, error) {
		s, err := db.Tenant(tenant)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
}

func TestConformance(t *testing.T) { storagetest.Run(t, opener) }
