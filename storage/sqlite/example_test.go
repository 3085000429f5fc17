package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/sqlite"
)

// Open a file, migrate it, store a deal, move it in an Update (retried
// when it loses a race), and find it again after reopening the file.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "crmkit-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "crm.db")

	db, err := sqlite.Open(ctx, path)
	if err != nil {
		panic(err)
	}
	if err := db.Migrate(ctx); err != nil {
		panic(err) // crmkit.ErrConflict: the file is newer than this code
	}
	acme, err := db.Tenant("acme")
	if err != nil {
		panic(err)
	}
	// A deal refers to its account and contact: store them first.
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	cmd := crmkit.Cmd{By: "ana", At: at}
	a, created, err := account.New(account.NewAccount{Name: "Globex", Owner: "ana", Relations: account.Customer}, cmd)
	if err != nil {
		panic(err)
	}
	a, added, err := a.AddContact(account.Contact{Name: "Hank", Email: "hank@globex.example", Role: account.User}, cmd)
	if err != nil {
		panic(err)
	}
	if _, err := acme.Accounts().Create(ctx, a, "", created, added); err != nil {
		panic(err)
	}
	p := deal.DefaultPipeline()
	d, ev, err := deal.New(p, deal.NewDeal{
		Name: "Globex renewal", Type: deal.NewBusiness, Amount: crmkit.MustMoney("12000.00", "EUR"),
		AccountID: a.ID, ContactID: a.Contacts[0].ID, Owner: "ana",
		CloseDate: at.AddDate(0, 2, 0),
	}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: at}})
	if err != nil {
		panic(err)
	}
	if _, err := acme.Deals().Create(ctx, d, "", ev); err != nil {
		panic(err)
	}
	err = storage.Retry(ctx, storage.Policy{}, func(ctx context.Context) error {
		return acme.Update(ctx, func(tx storage.Tx) error {
			cur, err := tx.Deals().Get(ctx, d.ID)
			if err != nil {
				return err
			}
			next, ev, err := p.Move(cur, "negotiation", deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: at.Add(time.Hour)}})
			if err != nil {
				return err
			}
			return tx.Deals().Save(ctx, next, cur.Version, ev)
		})
	})
	if err != nil {
		panic(err)
	}
	db.Close()

	db, err = sqlite.Open(ctx, path)
	if err != nil {
		panic(err)
	}
	defer db.Close()
	acme, _ = db.Tenant("acme")
	got, err := acme.Deals().Get(ctx, d.ID)
	if err != nil {
		panic(err)
	}
	fmt.Println(got.Name, p.StageName(got.Stage), "version", got.Version)
	// Output:
	// Globex renewal negotiation version 2
}

// Migrations lists the embedded schema changes Migrate applies in order.
func ExampleMigrations() {
	for _, m := range sqlite.Migrations() {
		fmt.Println(m.Version, m.Name)
	}
	fmt.Println("schema version", sqlite.SchemaVersion)
	// Output:
	// 1 0001_init.sql
	// 2 0002_quotes_approvals_interactions.sql
	// 3 0003_pipelines_forecasts_commissions.sql
	// 4 0004_feed.sql
	// 5 0005_live_deals.sql
	// 6 0006_custom_fields.sql
	// 7 0007_live_deals_version.sql
	// 8 0008_live_deals_archived.sql
	// 9 0009_range_order.sql
	// 10 0010_live_deals_stamp.sql
	// 11 0011_deals_owner_close.sql
	// schema version 11
}

// A consumer of the change feed keeps its position in the file: after
// a reopen it goes on where it stopped, and a handler's writes through
// tx commit with the position it moves.
func ExampleStore_Consume() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "crmkit-feed")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "crm.db")
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	capture := func(s *sqlite.Store, name string) {
		l, ev, err := lead.New(lead.Capture{Who: lead.Person{Name: name}, Source: lead.ChannelEmail}, crmkit.Cmd{By: "web", At: at})
		if err != nil {
			panic(err)
		}
		if _, err := s.Leads().Create(ctx, l, "", ev); err != nil {
			panic(err)
		}
	}
	consume := func(s *sqlite.Store) []string {
		var out []string
		if _, err := s.Consume(ctx, "mailer", 0, func(_ storage.Tx, events []crmkit.Event) error {
			for _, e := range events {
				out = append(out, e.Type)
			}
			return nil
		}); err != nil {
			panic(err)
		}
		return out
	}

	db, err := sqlite.Open(ctx, path)
	if err != nil {
		panic(err)
	}
	if err := db.Migrate(ctx); err != nil {
		panic(err)
	}
	acme, _ := db.Tenant("acme")
	if err := acme.Register(ctx, "mailer", ""); err != nil { // from the feed's start
		panic(err)
	}
	capture(acme, "Ada")
	fmt.Println("first run:", consume(acme))
	capture(acme, "Grace")
	db.Close()

	db, err = sqlite.Open(ctx, path)
	if err != nil {
		panic(err)
	}
	defer db.Close()
	acme, _ = db.Tenant("acme")
	fmt.Println("after reopening:", consume(acme))
	pos, _ := acme.Position(ctx, "mailer")
	head, _ := acme.Head(ctx)
	fmt.Println("at the head:", pos == head)
	// Output:
	// first run: [LeadCaptured]
	// after reopening: [LeadCaptured]
	// at the head: true
}
