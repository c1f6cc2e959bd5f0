package bench

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"cobro/internal/store"
)

// The baseline loads the same CSV files into the same tables by the
// plainest fast path each database has. It reads and converts them too
// (encoding/csv and a plain decimal to minor units conversion), so both
// sides include reading the files; it checks nothing beyond that, keeps
// no figures and writes no audit.

// csvRows streams a CSV file's records, header skipped.
func csvRows(path string, fn func(rec []string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		return err
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
}

// decimalMinor converts "1234.56" to 123456.
func decimalMinor(s string) (int64, error) {
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 {
		return 0, fmt.Errorf("amount %q: more than two decimals", s)
	}
	frac += "00"[len(frac):]
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("amount %q: %w", s, err)
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("amount %q: %w", s, err)
	}
	return w*100 + f, nil
}

var customerCols = []string{"id", "name", "search_key", "tax_id", "email", "phone", "language", "agent", "segment", "zone", "route",
	"credit_limit_minor", "currency", "created_at", "updated_at"}

// customerValues maps a canonical customers row
// (customer_id,name,tax_id,email,phone,language,agent,segment,credit_limit,currency,zone,route).
func customerValues(rec []string, now string) ([]any, error) {
	var limit any
	if rec[8] != "" {
		l, err := decimalMinor(rec[8])
		if err != nil {
			return nil, err
		}
		limit = l
	}
	return []any{rec[0], rec[1], store.CustomerKey(rec[0], rec[1], rec[2]), rec[2], rec[3], rec[4], rec[5], rec[6], rec[7],
		rec[10], rec[11], limit, rec[9], now, now}, nil
}

var documentCols = []string{"id", "customer_id", "kind", "number", "issue_date", "due_date", "currency", "amount_minor", "erp_open_minor",
	"pending_minor", "open_minor", "instrument", "disputed", "paid_on", "closed_reason", "created_at", "updated_at"}

// documentValues maps a canonical documents row
// (document_id,customer_id,kind,number,issue_date,due_date,currency,amount,open_amount,instrument,status,paid_on).
func documentValues(rec []string, now string) ([]any, error) {
	amount, err := decimalMinor(rec[7])
	if err != nil {
		return nil, err
	}
	open, err := decimalMinor(rec[8])
	if err != nil {
		return nil, err
	}
	disputed := 0
	if rec[10] == "disputed" {
		disputed = 1
	}
	return []any{rec[0], rec[1], rec[2], rec[3], rec[4], rec[5], rec[6], amount, open, int64(0), open, rec[9], disputed, rec[11], "", now, now}, nil
}

// termRows are the search terms of a canonical customers row: the store
// keeps them in customer_terms as it inserts the customer, so they are
// rows of the same tables for the baseline too.
func termRows(rec []string, _ string) ([][]any, error) {
	var out [][]any
	for _, t := range store.SearchTerms(rec[0], rec[1], rec[2]) {
		out = append(out, []any{t, rec[0]})
	}
	return out, nil
}

func one(f func([]string, string) ([]any, error)) func([]string, string) ([][]any, error) {
	return func(rec []string, now string) ([][]any, error) {
		v, err := f(rec, now)
		return [][]any{v}, err
	}
}

type table struct {
	file, name string
	cols       []string
	rows       func([]string, string) ([][]any, error) // the table's rows of one record
}

func tables(customers, documents string) []table {
	return []table{{customers, "customers", customerCols, one(customerValues)},
		{customers, "customer_terms", []string{"term", "customer_id"}, termRows},
		{documents, "documents", documentCols, one(documentValues)}}
}

// baselineSQLite loads the rows with one prepared single-row INSERT per
// row, committing every 10,000 rows, on a connection opened as the store
// opens its writer.
func baselineSQLite(ctx context.Context, path, customers, documents string) (took []time.Duration, err error) {
	db, err := sql.Open("sqlite", sqliteDSN(path))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	now := store.Stamp(time.Now())
	for _, t := range tables(customers, documents) {
		start := time.Now()
		q := "INSERT INTO " + t.name + " (" + strings.Join(t.cols, ",") + ") VALUES (" + placeholders(len(t.cols)) + ")"
		var tx *sql.Tx
		var stmt *sql.Stmt
		count := 0
		err := csvRows(t.file, func(rec []string) error {
			if tx == nil {
				var err error
				if tx, err = db.BeginTx(ctx, nil); err != nil {
					return err
				}
				if stmt, err = tx.PrepareContext(ctx, q); err != nil {
					return err
				}
			}
			vs, err := t.rows(rec, now)
			if err != nil {
				return err
			}
			for _, v := range vs {
				if _, err := stmt.ExecContext(ctx, v...); err != nil {
					return err
				}
			}
			if count++; count%10000 == 0 {
				stmt.Close()
				err := tx.Commit()
				tx = nil
				return err
			}
			return nil
		})
		if err != nil {
			if tx != nil {
				_ = tx.Rollback()
			}
			return took, err
		}
		if tx != nil {
			stmt.Close()
			if err := tx.Commit(); err != nil {
				return took, err
			}
		}
		took = append(took, time.Since(start))
	}
	return took, nil
}

func placeholders(n int) string {
	p := make([]string, n)
	for i := range p {
		p[i] = "$" + strconv.Itoa(i+1)
	}
	return strings.Join(p, ",")
}

// baselinePostgres streams the rows into each table with COPY, one COPY
// (one transaction) per file.
func baselinePostgres(ctx context.Context, dsn, customers, documents string) (took []time.Duration, err error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	now := store.Stamp(time.Now())
	for _, t := range tables(customers, documents) {
		start := time.Now()
		f, err := os.Open(t.file)
		if err != nil {
			return took, err
		}
		r := csv.NewReader(f)
		r.ReuseRecord = true
		if _, err := r.Read(); err != nil {
			f.Close()
			return took, err
		}
		var queue [][]any // rows of the last record not yet sent
		_, err = conn.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromFunc(func() ([]any, error) {
			for len(queue) == 0 {
				rec, err := r.Read()
				if errors.Is(err, io.EOF) {
					return nil, nil
				}
				if err != nil {
					return nil, err
				}
				if queue, err = t.rows(rec, now); err != nil {
					return nil, err
				}
			}
			v := queue[0]
			queue = queue[1:]
			return v, nil
		}))
		f.Close()
		if err != nil {
			return took, fmt.Errorf("copy %s: %w", t.name, err)
		}
		took = append(took, time.Since(start))
	}
	return took, nil
}
