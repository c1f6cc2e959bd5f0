package bench

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Data is a generated ERP export: customers and documents as CSV files in
// cobro's canonical columns.
type Data struct {
	Dir                  string
	Customers, Documents int
	CustomersCSV         string
	DocumentsCSV         string
	// ChangedCSV is DocumentsCSV with the open amounts of 1% of the
	// documents changed (paid, or partly paid, since the last export).
	ChangedCSV string
	Changed    int
	// HeavyCustomer has 1,000 open documents (for the figures benchmark).
	HeavyCustomer string
	Today         time.Time
	Stats         DocStats
	// AllOpen: every document is open (the debt list's worst case), not
	// today's 85% paid history.
	AllOpen bool
}

// DocStats describes the documents file.
type DocStats struct {
	Open, Partial, CreditNotes, Returned, Disputed int
}

func customersFor(docs int) int { return max(docs/10, 1) }

var (
	trades   = []string{"Ferretería", "Panadería", "Distribuciones", "Talleres", "Farmacia", "Construcciones", "Comercial", "Hostelería", "Frutas", "Librería"}
	surnames = []string{"Núñez", "García", "Martínez", "Peña", "López", "Ibáñez", "Gómez", "Muñoz", "Sáez", "Fernández", "Castaño", "Ruiz"}
	forms    = []string{"S.L.", "S.A.", "e Hijos S.L.", "S.C.", ""}
	segments = []string{"retail", "wholesale", "horeca", "pharma"}
	zones    = []string{"Valencia", "Alicante", "Castellón", "Murcia", "Albacete", "Cuenca"}
	limits   = []string{"", "3000.00", "6000.00", "10000.00", "25000.00", "60000.00", "6000.00", "10000.00", "3000.00", "25000.00"}
)

// Generate writes the files for docs documents and docs/10 customers,
// deterministically (a fixed seed): the same scale always gives the same
// bytes. Documents are in id order, which is issue date order, not grouped
// by customer, as ERPs export them: ~10 per customer on average, some
// customers with many more. Most are paid history (open 0, a paid_on
// date); about 15% are open, mostly the recent ones, some of those partly
// paid or disputed; ~4% are credit notes and ~2% returned items.
func Generate(dir string, docs int) (*Data, error) { return GenerateShape(dir, docs, false) }

// GenerateShape is Generate, with every document open when allOpen (the
// same documents, none paid): the worst case of the debt list.
func GenerateShape(dir string, docs int, allOpen bool) (*Data, error) {
	d := &Data{Dir: dir, Documents: docs, Customers: customersFor(docs), Today: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC), AllOpen: allOpen}
	d.CustomersCSV = filepath.Join(dir, "customers.csv")
	d.DocumentsCSV = filepath.Join(dir, "documents.csv")
	d.ChangedCSV = filepath.Join(dir, "documents-1pct.csv")
	d.HeavyCustomer = customerID(0)
	if err := writeCSV(d.CustomersCSV, d.writeCustomers); err != nil {
		return nil, err
	}
	if err := writeCSV(d.DocumentsCSV, func(w *csv.Writer) error { return d.writeDocuments(w, false) }); err != nil {
		return nil, err
	}
	if err := writeCSV(d.ChangedCSV, func(w *csv.Writer) error { return d.writeDocuments(w, true) }); err != nil {
		return nil, err
	}
	return d, nil
}

func customerID(i int) string { return fmt.Sprintf("C%07d", i) }

func (d *Data) writeCustomers(w *csv.Writer) error {
	rng := rand.New(rand.NewPCG(7, 8))
	_ = w.Write([]string{"customer_id", "name", "tax_id", "email", "phone", "language", "agent", "segment", "credit_limit", "currency", "zone", "route"})
	for i := 0; i < d.Customers; i++ {
		lang := "es"
		switch rng.IntN(10) {
		case 0:
			lang = "en"
		case 1:
			lang = ""
		}
		agent := fmt.Sprintf("AG%02d", rng.IntN(40))
		if rng.IntN(20) == 0 {
			agent = "" // not assigned yet
		}
		name := trades[rng.IntN(len(trades))] + " " + surnames[rng.IntN(len(surnames))] + " " + forms[rng.IntN(len(forms))]
		if err := w.Write([]string{customerID(i), name, fmt.Sprintf("B%08d", i), fmt.Sprintf("admin%d@example.com", i),
			fmt.Sprintf("+34 6%08d", rng.IntN(1e8)), lang, agent, segments[rng.IntN(len(segments))],
			limits[rng.IntN(len(limits))], "EUR", zones[rng.IntN(len(zones))], fmt.Sprintf("R%02d", 1+rng.IntN(20))}); err != nil {
			return err
		}
	}
	return nil
}

var instruments = []struct {
	name   string
	weight int
}{{"transfer", 40}, {"direct_debit", 30}, {"cash", 10}, {"cheque", 8}, {"promissory_note", 7}, {"card", 5}}

func pickInstrument(rng *rand.Rand) string {
	n := rng.IntN(100)
	for _, in := range instruments {
		if n < in.weight {
			return in.name
		}
		n -= in.weight
	}
	return "transfer"
}

// writeDocuments writes the documents; with changed, 1% of them (never
// the heavy customer's) have a different open amount. The random sequence
// is the same either way, so the two files differ only there.
func (d *Data) writeDocuments(w *csv.Writer, changed bool) error {
	rng := rand.New(rand.NewPCG(1, 2))
	_ = w.Write([]string{"document_id", "customer_id", "kind", "number", "issue_date", "due_date", "currency", "amount", "open_amount", "instrument", "status", "paid_on"})
	today := d.Today
	heavyEvery := max(d.Documents/1000, 1)
	heavy, nChanged := 0, 0
	var st DocStats
	for i := 0; i < d.Documents; i++ {
		isHeavy := i%heavyEvery == 0 && heavy < 1000
		cust := 0
		switch {
		case isHeavy:
			heavy++
		case d.Customers == 1:
		case rng.IntN(3) == 0: // a tenth of the customers get a third of the documents
			cust = 1 + rng.IntN(max(d.Customers/10, 1))
		default:
			cust = 1 + rng.IntN(d.Customers-1)
		}
		// Ids follow issue dates over the last 400 days.
		issued := today.AddDate(0, 0, -400*(d.Documents-1-i)/max(d.Documents, 1)-rng.IntN(7))
		due := issued.AddDate(0, 0, 30*(1+rng.IntN(3)))
		kind, prefix := "invoice", "F"
		switch k := rng.IntN(100); {
		case isHeavy || k < 94:
		case k < 98:
			kind, prefix = "credit_note", "A"
		default:
			kind, prefix = "returned", "D"
		}
		amount := 1000 + rng.Int64N(500000)
		if kind == "credit_note" {
			amount /= 4
		}
		instrument := pickInstrument(rng)
		switch kind {
		case "credit_note":
			instrument = "transfer"
		case "returned":
			instrument = "direct_debit"
		}
		overdue := int(today.Sub(due).Hours() / 24)
		u := rng.IntN(1000)
		var isOpen bool
		switch {
		case isHeavy || d.AllOpen:
			isOpen = true
		case kind == "returned":
			isOpen = u < 600
		case kind == "credit_note":
			isOpen = (overdue < 0 && u < 300) || u < 20
		case overdue < 0:
			isOpen = u < 650
		case overdue <= 90:
			isOpen = u < 200
		default:
			isOpen = u < 20
		}
		open, paid, status := int64(0), "", ""
		partial, disputed := rng.IntN(100) < 15, rng.IntN(100) < 2
		paidOn := due.AddDate(0, 0, rng.IntN(40)-10)
		if isOpen {
			open = amount
			if partial {
				open = amount * int64(20+rng.IntN(60)) / 100
				st.Partial++
			}
			if disputed && kind == "invoice" {
				status = "disputed"
				st.Disputed++
			}
			st.Open++
		} else {
			if paidOn.After(today) {
				paidOn = today
			}
			if paidOn.Before(issued) {
				paidOn = issued
			}
			paid = paidOn.Format(time.DateOnly)
		}
		if changed && !isHeavy && open > 0 && nChanged*100 < i+1 {
			if nChanged%2 == 0 {
				open, paid = 0, today.AddDate(0, 0, -1).Format(time.DateOnly) // paid since
			} else {
				open /= 2 // partly paid since
			}
			nChanged++
		}
		switch kind {
		case "credit_note":
			st.CreditNotes++
		case "returned":
			st.Returned++
		}
		if err := w.Write([]string{fmt.Sprintf("D%09d", i), customerID(cust), kind, prefix + strconv.Itoa(2026000000+i),
			issued.Format(time.DateOnly), due.Format(time.DateOnly), "EUR", minor(amount), minor(open), instrument, status, paid}); err != nil {
			return err
		}
	}
	if changed {
		d.Changed = nChanged
	} else {
		d.Stats = st
	}
	return nil
}

func minor(m int64) string { return fmt.Sprintf("%d.%02d", m/100, m%100) }

func writeCSV(path string, fill func(*csv.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	if err := fill(w); err != nil {
		f.Close()
		return err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
