package erpimport

// The canonical rows, built from one row's cells. Every column is read
// even after an error, so that a row with several mistakes reports each.

func (cr *cellReader) customer(r *row) CustomerRow {
	c := CustomerRow{Line: r.line}
	if r.unreadable {
		return c
	}
	c.ID = r.required("customer_id")
	r.unique("customer_id", c.ID)
	c.Name = r.required("name")
	c.TaxID, c.Email, c.Phone = r.optional("tax_id"), r.optional("email"), r.optional("phone")
	c.Agent, c.Segment = r.optional("agent"), r.optional("segment")
	c.Zone, c.Route = r.optional("zone"), r.optional("route")
	if lang, ok := r.text("language"); ok {
		l, known := language(lang)
		if !known {
			r.fail("language", lang, "bad_language")
		}
		c.Language = l
	}
	c.Currency = r.currency("currency")
	if limit, ok := r.amount("credit_limit", c.Currency, false); ok {
		if limit.IsNegative() {
			r.fail("credit_limit", r.cells("credit_limit"), "negative_amount")
		} else {
			c.CreditLimit = &limit
		}
	}
	return c
}

func (cr *cellReader) document(r *row) DocumentRow {
	d := DocumentRow{Line: r.line}
	if r.unreadable {
		return d
	}
	d.ID = r.required("document_id")
	r.unique("document_id", d.ID)
	d.CustomerID = r.required("customer_id")
	d.CustomerName = r.optional("customer_name")
	if k := r.required("kind"); k != "" {
		if d.Kind = kinds[fold(k)]; d.Kind == "" {
			r.fail("kind", k, "bad_kind")
		}
	}
	if d.Number = r.optional("number"); d.Number == "" {
		d.Number = d.ID
	}
	d.OrderRef = r.optional("order_ref")
	d.IssueDate = r.date("issue_date", true)
	d.DueDate = r.date("due_date", true) // before the issue date is allowed: ERP data is like that
	d.PaidOn = r.date("paid_on", false)
	d.Currency = r.currency("currency")
	amount, okAmount := r.amount("amount", d.Currency, true)
	open, okOpen := r.amount("open_amount", d.Currency, true)
	if d.Kind == "credit_note" {
		// Amounts are positive and the kind says the direction; ERPs
		// often write credit notes negative. money.Parse never returns
		// math.MinInt64, so the negation cannot overflow.
		amount.Minor, open.Minor = abs(amount.Minor), abs(open.Minor)
	}
	// With no kind known a sign cannot be judged: the kind's own error
	// is enough.
	if okAmount && amount.IsNegative() {
		if d.Kind != "" {
			r.fail("amount", r.cells("amount"), "negative_amount")
		}
		okAmount = false
	}
	if okOpen && open.IsNegative() {
		if d.Kind != "" {
			r.fail("open_amount", r.cells("open_amount"), "negative_amount")
		}
		okOpen = false
	}
	// A file of invoice lines compares the document's totals (lines.go).
	if okAmount && okOpen && open.Minor > amount.Minor && cr.mapping.lineSumsOf() == nil {
		r.fail("open_amount", r.cells("open_amount"), "open_exceeds_amount", open.Decimal(), amount.Decimal())
	}
	d.Amount, d.Open = amount, open
	if ins, ok := r.text("instrument"); ok {
		if d.Instrument = instruments[fold(ins)]; d.Instrument == "" {
			r.fail("instrument", ins, "bad_instrument")
		}
	}
	if st, ok := r.text("status"); ok {
		disputed, known := statuses[fold(st)]
		if !known {
			r.fail("status", st, "bad_status")
		}
		d.Disputed = disputed
	}
	return d
}

func (cr *cellReader) payment(r *row) PaymentRow {
	p := PaymentRow{Line: r.line}
	if r.unreadable {
		return p
	}
	p.PaymentID = r.optional("payment_id")
	r.unique("payment_id", p.PaymentID)
	p.DocumentID, p.Number = r.optional("document_id"), r.optional("number")
	if p.DocumentID == "" && p.Number == "" && len(r.errs) == 0 {
		r.fail("document_id", "", "required")
	}
	p.PaidOn = r.date("paid_on", true)
	cur := cr.companyCurrency
	if v, ok := r.text("currency"); ok && v != "" {
		cur = r.currency("currency")
	}
	if a, ok := r.amount("amount", cur, true); ok {
		if a.Minor <= 0 {
			r.fail("amount", r.cells("amount"), "negative_amount")
		} else {
			p.Amount = a
		}
	}
	if !cur.Valid() && len(r.errs) == 0 {
		r.fail("currency", "", "required")
	}
	return p
}

func (cr *cellReader) receipt(r *row) ReceiptRow {
	if r.unreadable {
		return ReceiptRow{Line: r.line}
	}
	rec := ReceiptRow{Line: r.line, CollectionID: r.optional("collection_id"), ReceiptNumber: r.optional("receipt_number")}
	if rec.CollectionID == "" && rec.ReceiptNumber == "" && len(r.errs) == 0 {
		r.fail("collection_id", "", "required")
	}
	r.unique("collection_id", rec.CollectionID)
	return rec
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
