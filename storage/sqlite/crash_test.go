package sqlite_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/sqlite"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// crashEnv names the environment variable that turns the test binary into
// the child of TestCrashSafety: the path of the file it writes to.
const crashEnv = "CRMKIT_SQLITE_CRASH_CHILD"

// crashRounds is how many times TestCrashSafety kills a writer.
const crashRounds = 50

// The two leads every Update of the child changes together, with fixed
// IDs so the parent can find them.
var (
	crashA = uuid.MustParse("01890000-0000-7000-8000-00000000000a")
	crashB = uuid.MustParse("01890000-0000-7000-8000-00000000000b")
)

var crashBase = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// crashLead returns lead id at version v, with its event of that version.
func crashLead(id uuid.UUID, v int64, name string) (lead.Lead, crmkit.Event) {
	at := crashBase.Add(time.Duration(v) * time.Second)
	l := lead.Lead{
		ID: id, Who: lead.Person{Name: name, Email: "lead@example.com"},
		Source: lead.ChannelEmail, Owner: "crash", Stage: lead.StageSuspect,
		StageAt: crashBase, CreatedAt: crashBase, UpdatedAt: at, Version: v,
	}
	e, err := crmkit.NewEvent(lead.LeadKind, id, lead.EventLeadAssigned, "crash", at, v, map[string]int64{"v": v})
	if err != nil {
		panic(err)
	}
	return l, e
}

// TestCrashChild is the child's loop; it does nothing in a normal run.
// Each Update moves leads A and B one version on with one event each and
// creates one lead of the owner "crash-new" with its event: the parent
// checks that the three land together.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("the child of TestCrashSafety")
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	s, err := db.Tenant("crash")
	require.NoError(t, err)
	for n := 0; ; n++ {
		if n == 1 {
			// One Update has returned, so it is committed: the parent's
			// cue to start the clock, and a commit that must survive.
			fmt.Println("ready")
		}
		err := s.Update(ctx, func(tx storage.Tx) error {
			a, err := tx.Leads().Get(ctx, crashA)
			if err != nil {
				return err
			}
			v := a.Version
			for _, id := range []uuid.UUID{crashA, crashB} {
				next, ev := crashLead(id, v+1, "moved")
				if err := tx.Leads().Save(ctx, next, v, ev); err != nil {
					return err
				}
			}
			l, ev := crashLead(crmkit.NewID(), 1, "new")
			l.Owner = "crash-new"
			_, err = tx.Leads().Create(ctx, l, "", ev)
			return err
		})
		require.NoError(t, err)
	}
}

// TestCrashSafety kills a child writing Updates in a loop with SIGKILL at
// random points (up to 30 ms after its first Update returned),
// crashRounds times, and after each kill reopens the file:
// every Update must be there whole or not at all (A and B at one version
// v, v-1 new leads, one event per version of each), and the file must pass
// PRAGMA integrity_check.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a child process 50 times")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crash.db")
	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	require.NoError(t, db.Migrate(ctx))
	s, err := db.Tenant("crash")
	require.NoError(t, err)
	for _, id := range []uuid.UUID{crashA, crashB} {
		l, ev := crashLead(id, 1, "start")
		_, err := s.Leads().Create(ctx, l, "", ev)
		require.NoError(t, err)
	}
	db.Close()

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 22))
	last := int64(1)
	for round := range crashRounds {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"="+path)
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		cmd.Stderr = os.Stderr
		require.NoError(t, cmd.Start())
		ready := bufio.NewScanner(out)
		require.True(t, ready.Scan(), "round %d: the child did not start", round)
		require.Equal(t, "ready", ready.Text())
		// A random point of the loop: up to 30 ms of Updates.
		time.Sleep(time.Duration(rng.IntN(30_000)) * time.Microsecond)
		require.NoError(t, cmd.Process.Kill())
		_ = cmd.Wait()

		v := checkCrashFile(t, path, round)
		// The Update the child finished before "ready" is there.
		require.Greater(t, v, last, "round %d: a committed Update was lost", round)
		last = v
	}
}

// checkCrashFile reopens the file after a kill and checks it; it returns
// the version of A and B.
func checkCrashFile(t *testing.T, path string, round int) int64 {
	t.Helper()
	ctx := context.Background()
	raw, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	var check string
	require.NoError(t, raw.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check))
	require.NoError(t, raw.Close())
	require.Equal(t, "ok", check, "round %d", round)

	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	s, err := db.Tenant("crash")
	require.NoError(t, err)
	a, err := s.Leads().Get(ctx, crashA)
	require.NoError(t, err)
	b, err := s.Leads().Get(ctx, crashB)
	require.NoError(t, err)
	require.Equal(t, a.Version, b.Version, "round %d: half an Update", round)
	for _, l := range []lead.Lead{a, b} {
		var versions []int64
		for e, err := range s.Events().ByAggregate(ctx, l.ID) {
			require.NoError(t, err)
			versions = append(versions, e.Version)
		}
		require.Len(t, versions, int(l.Version), "round %d: lead %s: one event per version", round, l.ID)
		for i, v := range versions {
			require.Equal(t, int64(i+1), v, "round %d", round)
		}
	}
	created := 0
	for l, err := range storage.All(ctx, s.Leads(), storage.LeadFilter{Owner: "crash-new"}, storage.MaxPageSize) {
		require.NoError(t, err)
		created++
		n := 0
		for _, err := range s.Events().ByAggregate(ctx, l.ID) {
			require.NoError(t, err)
			n++
		}
		require.Equal(t, 1, n, "round %d: new lead %s without its event", round, l.ID)
	}
	require.Equal(t, int(a.Version-1), created, "round %d: one new lead per Update", round)
	return a.Version
}
