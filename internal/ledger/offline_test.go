package ledger

import (
	"reflect"
	"testing"
)

func TestClipToOpen(t *testing.T) {
	docs := map[string]Document{
		"F1": {ID: "F1", CustomerID: "C", Kind: Invoice, ERPOpen: 10000},
		"F2": {ID: "F2", CustomerID: "C", Kind: Invoice, ERPOpen: 5000, Pending: 5000}, // paid meanwhile
		"F3": {ID: "F3", CustomerID: "C", Kind: Invoice, ERPOpen: 3000, Pending: 1000}, // partly
		"X":  {ID: "X", CustomerID: "OTHER", Kind: Invoice, ERPOpen: 100},
		"CN": {ID: "CN", CustomerID: "C", Kind: CreditNote, ERPOpen: 100},
	}
	for _, tc := range []struct {
		name      string
		in, want  []Allocation
		unapplied int64
	}{
		{"all still open", []Allocation{{DocumentID: "F1", Amount: 10000}}, []Allocation{{DocumentID: "F1", Amount: 10000}}, 0},
		{"paid meanwhile", []Allocation{{DocumentID: "F1", Amount: 4000}, {DocumentID: "F2", Amount: 5000}}, []Allocation{{DocumentID: "F1", Amount: 4000}}, 5000},
		{"partly paid", []Allocation{{DocumentID: "F3", Amount: 3000}}, []Allocation{{DocumentID: "F3", Amount: 2000}}, 1000},
		{"mistakes are left for the rules", []Allocation{{DocumentID: "X", Amount: 100}, {DocumentID: "CN", Amount: 100}, {DocumentID: "NOPE", Amount: 1}}, []Allocation{{DocumentID: "X", Amount: 100}, {DocumentID: "CN", Amount: 100}, {DocumentID: "NOPE", Amount: 1}}, 0},
		{"none", nil, []Allocation{}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Collection{CustomerID: "C", Allocations: tc.in}
			got, unapplied := ClipToOpen(c, docs)
			if !reflect.DeepEqual(got.Allocations, tc.want) || unapplied != tc.unapplied {
				t.Fatalf("got %v unapplied %d, want %v %d", got.Allocations, unapplied, tc.want, tc.unapplied)
			}
			var before, after int64
			for _, a := range tc.in {
				before += a.Amount
			}
			for _, a := range got.Allocations {
				after += a.Amount
			}
			if before != after+unapplied {
				t.Fatalf("%d allocated before, %d after + %d unapplied", before, after, unapplied)
			}
		})
	}
}
