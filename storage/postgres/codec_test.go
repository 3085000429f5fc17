package postgres

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// testEnum is an enum whose text methods reject its zero value, as
// lead.Temperature's do.
type testEnum uint8

func (e testEnum) MarshalText() ([]byte, error) {
	if e == 0 {
		return nil, errors.New("zero testEnum")
	}
	return fmt.Appendf(nil, "e%d", e), nil
}

func (e *testEnum) UnmarshalText(b []byte) error {
	_, err := fmt.Sscanf(string(b), "e%d", (*uint8)(e))
	return err
}

type testDoc struct {
	E     testEnum
	Es    []testEnum
	P     *testEnum
	A     [2]testEnum
	M     map[string]string
	Inner struct {
		E    testEnum `json:"e"`
		Name string   `json:"name,omitempty"`
	}
	At time.Time
	ID uuid.UUID
}

func genTime(t *rapid.T, label string) time.Time {
	if rapid.Bool().Draw(t, label+" zero") {
		return time.Time{}
	}
	return time.Unix(rapid.Int64Range(0, 4e9).Draw(t, label), rapid.Int64Range(0, 1e9-1).Draw(t, label+" ns")).UTC()
}

func TestCodecMirrorsEnums(t *testing.T) {
	enum := rapid.Custom(func(t *rapid.T) testEnum { return testEnum(rapid.Uint8().Draw(t, "enum")) })
	c := newCodec[testDoc]()
	require.False(t, c.same)
	rapid.Check(t, func(t *rapid.T) {
		var d testDoc
		d.E = enum.Draw(t, "e")
		if es := rapid.SliceOfN(enum, 0, 4).Draw(t, "es"); len(es) > 0 {
			d.Es = es
		}
		if rapid.Bool().Draw(t, "pointer") {
			p := enum.Draw(t, "p")
			d.P = &p
		}
		d.A = [2]testEnum{enum.Draw(t, "a0"), enum.Draw(t, "a1")}
		if m := rapid.MapOfN(rapid.String(), rapid.String(), 0, 3).Draw(t, "m"); len(m) > 0 {
			d.M = m
		}
		d.Inner.E = enum.Draw(t, "inner")
		d.Inner.Name = rapid.String().Draw(t, "name")
		d.At = genTime(t, "at")
		d.ID = uuid.UUID(rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, "id"))

		body, err := c.encode(&d)
		require.NoError(t, err)
		var got testDoc
		require.NoError(t, c.decode(body, &got))
		assert.Equal(t, d, got)
	})
}

func TestCodecLeaves(t *testing.T) {
	// A type without enum methods is encoded by encoding/json directly.
	type plain struct {
		A string
		B []int
	}
	assert.True(t, newCodec[plain]().same)
	// The aggregates are mirrored: their enums have text methods.
	assert.False(t, leadKind.codec.same)
	assert.False(t, dealKind.codec.same)
	// Enums are stored as numbers: a zero Temperature, which its own text
	// method rejects, is stored as 0.
	l := lead.Lead{ID: crmkit.NewID(), Stage: lead.StageMQL, Version: 1}
	body, err := leadKind.codec.encode(&l)
	require.NoError(t, err)
	assert.Contains(t, string(body), `"Stage":2`, "StageMQL is the second stage")
	assert.Contains(t, string(body), `"Temperature":0`)
}

func TestCodecRoundTripsAggregates(t *testing.T) {
	str := rapid.StringN(0, 20, -1)
	rapid.Check(t, func(t *rapid.T) {
		l := lead.Lead{
			ID: crmkit.NewID(),
			Who: lead.Person{
				Name: str.Draw(t, "name"), Email: str.Draw(t, "email"),
				CompanySize: rapid.IntRange(0, 1e6).Draw(t, "size"),
			},
			Source: lead.Channel(str.Draw(t, "source")), Owner: str.Draw(t, "owner"),
			Stage:       lead.Stage(rapid.Uint8().Draw(t, "stage")),
			Temperature: lead.Temperature(rapid.Uint8().Draw(t, "temperature")),
			NurturedBy:  lead.Side(rapid.Uint8().Draw(t, "side")),
			StageAt:     genTime(t, "stage at"), BuyBy: genTime(t, "buy by"),
			Version: rapid.Int64Range(1, 1e9).Draw(t, "version"),
		}
		if rapid.Bool().Draw(t, "attributes") {
			l.Who.Attributes = map[string]string{str.Draw(t, "key"): str.Draw(t, "value")}
		}
		for range rapid.IntRange(0, 3).Draw(t, "touches") {
			l.Journey = append(l.Journey, lead.Touchpoint{Channel: lead.Channel(str.Draw(t, "channel")), At: genTime(t, "touch at")})
		}
		body, err := leadKind.codec.encode(&l)
		require.NoError(t, err)
		var got lead.Lead
		require.NoError(t, leadKind.codec.decode(body, &got))
		assert.Equal(t, l, got)

		d := deal.Deal{
			ID: crmkit.NewID(), PipelineID: str.Draw(t, "pipeline"), Name: str.Draw(t, "deal name"),
			Type:      deal.DealType(rapid.Uint8().Draw(t, "type")),
			Status:    deal.Status(rapid.Uint8().Draw(t, "status")),
			Amount:    crmkit.MustMoney(fmt.Sprintf("%d.%02d", rapid.IntRange(0, 1e9).Draw(t, "units"), rapid.IntRange(0, 99).Draw(t, "cents")), "EUR"),
			Stage:     rapid.IntRange(0, deal.MaxStages-1).Draw(t, "deal stage"),
			CloseDate: genTime(t, "close"), Version: rapid.Int64Range(1, 1e9).Draw(t, "deal version"),
		}
		prob := decimal.New(rapid.Int64Range(0, 10000).Draw(t, "probability"), -4)
		d.Probability = decimal.NewNullDecimal(prob)
		body, err = dealKind.codec.encode(&d)
		require.NoError(t, err)
		var gotDeal deal.Deal
		require.NoError(t, dealKind.codec.decode(body, &gotDeal))
		assert.True(t, gotDeal.Probability.Valid && gotDeal.Probability.Decimal.Equal(prob), "probability %s, got %s", prob, gotDeal.Probability.Decimal)
		gotDeal.Probability, d.Probability = decimal.NullDecimal{}, decimal.NullDecimal{}
		assert.Equal(t, d, gotDeal)
	})
}

func TestMapErr(t *testing.T) {
	ctx := context.Background()
	for code, want := range map[string]error{
		"40001": storage.ErrSerialization,
		"40P01": storage.ErrSerialization,
		"23505": crmkit.ErrConflict,
	} {
		pe := &pgconn.PgError{Code: code, Message: "m"}
		err := mapErr(ctx, fmt.Errorf("wrapped: %w", pe))
		assert.ErrorIs(t, err, want, code)
		assert.True(t, storage.IsRetryable(err), code)
		var got *pgconn.PgError
		assert.True(t, errors.As(err, &got), "the driver's error stays in the chain")
	}
	// Every error comes back matching exactly one root sentinel: the
	// classes by hand from PostgreSQL's Appendix A (22 data exception, 23
	// integrity constraint violation, 08 connection exception, 42 syntax
	// error or access rule violation, 57 operator intervention).
	for _, tc := range []struct {
		err  error
		want error
	}{
		{&pgconn.PgError{Code: "40001"}, crmkit.ErrConflict},
		{&pgconn.PgError{Code: "22001"}, crmkit.ErrInvalid},
		{&pgconn.PgError{Code: "22P02"}, crmkit.ErrInvalid},
		{&pgconn.PgError{Code: "23514"}, crmkit.ErrInvalid},
		{&pgconn.PgError{Code: "08006"}, crmkit.ErrUnavailable},
		{&pgconn.PgError{Code: "42P01"}, crmkit.ErrUnavailable},
		{&pgconn.PgError{Code: "57P01"}, crmkit.ErrUnavailable},
		{errors.New("closed pool"), crmkit.ErrUnavailable},
		{fmt.Errorf("x: %w", crmkit.ErrNotFound), crmkit.ErrNotFound},
		{context.DeadlineExceeded, crmkit.ErrUnavailable},
	} {
		err := mapErr(ctx, tc.err)
		assert.ErrorIs(t, err, tc.want, "%v", tc.err)
		assert.Equal(t, 1, countRoots(err), "%v matches one root sentinel", tc.err)
	}
	assert.False(t, storage.IsRetryable(mapErr(ctx, &pgconn.PgError{Code: "22001"})))
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	err := mapErr(cctx, errors.New("conn closed"))
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, crmkit.ErrUnavailable)
	assert.Equal(t, 1, countRoots(err))
	assert.NoError(t, mapErr(ctx, nil))
}

// countRoots counts the root sentinels err matches.
func countRoots(err error) int {
	n := 0
	for _, s := range rootSentinels {
		if errors.Is(err, s) {
			n++
		}
	}
	return n
}
