package memory

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/storagetest"
	"github.com/stretchr/testify/require"
)

// TestErasure runs storagetest's erasure proof, searching every stored
// value and event of the tenant written out: the tables with %+v (which
// reaches unexported fields and map keys), the event log as JSON.
func TestErasure(t *testing.T) {
	storagetest.RunErasure(t, func(t *testing.T) (storagetest.Opener, storagetest.Dumper) {
		db := New()
		open := func(tenant string) (storage.Store, error) { return db.Tenant(tenant) }
		dump := func(t *testing.T, tenant string) string {
			s, err := db.Tenant(tenant)
			require.NoError(t, err)
			st := s.state()
			st.mu.RLock()
			defer st.mu.RUnlock()
			var out string
			for _, tb := range st.tables {
				out += fmt.Sprintf("%+v", tb)
			}
			evs, err := json.Marshal(st.events.all)
			require.NoError(t, err)
			return out + string(evs) + fmt.Sprintf("%+v", st.consumers)
		}
		return open, dump
	})
}

// BenchmarkErase is storagetest.BenchmarkErase for a person with 1,000
// events.
func BenchmarkErase(b *testing.B) {
	s, err := New().Tenant("bench")
	require.NoError(b, err)
	storagetest.BenchmarkErase(b, s, 1000)
}
