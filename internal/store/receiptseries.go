package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"cobro/internal/ledger"
)

// Device is a phone or tablet an agent records collections on; its
// receipt numbers come from a series of its own.
type Device struct {
	ID, Agent, Name, Series string
	CreatedAt               time.Time
	CreatedBy               string
	RetiredAt               time.Time
	RetiredBy, RetireReason string
}

const deviceCols = `id, agent, name, series, created_at, created_by, retired_at, retired_by, retire_reason`

func scanDevice(s interface{ Scan(...any) error }) (Device, error) {
	var d Device
	var created, retired string
	if err := s.Scan(&d.ID, &d.Agent, &d.Name, &d.Series, &created, &d.CreatedBy, &retired, &d.RetiredBy, &d.RetireReason); err != nil {
		return d, err
	}
	var err error
	if d.CreatedAt, err = ParseStamp(created); err != nil {
		return d, err
	}
	d.RetiredAt, err = ParseStamp(retired)
	return d, err
}

// InsertDevice registers a device and opens its series.
func (t *Tx) InsertDevice(ctx context.Context, d Device) error {
	if _, err := t.exec(ctx, `INSERT INTO devices (id, agent, name, series, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6)`,
		d.ID, d.Agent, d.Name, d.Series, Stamp(d.CreatedAt), d.CreatedBy); err != nil {
		return fmt.Errorf("store: insert device: %w", err)
	}
	if _, err := t.exec(ctx, `INSERT INTO receipt_series (series, agent, device_id) VALUES ($1,$2,$3)`, d.Series, d.Agent, d.ID); err != nil {
		return fmt.Errorf("store: open series: %w", err)
	}
	return nil
}

// CountDevices counts an agent's devices, retired ones included (a new
// device's series number follows them).
func (t *Tx) CountDevices(ctx context.Context, agent string) (int, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM devices WHERE agent = $1`, agent).Scan(&n)
	return n, err
}

// Device reads a device.
func (t *Tx) Device(ctx context.Context, id string) (Device, error) {
	d, err := scanDevice(t.queryRow(ctx, `SELECT `+deviceCols+` FROM devices WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("store: device %q: %w", id, ErrNotFound)
	}
	return d, err
}

// Devices lists the devices of agent ("" for every agent's), newest first.
func (t *Tx) Devices(ctx context.Context, agent string) ([]Device, error) {
	rows, err := t.query(ctx, `SELECT `+deviceCols+` FROM devices WHERE $1 = '' OR agent = $1 ORDER BY created_at DESC, id`, agent)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Device
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// NextServerReceipt takes the next number of an agent's server series, in
// the caller's transaction: a change that rolls back gives it back, so the
// series has no gap.
func (t *Tx) NextServerReceipt(ctx context.Context, series, agent string) (int64, error) {
	if _, err := t.exec(ctx, `INSERT INTO receipt_series (series, agent) VALUES ($1, $2) ON CONFLICT (series) DO NOTHING`, series, agent); err != nil {
		return 0, fmt.Errorf("store: open series: %w", err)
	}
	var n int64
	if err := t.queryRow(ctx, `UPDATE receipt_series SET next_number = next_number + 1 WHERE series = $1 RETURNING next_number - 1`,
		series).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: next receipt of %s: %w", series, err)
	}
	return n, nil
}

// ReserveReceiptBlock reserves the next size numbers of a device's series.
func (t *Tx) ReserveReceiptBlock(ctx context.Context, d Device, size int64, by string, now time.Time) (ledger.ReceiptBlock, error) {
	var b ledger.ReceiptBlock
	if err := t.queryRow(ctx, `UPDATE receipt_series SET next_number = next_number + $2 WHERE series = $1 AND device_id = $3
		RETURNING next_number - $2, next_number - 1`, d.Series, size, d.ID).Scan(&b.First, &b.Last); err != nil {
		return b, fmt.Errorf("store: reserve receipts of %s: %w", d.Series, err)
	}
	if _, err := t.exec(ctx, `INSERT INTO receipt_blocks (series, first_number, last_number, device_id, created_at, created_by)
		VALUES ($1,$2,$3,$4,$5,$6)`, d.Series, b.First, b.Last, d.ID, Stamp(now), by); err != nil {
		return b, fmt.Errorf("store: reserve receipts of %s: %w", d.Series, err)
	}
	return b, nil
}

// ReceiptBlocks lists a device's blocks, oldest first.
func (t *Tx) ReceiptBlocks(ctx context.Context, deviceID string) ([]ledger.ReceiptBlock, error) {
	rows, err := t.query(ctx, `SELECT first_number, last_number FROM receipt_blocks WHERE device_id = $1 ORDER BY first_number`, deviceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ledger.ReceiptBlock
	for rows.Next() {
		var b ledger.ReceiptBlock
		if err := rows.Scan(&b.First, &b.Last); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// InDeviceBlock reports whether number n of series is in a block of device.
func (t *Tx) InDeviceBlock(ctx context.Context, deviceID, series string, n int64) (bool, error) {
	var k int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM receipt_blocks WHERE device_id = $1 AND series = $2
		AND first_number <= $3 AND last_number >= $3`, deviceID, series, n).Scan(&k)
	return k > 0, err
}

// ReceiptCancelled reports whether number n of series was cancelled.
func (t *Tx) ReceiptCancelled(ctx context.Context, series string, n int64) (bool, error) {
	var k int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM receipt_cancellations WHERE series = $1 AND number = $2`, series, n).Scan(&k)
	return k > 0, err
}

// CancelReceipts records numbers of series as cancelled (never used) with
// who and why; a number cancelled before stays as it was.
func (t *Tx) CancelReceipts(ctx context.Context, series string, numbers []int64, by, reason string, now time.Time) error {
	for _, n := range numbers {
		if _, err := t.exec(ctx, `INSERT INTO receipt_cancellations (series, number, at, by_name, reason) VALUES ($1,$2,$3,$4,$5)
			ON CONFLICT (series, number) DO NOTHING`, series, n, Stamp(now), by, reason); err != nil {
			return fmt.Errorf("store: cancel receipt %s: %w", ledger.ReceiptNumber(series, n), err)
		}
	}
	return nil
}

// UnusedOfDevice lists the numbers of a device's blocks that are neither a
// receipt nor cancelled.
func (t *Tx) UnusedOfDevice(ctx context.Context, d Device) ([]int64, error) {
	blocks, err := t.ReceiptBlocks(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	st, err := t.seriesNumbers(ctx, d.Series)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, b := range blocks {
		for n := b.First; n <= b.Last; n++ {
			if !st.Used[n] && !st.Cancelled[n] {
				out = append(out, n)
			}
		}
	}
	return out, nil
}

// RetireDevice marks a device retired.
func (t *Tx) RetireDevice(ctx context.Context, id, by, reason string, now time.Time) error {
	_, err := t.exec(ctx, `UPDATE devices SET retired_at = $2, retired_by = $3, retire_reason = $4 WHERE id = $1 AND retired_at = ''`,
		id, Stamp(now), by, reason)
	return err
}

// seriesNumbers reads the used and cancelled numbers of one series.
func (t *Tx) seriesNumbers(ctx context.Context, series string) (ledger.SeriesState, error) {
	st := ledger.SeriesState{Series: series, Used: map[int64]bool{}, Cancelled: map[int64]bool{}}
	rows, err := t.query(ctx, `SELECT receipt_number FROM collections WHERE receipt_number LIKE $1 ESCAPE '\'`, likePrefix(series)+"-%")
	if err != nil {
		return st, err
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return st, err
		}
		if ser, n, err := ledger.ParseReceiptNumber(s); err == nil && ser == series {
			st.Used[n] = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, err
	}
	rows, err = t.query(ctx, `SELECT number FROM receipt_cancellations WHERE series = $1`, series)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return st, err
		}
		st.Cancelled[n] = true
	}
	return st, rows.Err()
}

// SeriesStates reads every series with its numbers, for the check that no
// receipt number disappears.
func (t *Tx) SeriesStates(ctx context.Context) ([]ledger.SeriesState, error) {
	rows, err := t.query(ctx, `SELECT s.series, s.next_number, s.device_id, COALESCE(d.retired_at, '') FROM receipt_series s
		LEFT JOIN devices d ON d.id = s.device_id ORDER BY s.series`)
	if err != nil {
		return nil, err
	}
	type head struct {
		series, device, retired string
		next                    int64
	}
	var heads []head
	for rows.Next() {
		var h head
		if err := rows.Scan(&h.series, &h.next, &h.device, &h.retired); err != nil {
			rows.Close()
			return nil, err
		}
		heads = append(heads, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]ledger.SeriesState, 0, len(heads))
	for _, h := range heads {
		st, err := t.seriesNumbers(ctx, h.series)
		if err != nil {
			return nil, err
		}
		st.Next, st.Device, st.Live = h.next, h.device != "", h.retired == ""
		if st.Device {
			if st.Blocks, err = t.ReceiptBlocks(ctx, h.device); err != nil {
				return nil, err
			}
		}
		out = append(out, st)
	}
	return out, nil
}

// MarkReceiptIssued records the first rendering of a collection's receipt
// and reports whether this one was it (later ones are copies).
func (t *Tx) MarkReceiptIssued(ctx context.Context, collectionID string, now time.Time) (bool, error) {
	res, err := t.exec(ctx, `UPDATE collections SET receipt_issued_at = $2 WHERE id = $1 AND receipt_issued_at = ''`, collectionID, Stamp(now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// likePrefix escapes a LIKE pattern's wildcards in s (series are codes,
// but a code may hold an underscore).
func likePrefix(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' || s[i] == '_' || s[i] == '\\' {
			out = append(out, '\\')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// AgentExists reports whether code is a known agent.
func (t *Tx) AgentExists(ctx context.Context, code string) (bool, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM agents WHERE code = $1`, code).Scan(&n)
	return n > 0, err
}

// AgentName is an agent's name (” when none is known).
func (t *Tx) AgentName(ctx context.Context, code string) (string, error) {
	var name string
	err := t.queryRow(ctx, `SELECT name FROM agents WHERE code = $1`, code).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return name, err
}
