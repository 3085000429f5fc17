package storage_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestCursorRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var id uuid.UUID
		copy(id[:], rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, "id"))
		if id == uuid.Nil {
			id[15] = 1
		}
		c := storage.EncodeCursor(id)
		got, err := storage.DecodeCursor(c)
		if err != nil || got != id {
			t.Fatalf("round trip of %s: %s, %v", id, got, err)
		}
		size, after, err := storage.Page{Size: 7, After: c}.Resolve()
		if err != nil || size != 7 || after != id {
			t.Fatalf("resolve: %d %s %v", size, after, err)
		}
	})
}

func TestPageResolve(t *testing.T) {
	size, after, err := storage.Page{}.Resolve()
	require.NoError(t, err)
	assert.Equal(t, storage.DefaultPageSize, size)
	assert.Equal(t, uuid.Nil, after)
	for _, p := range []storage.Page{{Size: -1}, {Size: storage.MaxPageSize + 1}, {After: "x"}, {After: "AQ"}, {After: storage.EncodeCursor(uuid.Nil)}} {
		_, _, err := p.Resolve()
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "%+v", p)
	}
}

// Another spelling of a cursor's bytes (the unused low bits of the last
// base64 character set, padding) decoded to an ID that encodes
// differently; DecodeCursor now refuses every spelling but the canonical
// one (issue 16).
func TestDecodeCursorRefusesOtherSpellings(t *testing.T) {
	var id uuid.UUID
	id[15] = 1
	c := string(storage.EncodeCursor(id))
	require.Len(t, c, 23) // 17 bytes: 136 bits in 23 characters of 6, 2 bits unused
	last := c[len(c)-1]
	next := strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", last) + 1
	for _, s := range []string{
		c[:len(c)-1] + string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[next]), // an unused bit set
		c + "=", // padded
		c + "A", // one character more
	} {
		_, err := storage.DecodeCursor(storage.Cursor(s))
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "%q", s)
	}
	got, err := storage.DecodeCursor(storage.Cursor(c))
	require.NoError(t, err)
	assert.Equal(t, id, got)
}

func FuzzDecodeCursor(f *testing.F) {
	f.Add(string(storage.EncodeCursor(crmkit.NewID())))
	f.Add("")
	f.Add("AQAAAAAAAAAAAAAAAAAAAAA")
	f.Add("AQAAAAAAAAAAAAAAAAAAAAB") // an unused bit set: the failure
	f.Add("AQAAAAAAAAAAAAAAAAAAAAE=")
	f.Add("!!!")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := storage.DecodeCursor(storage.Cursor(s))
		if err != nil {
			if !errors.Is(err, crmkit.ErrInvalid) {
				t.Fatalf("error %v does not match ErrInvalid", err)
			}
			return
		}
		if id == uuid.Nil || storage.EncodeCursor(id) != storage.Cursor(s) {
			t.Fatalf("%q decodes to %s, which encodes differently", s, id)
		}
	})
}

func TestValidateTextNamesTheField(t *testing.T) {
	l := lead.Lead{ID: crmkit.NewID(), Stage: lead.StageMQL, Version: 1, Source: lead.ChannelEmail, CreatedAt: t0, StageAt: t0, UpdatedAt: t0,
		Who:     lead.Person{Name: "Ada", Attributes: map[string]string{"note": strings.Repeat("x", storage.MaxTextLen+1)}},
		Journey: []lead.Touchpoint{{}, {Content: "bad \x00"}},
	}
	err := storage.ValidateLead(l)
	var ve *crmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "lead.Who.Attributes[note]", ve.Field)
	assert.Contains(t, ve.Reason, "more than 4096")

	l.Who.Attributes = nil
	err = storage.ValidateLead(l)
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "lead.Journey[1].Content", ve.Field)
	assert.Equal(t, "contains a NUL byte", ve.Reason)

	l.Journey = nil
	assert.NoError(t, storage.ValidateLead(l))
	assert.NoError(t, storage.ValidateText("x", []any{"ok", 3, nil, map[int][]string{1: {"a"}}}))
	assert.ErrorIs(t, storage.ValidateText("x", []any{"ok", map[int][]string{1: {"\xff"}}}), crmkit.ErrInvalid)
}

func TestValidateFilters(t *testing.T) {
	assert.NoError(t, storage.LeadFilter{}.Validate())
	assert.NoError(t, storage.LeadFilter{Stage: lead.StageNurture, Owner: "ana", Source: lead.ChannelEmail}.Validate())
	assert.ErrorIs(t, storage.LeadFilter{Stage: 7}.Validate(), crmkit.ErrInvalid)
	assert.NoError(t, storage.DealFilter{}.Validate())
	assert.NoError(t, storage.DealFilter{Stages: []int{0, 31}}.Validate())
	assert.ErrorIs(t, storage.DealFilter{Stages: make([]int, 33)}.Validate(), crmkit.ErrInvalid)
}

// BenchmarkValidateLead measures the input checks every write runs (the
// reflection walk over every string included).
func BenchmarkValidateLead(b *testing.B) {
	l := lead.Lead{ID: crmkit.NewID(), Stage: lead.StageMQL, Version: 1, Owner: "ana", Source: lead.ChannelEmail,
		CreatedAt: t0, StageAt: t0, UpdatedAt: t0,
		Who:     lead.Person{Name: "Ada Lovelace", Email: "ada@example.com", Company: "Acme", Attributes: map[string]string{"segment": "smb", "language": "hu"}},
		Journey: []lead.Touchpoint{{Channel: lead.ChannelEmail, Campaign: "spring", Kind: lead.TouchForm, At: t0}},
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := storage.ValidateLead(l); err != nil {
			b.Fatal(err)
		}
	}
}
