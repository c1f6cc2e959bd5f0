package jobs_test

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/dbtest"
	"cobro/internal/jobs"
	"cobro/internal/ledger"
	"cobro/internal/notify"
	"cobro/internal/store"
)

type inbox struct {
	mu    sync.Mutex
	fail  int // refuse this many messages first
	got   []string
	rcpts []string
}

type smtpSession struct {
	in *inbox
	to string
}

func (s *smtpSession) Reset()                                    {}
func (s *smtpSession) Logout() error                             { return nil }
func (s *smtpSession) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = to; return nil }
func (s *smtpSession) Data(r io.Reader) error {
	b, _ := io.ReadAll(r)
	s.in.mu.Lock()
	defer s.in.mu.Unlock()
	if s.in.fail > 0 {
		s.in.fail--
		return errors.New("451 try again later")
	}
	s.in.got, s.in.rcpts = append(s.in.got, string(b)), append(s.in.rcpts, s.to)
	return nil
}

// TestDunningMailer: the daily run's email goes out through SMTP once; a
// refusal is retried after the backoff with the same Message-ID, and the
// send is then recorded as sent.
func TestDunningMailer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		in := &inbox{fail: 1}
		srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{in: in}, nil }))
		srv.Domain = "localhost"
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go srv.Serve(l)
		defer srv.Close()
		clk := newClock() // Thursday 2026-12-03 10:00 UTC
		a := app.New(db, app.WithClock(clk.Now))
		sys := auth.System("test")
		if err := a.SaveCompany(ctx, sys, ledger.Company{Name: "Levante", Currency: "EUR", TimeZone: "UTC", Language: "en"}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.ImportCustomers(ctx, sys, strings.NewReader("customer_id,name,currency,email,language\nC1,Núñez,EUR,c1@example.com,es\n"),
			app.ImportOptions{File: "c.csv", Format: "csv"}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.ImportDocuments(ctx, sys, strings.NewReader("document_id,customer_id,kind,number,issue_date,due_date,currency,amount,open_amount\n"+
			"F1,C1,invoice,2026/1,2026-10-01,2026-11-20,EUR,100.00,100.00\n"), app.ImportOptions{File: "d.csv", Format: "csv"}); err != nil {
			t.Fatal(err)
		}
		m, err := notify.NewMailer(notify.SMTPConfig{Addr: l.Addr().String(), From: "cobros@levante.example"})
		if err != nil {
			t.Fatal(err)
		}
		r := jobs.New(db, jobs.Config{Owner: "s1", Now: clk.Now, Jitter: func() float64 { return 0 }})
		jobs.Dunning(r, a, db, jobs.DunningConfig{Mailer: m})
		// The first attempt is refused; a retry after the backoff goes.
		for range 20 {
			if _, err := r.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
			clk.Add(5 * time.Second)
		}
		// The same day again: nothing new.
		if _, err := a.RunDunning(ctx, sys, app.DunningOptions{}); err != nil {
			t.Fatal(err)
		}
		for range 20 {
			r.RunDue(ctx)
			clk.Add(5 * time.Second)
		}
		if len(in.got) != 1 || in.rcpts[0] != "c1@example.com" || !strings.Contains(in.got[0], "<dunning-") ||
			!strings.Contains(in.got[0], "@levante.example>") {
			evs, _ := db.ClaimOutboxTopic(ctx, store.TopicDunningEmail, "x", 10, 0, clk.Now().Add(1e12))
			t.Fatalf("received %d: %v; outbox %+v", len(in.got), in.got, evs)
		}
		sends, err := a.DunningSends(ctx, sys, "", 10)
		if err != nil || len(sends) != 1 || sends[0].State != store.SendSent || sends[0].SentAt.IsZero() ||
			!strings.Contains(in.got[0], sends[0].MessageID) {
			t.Fatalf("sends %+v %v", sends, err)
		}
	})
}
