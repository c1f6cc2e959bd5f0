package ledger

// A collection captured offline was handed over, and its receipt printed,
// before the server saw it: by the time it syncs, a debt it pays may have
// been paid by other means (a transfer the ERP imported, another agent).
// Refusing it would lose money that was received; applying it in full
// would pay a debt twice. It is kept: what each document still has open
// takes its part, the rest stays on the customer's account as unallocated
// credit, and the administration is alerted.

// TopicOfflineUnapplied is the alert raised when part of an offline
// collection could not be applied to the debts it named.
const TopicOfflineUnapplied = "collection.offline_unapplied"

// ClipToOpen returns c with each allocation cut to what its document still
// has open (dropped when nothing is), and the amount that no longer
// applies. Allocations to documents that are not the customer's, unknown,
// or not owed are left as they are: those are mistakes, not news, and
// CheckNewCollection names them.
func ClipToOpen(c Collection, docs map[string]Document) (Collection, int64) {
	var unapplied int64
	out := make([]Allocation, 0, len(c.Allocations))
	for _, a := range c.Allocations {
		d, ok := docs[a.DocumentID]
		if !ok || d.CustomerID != c.CustomerID || !d.Kind.Owed() || a.Amount <= 0 {
			out = append(out, a)
			continue
		}
		open := d.Open()
		if a.Amount > open {
			unapplied += a.Amount - max(open, 0)
			a.Amount = max(open, 0)
		}
		if a.Amount > 0 {
			out = append(out, a)
		}
	}
	c.Allocations = out
	return c, unapplied
}
