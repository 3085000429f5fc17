package storagetest_test

import (
	"testing"

	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
	"github.com/crmkit/crmkit/storage/storagetest"
)

// A backend proves it keeps the storage contract by running the suite from
// one of its own tests, giving every subtest a fresh database and a way to
// open tenants in it (here the memory store; storage/postgres does the
// same with a fresh schema per subtest).
func ExampleRun() {
	testMyStore := func(t *testing.T) {
		storagetest.Run(t, func(t *testing.T) storagetest.Opener {
			db := memory.New()
			return func(tenant string) (storage.Store, error) { return db.Tenant(tenant) }
		})
	}
	_ = testMyStore // in a _test.go file: func TestMyStore(t *testing.T) { ... }
}
