package postgres

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// factRow builds a dealFacts row in PostgreSQL's binary format by hand.
func factRow(id uuid.UUID, stage int16, status, owner string, minor int64, created, entered time.Time) [][]byte {
	ts := func(t time.Time) []byte {
		return binary.BigEndian.AppendUint64(nil, uint64(t.UnixMicro()-pgEpochMicros))
	}
	return [][]byte{
		id[:], binary.BigEndian.AppendUint16(nil, uint16(stage)), []byte(status), []byte(owner), []byte("default"),
		binary.BigEndian.AppendUint64(nil, uint64(minor)), []byte("EUR"),
		ts(created), ts(entered), nil, nil, nil, nil, nil, nil, nil,
	}
}

// A row decodes to funnel.OpportunityOf of the deal it stores, and once
// its texts are known costs no allocation (the deal it builds stays on the
// stack: a custom-values decode into it once moved every row's deal to
// the heap).
func TestFactDecoderNoAllocation(t *testing.T) {
	created := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	entered := created.Add(48 * time.Hour)
	id := uuid.MustParse("0b5e3c1e-8a41-4b8e-9d6f-2a7c1f0e9b11")
	row := factRow(id, 2, "open", "ann", 123_45, created, entered)
	d := newFactDecoder()
	got, err := d.decode(row)
	require.NoError(t, err)
	eur := crmkit.MustCurrency("EUR")
	amount, err := crmkit.NewMoney(123_45, eur)
	require.NoError(t, err)
	want := funnel.OpportunityOf(&deal.Deal{ID: id, Stage: 2, Status: deal.Open, Owner: "ann", PipelineID: "default",
		Amount: amount, CreatedAt: created, StageEnteredAt: entered})
	require.Equal(t, want, got)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := d.decode(row); err != nil {
			t.Fatal(err)
		}
	})
	require.Zero(t, allocs)
}
