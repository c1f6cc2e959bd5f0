package delivery

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// CSVHeader is the first row of every dropped file.
var CSVHeader = []string{"event_id", "topic", "aggregate_id", "customer_id", "created_at", "payload"}

// CheckDir checks a drop folder: an absolute path to a folder that exists.
func CheckDir(dir string) error {
	if !filepath.IsAbs(dir) {
		return errors.New("the folder must be an absolute path")
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("cannot open the folder: %w", err)
	}
	if !fi.IsDir() {
		return errors.New("not a folder")
	}
	return nil
}

// DropCSV writes events, oldest first, as one CSV file in dir and returns
// its path. The file appears whole or not at all: it is written under a
// hidden temporary name, flushed to disk, then renamed, so a reader that
// picks up *.csv never sees half a file. Its name sorts by time:
// cobro-events-<UTC time>-<first event id>.csv.
func DropCSV(dir string, events []Event, now time.Time) (string, error) {
	if len(events) == 0 {
		return "", nil
	}
	name := fmt.Sprintf("cobro-events-%s-%s.csv", now.UTC().Format("20060102T150405.000000Z"), events[0].ID)
	f, err := os.CreateTemp(dir, ".cobro-events-*.tmp")
	if err != nil {
		return "", fmt.Errorf("csv drop: %w", err)
	}
	tmp := f.Name()
	fail := func(err error) (string, error) {
		f.Close()
		os.Remove(tmp)
		return "", fmt.Errorf("csv drop: %w", err)
	}
	w := csv.NewWriter(f)
	if err := w.Write(CSVHeader); err != nil {
		return fail(err)
	}
	for _, e := range events {
		payload := string(e.Payload)
		if payload == "" {
			payload = "null"
		}
		if err := w.Write([]string{e.ID, e.Topic, e.AggregateID, e.CustomerID, e.CreatedAt.UTC().Format(time.RFC3339Nano), payload}); err != nil {
			return fail(err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fail(err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("csv drop: %w", err)
	}
	path := filepath.Join(dir, name)
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("csv drop: %w", err)
	}
	if d, err := os.Open(dir); err == nil { // the rename itself on disk
		_ = d.Sync()
		d.Close()
	}
	return path, nil
}
