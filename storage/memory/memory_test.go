package memory_test

import (
	"testing"

	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
	"github.com/crmkit/crmkit/storage/storagetest"
)

// opener returns the storagetest.Opener of a fresh database.
func opener(*testing.T) storagetest.Opener {
	db := memory.New()
	return func(tenant string) (storage.Store, error) {
		s, err := db.Tenant(tenant)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
}

func TestConformance(t *testing.T) { storagetest.Run(t, opener) }
