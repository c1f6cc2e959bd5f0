package erpimport

import (
	"slices"
	"strings"
)

// aliases are the usual names of each canonical column in the exports of
// Spanish and English accounting tools, folded as headers are and with
// the punctuation of "Nº factura" or "Invoice #" left out (see
// aliasKey). They apply after the mapping's columns and the canonical
// names, and only to the table being read: "Cliente" is the customer's id
// in a documents file. A column a file names twice (both "Total" and
// "Importe") is read from its first occurrence, with a warning, as any
// repeated column is.
var aliases = map[string]map[string]string{
	"customers": aliasList(map[string][]string{
		"customer_id":  {"codigo cliente", "cod cliente", "codigo", "cliente", "n cliente", "num cliente", "numero cliente", "id cliente", "customer code", "customer number", "customer no", "account number", "account code", "id"},
		"name":         {"nombre", "razon social", "nombre fiscal", "nombre cliente", "denominacion", "customer", "customer name", "company", "company name", "display name", "contact name"},
		"tax_id":       {"nif", "cif", "nif cif", "dni", "nie", "nif iva", "vat", "vat number", "tax number", "tax registration number", "tin"},
		"email":        {"correo", "correo electronico", "e mail", "email address"},
		"phone":        {"telefono", "tel", "movil", "phone number", "mobile"},
		"language":     {"idioma", "lengua"},
		"agent":        {"comercial", "agente", "vendedor", "representante", "cobrador", "sales rep", "salesperson", "sales person"},
		"segment":      {"segmento", "sector"},
		"credit_limit": {"limite de credito", "limite credito", "riesgo", "riesgo maximo", "credit limit"},
		"currency":     {"moneda", "divisa", "currency code"},
		"zone":         {"zona"},
		"route":        {"ruta"},
	}),
	"documents": aliasList(map[string][]string{
		"document_id":   {"factura", "n factura", "num factura", "numero factura", "numero de factura", "documento", "n documento", "id documento", "efecto", "invoice", "invoice number", "invoice no", "invoice id", "document number"},
		"customer_id":   {"codigo cliente", "cod cliente", "cliente", "n cliente", "id cliente", "customer", "customer id", "customer code", "customer number", "account"},
		"customer_name": {"nombre", "nombre cliente", "razon social", "customer name", "customer full name", "client name", "contact name"},
		"kind":          {"tipo", "tipo documento", "tipo de documento", "clase", "type", "document type", "transaction type"},
		"number":        {"numero", "referencia", "reference"},
		"issue_date":    {"fecha", "fecha factura", "fecha de factura", "fecha emision", "fecha de emision", "fecha expedicion", "date", "invoice date", "issue date", "document date"},
		"due_date":      {"vencimiento", "fecha vencimiento", "fecha de vencimiento", "vto", "due date", "due", "due on"},
		"currency":      {"moneda", "divisa", "currency code"},
		"amount":        {"importe", "importe total", "total", "total factura", "importe factura", "invoice amount", "invoice total", "total amount", "amount total"},
		"open_amount":   {"pendiente", "importe pendiente", "saldo", "saldo pendiente", "pendiente de cobro", "balance", "open balance", "balance due", "amount due", "outstanding", "open amount"},
		"instrument":    {"forma de pago", "forma pago", "medio de pago", "payment method", "payment type"},
		"status":        {"estado", "situacion"},
		"paid_on":       {"fecha cobro", "fecha de cobro", "fecha pago", "fecha de pago", "cobrado el", "paid date", "date paid", "payment date"},
	}),
	"payments": aliasList(map[string][]string{
		"payment_id":  {"id cobro", "n cobro", "numero cobro", "id pago", "payment id", "payment number", "payment no", "receipt id"},
		"document_id": {"factura", "n factura", "num factura", "numero factura", "documento", "efecto", "invoice", "invoice number", "invoice no", "invoice id"},
		"number":      {"numero", "referencia", "reference"},
		"paid_on":     {"fecha", "fecha cobro", "fecha de cobro", "fecha pago", "fecha de pago", "cobrado el", "date", "paid date", "date paid", "payment date"},
		"amount":      {"importe", "importe cobrado", "cobrado", "importe pagado", "pagado", "amount paid", "payment amount", "paid", "payment"},
		"currency":    {"moneda", "divisa", "currency code"},
	}),
	"receipts": aliasList(map[string][]string{
		"receipt_number": {"recibo", "n recibo", "numero recibo", "receipt", "receipt no"},
		"posted_on":      {"fecha contabilizacion", "contabilizado el", "posted date", "posting date"},
	}),
}

func aliasList(m map[string][]string) map[string]string {
	out := map[string]string{}
	for col, names := range m {
		for _, n := range names {
			out[aliasKey(n)] = col
		}
	}
	return out
}

// aliasKey is a header folded, without the punctuation headers carry:
// "Nº Factura", "N. factura" and "Invoice #" are "n factura", "n
// factura" and "invoice".
func aliasKey(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '#', '.', ':', '(', ')', '/', 'º', '°', 'ª', '*':
			return ' '
		}
		return r
	}, accents.Replace(strings.ToLower(strings.TrimPrefix(s, "\ufeff"))))
	s = strings.ReplaceAll(s, "nº", "n ")
	return fold(s)
}

// headerColumn is the canonical column of a header in t: the mapping's,
// the canonical name, else a usual name of one of t's columns.
func headerColumn(m *Mapping, name string, t table) string {
	c := m.column(name)
	if canonical[fold(c)] == c && slices.Contains(t.columns, c) {
		return c
	}
	if a, ok := aliases[t.name][aliasKey(name)]; ok {
		return a
	}
	return c
}
