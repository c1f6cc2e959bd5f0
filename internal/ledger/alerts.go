package ledger

// Alert is something a person must look at because of a change: a returned
// cheque, a collection captured offline whose debt was paid meanwhile. It
// is addressed to the agent of the customer (Agent, may be empty) and to
// the administration, and stays open until someone resolves it.
//
// Kind names the alert ("instrument.returned"); the message a person reads
// is the catalogue's "alert.<Kind>", filled from Detail (string, number or
// money values), so an alert reads in each reader's language.
type Alert struct {
	Kind       string
	CustomerID string
	Agent      string
	Entity     string // "collection", "document"...
	EntityID   string
	Detail     map[string]any
}
