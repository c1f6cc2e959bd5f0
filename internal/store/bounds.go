package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// ErrOutOfBounds is returned when a write would store a money value or a
// figure outside its bounds (see boundedColumns): the database refused it,
// and nothing of the transaction was kept.
var ErrOutOfBounds = errors.New("a figure would go out of its bounds")

// boundsMarker is in every error the bounds guards raise: the names of the
// PostgreSQL constraints and the messages of the SQLite triggers.
const boundsMarker = "figure_bounds"

// The bounds as migration 10 wrote them into the schema. They are frozen
// here, not read from package money: a migration that has run must not
// change meaning. A test checks they equal money.MaxMinor and
// money.MaxTotal; changing those takes a new migration.
const (
	migratedMaxMinor int64 = 10_000_000_000_000    // money.MaxMinor: any one value
	migratedMaxTotal int64 = 1_000_000_000_000_000 // money.MaxTotal: a customer's figures
)

// boundedColumn is a column of money (or a count) whose values must be
// integers within ±max.
type boundedColumn struct {
	table, column string
	max           int64
	nullable      bool
}

// boundedColumns are every figure the ledger stores. A new money column
// joins this list and gets its guard in a new migration.
var boundedColumns = []boundedColumn{
	{"customers", "credit_limit_minor", migratedMaxMinor, true},
	{"customers", "balance_minor", migratedMaxTotal, false},
	{"customers", "overdue_minor", migratedMaxTotal, false},
	{"customers", "disputed_minor", migratedMaxTotal, false},
	{"customers", "in_hand_minor", migratedMaxTotal, false},
	{"customers", "unallocated_minor", migratedMaxTotal, false},
	{"customers", "risk_minor", migratedMaxTotal, false},
	{"customers", "conflict_minor", migratedMaxTotal, false},
	{"customers", "open_count", migratedMaxTotal, false},
	{"customers", "overdue_count", migratedMaxTotal, false},
	{"documents", "amount_minor", migratedMaxMinor, false},
	{"documents", "erp_open_minor", migratedMaxMinor, false},
	{"documents", "pending_minor", migratedMaxMinor, false},
	{"documents", "open_minor", migratedMaxMinor, false},
	{"collections", "amount_minor", migratedMaxMinor, false},
	{"collections", "allocated_minor", migratedMaxMinor, false},
	{"allocations", "amount_minor", migratedMaxMinor, false},
}

// boundedTables are the tables of boundedColumns, in order.
func boundedTables() []string {
	var out []string
	for _, c := range boundedColumns {
		if len(out) == 0 || out[len(out)-1] != c.table {
			out = append(out, c.table)
		}
	}
	return out
}

func columnsOf(table string) []boundedColumn {
	var out []boundedColumn
	for _, c := range boundedColumns {
		if c.table == table {
			out = append(out, c)
		}
	}
	return out
}

// inBounds is the SQL condition that value (a column, or NEW.column in a
// trigger) is within the column's bounds; on SQLite it must also be
// stored as an integer, since SQLite keeps whatever type it is given (an
// integer overflow in SQLite arithmetic becomes a REAL).
func (c boundedColumn) inBounds(value string, sqlite bool) string {
	cond := fmt.Sprintf("%s BETWEEN %d AND %d", value, -c.max, c.max)
	if sqlite {
		cond = fmt.Sprintf("typeof(%s) = 'integer' AND %s", value, cond)
	}
	if c.nullable {
		return fmt.Sprintf("(%s IS NULL OR (%s))", value, cond)
	}
	return "(" + cond + ")"
}

// migrateBounds is migration 10: every figure bounded by the database.
//
// PostgreSQL gets one CHECK constraint per column. SQLite cannot add a
// constraint to a table: it would need each table rebuilt (a copy of every
// row, with foreign keys, indexes and the search terms around them), and a
// rebuild in one migration would copy a fixed column list that silently
// drops any column another migration adds. A BEFORE INSERT and a BEFORE
// UPDATE trigger per table that RAISE(ABORT) on a value out of bounds or
// not an integer guard the same writes, whatever columns the table gains.
//
// Both guard new writes: a database already holding a broken figure from
// before still migrates and serves, and `cobro check` names the rows to
// repair. On PostgreSQL the constraints are added NOT VALID and then
// validated one by one; one that a broken row fails stays NOT VALID.
//
// The migration also records when the company was set up
// (company.created_at), the earliest a collection may be dated; an
// existing company gets its first profile save from the audit log.
func migrateBounds(postgres bool) func(ctx context.Context, tx *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		stmts := []string{
			`ALTER TABLE company ADD COLUMN created_at TEXT NOT NULL DEFAULT ''`,
			`UPDATE company SET created_at = COALESCE((SELECT MIN(at) FROM audit_log WHERE action = 'company.save'), '')`,
		}
		for _, table := range boundedTables() {
			cols := columnsOf(table)
			if postgres {
				for _, c := range cols {
					stmts = append(stmts, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s_%s_%s CHECK %s NOT VALID",
						table, boundsMarker, table, c.column, c.inBounds(c.column, false)))
				}
				continue
			}
			for _, op := range []string{"insert", "update"} {
				var all, body, names []string
				for _, c := range cols {
					ok := c.inBounds("NEW."+c.column, true)
					all = append(all, ok)
					names = append(names, c.column)
					body = append(body, fmt.Sprintf("SELECT RAISE(ABORT, '%s: %s.%s out of bounds or not an integer') WHERE NOT %s;",
						boundsMarker, table, c.column, ok))
				}
				event := "INSERT"
				if op == "update" {
					event = "UPDATE OF " + strings.Join(names, ", ")
				}
				stmts = append(stmts, fmt.Sprintf("CREATE TRIGGER %s_%s_%s BEFORE %s ON %s WHEN NOT (%s)\nBEGIN\n%s\nEND",
					boundsMarker, table, op, event, table, strings.Join(all, " AND "), strings.Join(body, "\n")))
			}
		}
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("bounds: %s: %w", firstLine(s), err)
			}
		}
		if postgres {
			return validateBounds(ctx, tx)
		}
		return nil
	}
}

// validateBounds validates each PostgreSQL constraint that the stored rows
// already satisfy (all of them, on a sound database), each under a
// savepoint: one that a broken row fails stays NOT VALID, guarding new
// writes only, until the row is repaired and it is validated by hand.
func validateBounds(ctx context.Context, tx *sql.Tx) error {
	for _, c := range boundedColumns {
		name := fmt.Sprintf("%s_%s_%s", boundsMarker, c.table, c.column)
		if _, err := tx.ExecContext(ctx, "SAVEPOINT bounds_validate"); err != nil {
			return fmt.Errorf("bounds: savepoint: %w", err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("ALTER TABLE %s VALIDATE CONSTRAINT %s", c.table, name)); err != nil {
			if _, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT bounds_validate"); err != nil {
				return fmt.Errorf("bounds: rollback to savepoint: %w", err)
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT bounds_validate"); err != nil {
			return fmt.Errorf("bounds: release savepoint: %w", err)
		}
	}
	return nil
}

// unmigrateBounds undoes migration 10.
func unmigrateBounds(postgres bool) func(ctx context.Context, tx *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		var stmts []string
		for _, table := range boundedTables() {
			if postgres {
				for _, c := range columnsOf(table) {
					stmts = append(stmts, fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s_%s_%s", table, boundsMarker, table, c.column))
				}
				continue
			}
			stmts = append(stmts, fmt.Sprintf("DROP TRIGGER %s_%s_insert", boundsMarker, table),
				fmt.Sprintf("DROP TRIGGER %s_%s_update", boundsMarker, table))
		}
		stmts = append(stmts, `ALTER TABLE company DROP COLUMN created_at`)
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("bounds: %s: %w", s, err)
			}
		}
		return nil
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// outOfBounds marks err as ErrOutOfBounds when a bounds guard raised it.
func outOfBounds(err error) error {
	if err != nil && !errors.Is(err, ErrOutOfBounds) && strings.Contains(err.Error(), boundsMarker) {
		return fmt.Errorf("%w: %w", ErrOutOfBounds, err)
	}
	return err
}

// boundsRule is how the rule of every bounds check ends.
const boundsRule = "is an integer within ±"

// boundsChecks are the row checks of `cobro check` for boundedColumns:
// each returns (id, detail) of every row whose value is out of bounds or,
// on SQLite, not stored as an integer. They read the value as text, so a
// REAL or an overflowed figure is reported, never a scan error.
func boundsChecks(sqlite bool) []struct{ rule, entity, query string } {
	entities := map[string]string{"customers": "customer", "documents": "document", "collections": "collection", "allocations": "collection"}
	ids := map[string]string{"allocations": "collection_id"}
	var out []struct{ rule, entity, query string }
	for _, c := range boundedColumns {
		id := ids[c.table]
		if id == "" {
			id = "id"
		}
		detail := "CAST(" + c.column + " AS TEXT)"
		if sqlite {
			detail = "typeof(" + c.column + ") || ' ' || " + detail
		}
		out = append(out, struct{ rule, entity, query string }{
			rule:   fmt.Sprintf("%s.%s %s%d", c.table, c.column, boundsRule, c.max),
			entity: entities[c.table],
			query: fmt.Sprintf("SELECT %s, '%s = ' || %s FROM %s WHERE NOT %s",
				id, c.column, detail, c.table, c.inBounds(c.column, sqlite)),
		})
	}
	return out
}
