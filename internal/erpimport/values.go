package erpimport

import "strings"

// The words ERPs use for cobro's closed lists, English and Spanish, folded
// (see fold). Anything else in one of these columns is a row error; an
// ERP with its own codes says what they mean in a mapping file.
var (
	kinds = map[string]string{
		"invoice": "invoice", "factura": "invoice",
		"credit note": "credit_note", "credit": "credit_note", "abono": "credit_note",
		"nota de credito": "credit_note", "nota de abono": "credit_note",
		"rectificativa": "credit_note", "factura rectificativa": "credit_note",
		"returned": "returned", "returned item": "returned", "unpaid": "returned",
		"devuelto": "returned", "impagado": "returned", "devolucion": "returned",
		"recibo devuelto": "returned", "efecto devuelto": "returned",
	}
	instruments = map[string]string{
		"": "other", "other": "other", "otro": "other", "otros": "other",
		"cash": "cash", "efectivo": "cash", "contado": "cash", "metalico": "cash",
		"cheque": "cheque", "check": "cheque", "talon": "cheque",
		"promissory note": "promissory_note", "pagare": "promissory_note",
		"transfer": "transfer", "bank transfer": "transfer", "transferencia": "transfer",
		"direct debit": "direct_debit", "recibo": "direct_debit", "domiciliacion": "direct_debit",
		"recibo domiciliado": "direct_debit", "sepa": "direct_debit",
		"card": "card", "credit card": "card", "tarjeta": "card",
	}
	// statuses says whether a status means disputed. Only disputes are
	// read from the ERP: whether a debt is due, overdue or collected
	// follows from its dates and open amount.
	statuses = map[string]bool{
		"":         false,
		"disputed": true, "dispute": true, "disputa": true, "en disputa": true,
	}
	languages = map[string]string{
		"":   "",
		"en": "en", "eng": "en", "english": "en", "ingles": "en",
		"es": "es", "spa": "es", "spanish": "es", "espanol": "es", "castellano": "es",
	}
)

// fold is how a value is looked up in the lists: lower case, without
// Spanish accents, with '_' and '-' as spaces and runs of spaces as one,
// so "Nota de Crédito", "nota_de_credito" and "NOTA  DE CREDITO" are the
// same word.
func fold(s string) string {
	s = accents.Replace(strings.ToLower(s))
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '_' || r == '-' || r == '\u00a0'
	}), " ")
}

var accents = strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ü", "u", "ñ", "n")

// language reads a language: a code ("es", "EN", "es-ES", "en_GB") or a
// name in English or Spanish.
func language(s string) (string, bool) {
	if l, ok := languages[fold(s)]; ok {
		return l, true
	}
	if i := strings.IndexAny(s, "-_"); i > 0 {
		l, ok := languages[fold(s[:i])]
		return l, ok
	}
	return "", false
}
