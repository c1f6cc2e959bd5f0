package web_test

import (
	"strings"
	"testing"

	"cobro/internal/dbtest"
	"cobro/internal/store"
)

// TestRatingOnTheSheet: the customer's sheet shows its rating's letter and
// the factors that made it, in words, in the reader's language.
func TestRatingOnTheSheet(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		ana := newBrowser(t, base)
		ana.signIn("ana", "correct horse battery")
		for lang, want := range map[string][]string{
			// C-1: nothing paid in a year (10 points), F-1 53 days overdue (10).
			"en": {`id="rating-grade">B<`, "20 points", "No invoice paid in the last 12 months", "The oldest overdue invoice is 53 days late"},
			"es": {`id="rating-grade">B<`, "20 puntos", "Ninguna factura pagada en los últimos 12 meses", "La factura vencida más antigua lleva 53 días de retraso"},
		} {
			status, body, _ := ana.get("/customers/C-1", lang)
			if status != 200 {
				t.Fatalf("%s: %d", lang, status)
			}
			for _, w := range want {
				if !strings.Contains(body, w) {
					t.Errorf("%s: the sheet lacks %q", lang, w)
				}
			}
		}
	})
}
