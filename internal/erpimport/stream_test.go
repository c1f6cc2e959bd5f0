package erpimport

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestStreamsLargeFiles reads a 200,000-row CSV file of about 20 MB and
// a JSON array of 100,000 items from disk and checks that the heap grows
// by far less than the file: the rows are streamed, and only the ids seen
// (16 bytes each, plus the map's overhead) are kept.
func TestStreamsLargeFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads files of 20 MB")
	}
	dir := t.TempDir()
	csvPath := writeFile(t, filepath.Join(dir, "big.csv"), func(w *bufio.Writer) {
		fmt.Fprintln(w, "document_id;customer_id;kind;number;issue_date;due_date;currency;amount;open_amount;instrument;status;observaciones")
		for i := range 200_000 {
			fmt.Fprintf(w, "F-2026-%07d;C-%05d;factura;2026/%07d;01/09/2026;01/10/2026;EUR;%d,%02d;0,00;transferencia;;Entregado en ruta %d\n",
				i, i%10_000, i, i%100_000, i%100, i%40)
		}
	})
	jsonPath := writeFile(t, filepath.Join(dir, "big.json"), func(w *bufio.Writer) {
		fmt.Fprintln(w, "[")
		for i := range 100_000 {
			if i > 0 {
				fmt.Fprintln(w, ",")
			}
			fmt.Fprintf(w, `{"document_id": "F-%07d", "customer_id": "C-%05d", "kind": "invoice", "number": "2026/%07d", `+
				`"issue_date": "2026-09-01", "due_date": "2026-10-01", "amount": {"amount": %d, "currency": "EUR"}, `+
				`"open_amount": {"amount": 0, "currency": "EUR"}, "instrument": "transfer", "status": null}`, i, i%10_000, i, i)
		}
		fmt.Fprintln(w, "]")
	})
	for _, c := range []struct {
		path string
		rows int
	}{{csvPath, 200_000}, {jsonPath, 100_000}} {
		t.Run(filepath.Base(c.path), func(t *testing.T) {
			f, err := os.Open(c.path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			st, _ := f.Stat()
			base := heapInUse()
			peak, n := base, 0
			sum, err := ReadDocuments(f, Options{File: filepath.Base(c.path), Language: "es"}, func(r DocumentRow, errs []*RowError) error {
				if len(errs) > 0 {
					return fmt.Errorf("row %d: %v", r.Line, errs[0])
				}
				if n++; n%25_000 == 0 {
					peak = max(peak, heapInUse())
				}
				return nil
			})
			if err != nil || n != c.rows || sum.Valid != c.rows {
				t.Fatalf("%d rows, %+v, %v", n, sum, err)
			}
			growth := int64(peak) - int64(base)
			t.Logf("a file of %.1f MB grew the heap by %.1f MB", float64(st.Size())/1e6, float64(growth)/1e6)
			if st.Size() < 18e6 {
				t.Fatalf("the test file is only %d bytes", st.Size())
			}
			if growth > 20e6 {
				t.Fatalf("reading a file of %.1f MB grew the heap by %.1f MB", float64(st.Size())/1e6, float64(growth)/1e6)
			}
		})
	}
}

func writeFile(t *testing.T, path string, write func(w *bufio.Writer)) string {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	write(w)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}
