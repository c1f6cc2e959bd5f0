package bench

import (
	"context"
	"fmt"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

// Latency is p50/p99 of ours and of a baseline.
type Latency struct {
	P50, P99, BaseP50, BaseP99 time.Duration
}

func latency(ours, base []time.Duration) Latency {
	return Latency{P50: pct(ours, .5), P99: pct(ours, .99), BaseP50: pct(base, .5), BaseP99: pct(base, .99)}
}

func (l Latency) result(name, baseWhat, target string) Result {
	return Result{Name: name, Unit: "ms", Ours: msf(l.P50), Baseline: msf(l.BaseP50), BaseWhat: baseWhat,
		Ratio: l.P50.Seconds() / l.BaseP50.Seconds(), P50: msf(l.P50), P99: msf(l.P99), BaseP50: msf(l.BaseP50), BaseP99: msf(l.BaseP99),
		Target: target}
}

// Figures measures reading a customer's figures (the point read a credit
// check makes) for a customer with 1,000 open documents, and recording a
// collection for it (which moves the stored figures in its transaction),
// against a raw point SELECT of the stored figures and a raw single-row
// INSERT + commit on the same database, through database/sql. Each of our
// calls alternates with a baseline call, so both see the same machine.
func Figures(ctx context.Context, dsn string, d *Data, n int) (read, write Latency, err error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return read, write, err
	}
	defer db.Close()
	a := newApp(db, d)
	admin := auth.System("bench")
	v, err := a.Customer(ctx, admin, d.HeavyCustomer)
	if err != nil {
		return read, write, err
	}
	if v.OpenDocuments < 1000 {
		return read, write, fmt.Errorf("heavy customer has %d open documents", v.OpenDocuments)
	}
	raw, err := rawDB(dsn)
	if err != nil {
		return read, write, err
	}
	defer raw.Close()

	ours, base, err := interleaved(n,
		func(int) error { _, err := a.Customer(ctx, admin, d.HeavyCustomer); return err },
		func(int) error {
			var b, o, r int64
			return raw.QueryRowContext(ctx, `SELECT balance_minor, overdue_minor, risk_minor FROM customers WHERE id = $1`,
				d.HeavyCustomer).Scan(&b, &o, &r)
		})
	if err != nil {
		return read, write, err
	}
	read = latency(ours, base)

	docs, err := a.CustomerDocuments(ctx, admin, d.HeavyCustomer, true, "", 500)
	if err != nil {
		return read, write, err
	}
	if _, err := raw.ExecContext(ctx, `CREATE TABLE bench_scratch (id TEXT PRIMARY KEY, v BIGINT NOT NULL)`); err != nil {
		return read, write, err
	}
	run := time.Now().UnixNano()
	ours, base, err = interleaved(n,
		func(i int) error {
			doc := docs.Items[(i+len(docs.Items))%len(docs.Items)]
			_, _, err := a.RecordCollection(ctx, admin, app.Idem{Key: fmt.Sprintf("bench-%d-%d", run, i), Hash: "b"},
				app.CollectionRequest{CustomerID: d.HeavyCustomer, Amount: money.New(1, "EUR"), Instrument: ledger.InstrumentDetail{Kind: ledger.Cash},
					Allocations: []app.AllocationRequest{{DocumentID: doc.ID, Amount: money.New(1, "EUR")}}})
			return err
		},
		func(i int) error {
			tx, err := raw.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO bench_scratch (id, v) VALUES ($1, $2)`, fmt.Sprint(i), int64(i)); err != nil {
				_ = tx.Rollback()
				return err
			}
			return tx.Commit()
		})
	if err != nil {
		return read, write, err
	}
	return read, latency(ours, base), nil
}

func runFigures(ctx context.Context, s *Session) ([]Result, error) {
	dsn, err := s.Loaded(ctx)
	if err != nil {
		return nil, err
	}
	read, write, err := Figures(ctx, dsn, s.Data, s.Cfg.Calls)
	if err != nil {
		return nil, err
	}
	n := fmt.Sprintf("%d calls each, alternating with the baseline's", s.Cfg.Calls)
	r := read.result("customer figures (app.Customer), 1,000 open docs", "raw point SELECT", "—")
	w := write.result("record a collection for it (app.RecordCollection)", "raw 1-row INSERT + commit", "—")
	r.Note, w.Note = n, n
	return []Result{r, w}, nil
}
