package erpimport

import (
	"strconv"
	"strings"
)

// message is the text of one error code in each language the product
// speaks. It lives here, beside the codes, until the i18n package takes
// the table over; the codes themselves are stable and documented in
// docs/import-format.md.
//
// In a template, {value} is the offending value, quoted; {1} and {2} are
// language-neutral facts (a currency, an amount, a column list) or, for
// file errors found by a parser, the parser's own words. A part in
// [brackets] is left out when a placeholder in it is empty, so that one
// template serves errors made with less information (those package app
// makes, for instance).
type message struct{ en, es string }

var messages = map[string]message{
	// Row errors: one cell, or one item of a JSON array.
	"required":            {"is required", "es obligatorio"},
	"field_too_long":      {"is longer than {1} characters", "tiene más de {1} caracteres"},
	"bad_date":            {"{value} is not a valid date[ ({1})]", "{value} no es una fecha válida[ ({1})]"},
	"ambiguous_date":      {"[{value}: ]cannot tell whether the dates are day/month or month/day[ ({1})]: pass --date-format DD/MM/YYYY or --date-format MM/DD/YYYY", "[{value}: ]no se puede saber si las fechas son día/mes o mes/día[ ({1})]: indique --date-format DD/MM/YYYY o --date-format MM/DD/YYYY"},
	"date_order":          {"{value} is a date only as month/day or day/month, not {1} as the file's other dates are", "{value} solo es una fecha leyendo al revés día y mes, no {1} como las demás fechas del fichero"},
	"bad_amount":          {"{value} is not an amount", "{value} no es un importe"},
	"too_many_decimals":   {"{value} has more decimals than[ {1}] allows[ ({2})]", "{value} tiene más decimales de los que admite[ {1}][ ({2})]"},
	"mixed_decimal":       {`{value} uses the other decimal mark: the file's amounts use "{1}"`, `{value} usa el otro separador decimal: los importes del fichero usan "{1}"`},
	"unknown_currency":    {"{value} is not a known ISO 4217 currency", "{value} no es una moneda ISO 4217 conocida"},
	"currency_mismatch":   {"the currencies do not match[ ({1} ≠ {2})]", "las monedas no coinciden[ ({1} ≠ {2})]"},
	"negative_amount":     {"[{value} ]must not be negative", "[{value} ]no puede ser negativo"},
	"open_exceeds_amount": {"the open amount[ {1}] is greater than the amount[ {2}]", "el importe pendiente[ {1}] es mayor que el importe[ {2}]"},
	"line_mismatch":       {"[{value} ]differs from row {1}, a line of the same document[ ({2})]: the lines of one document must agree", "[{value} ]no coincide con la fila {1}, línea del mismo documento[ ({2})]: las líneas de un documento deben coincidir"},
	"duplicate_id":        {"{value} appears more than once in the file (the first one stands)", "{value} aparece más de una vez en el fichero (vale la primera)"},
	"bad_kind":            {"{value} is not a document kind (invoice, credit_note, returned)", "{value} no es un tipo de documento (invoice, credit_note, returned)"},
	"bad_status":          {"{value} is not a status (blank, or disputed)", "{value} no es un estado (vacío, o disputed)"},
	"bad_instrument":      {"{value} is not a payment instrument (cash, cheque, promissory_note, transfer, direct_debit, card, other)", "{value} no es un medio de pago (cash, cheque, promissory_note, transfer, direct_debit, card, other)"},
	"bad_language":        {"{value} is not a language (en, es)", "{value} no es un idioma (en, es)"},
	"unknown_field":       {"is not a field of cobro (a typo?)", "no es un campo de cobro (¿una errata?)"},
	"duplicate_field":     {"appears twice in the item", "aparece dos veces en el elemento"},
	"bad_value":           {"has a value of the wrong type[: {1}]", "tiene un valor de tipo incorrecto[: {1}]"},
	"too_deep":            {"is nested deeper than {1} levels", "está anidado a más de {1} niveles"},
	"bad_encoding":        {"is not UTF-8 text", "no es texto UTF-8"},
	"control_character":   {"{value} holds a control character ({1}), which no name or id has", "{value} contiene un carácter de control ({1}), que ningún nombre ni código tiene"},
	// Row errors package app finds against the database.
	"unknown_customer":   {"there is no customer[ {value}] in cobro: import the customers first", "no existe el cliente[ {value}] en cobro: importe antes los clientes"},
	"currency_change":    {"the currency of an existing customer cannot change[ (to {value})]", "la moneda de un cliente existente no puede cambiar[ (a {value})]"},
	"customer_changed":   {"the document belongs to another customer in cobro[, not {value}]", "el documento pertenece a otro cliente en cobro[, no a {value}]"},
	"unknown_document":   {"there is no document[ {value}] in cobro: import the documents first", "no existe el documento[ {value}] en cobro: importe antes los documentos"},
	"ambiguous_number":   {"{value} is the number of several documents: give document_id", "{value} es el número de varios documentos: indique document_id"},
	"unknown_collection": {"there is no collection[ {value}] in cobro", "no existe el cobro[ {value}] en cobro"},
	"amount_too_large":   {"[{value} ]is more than the largest amount cobro accepts (100,000,000,000.00, 10^13 minor units)", "[{value} ]supera el importe máximo que admite cobro (100.000.000.000,00; 10^13 unidades mínimas)"},
	"text_too_long":      {"is longer than cobro keeps for this column (see docs/import-format.md)", "es más largo de lo que cobro guarda en esta columna (vea docs/import-format.md)"},

	// File errors: the whole file stops.
	"empty_file":        {"the file is empty", "el fichero está vacío"},
	"missing_column":    {"missing required columns: {1}[ (the header read is {2})]; name the file's columns with a mapping (--map FILE) or a preset (--preset NAME; cobro import presets lists them)", "faltan columnas obligatorias: {1}[ (la cabecera leída es {2})]; indique las columnas del fichero con un fichero de correspondencias (--map FICHERO) o una plantilla (--preset NOMBRE; cobro import presets las lista)"},
	"ambiguous_decimal": {"cannot tell whether a comma or a point separates the decimals[ ({1})]: pass --decimal comma or --decimal point", "no se puede saber si la coma o el punto separa los decimales[ ({1})]: indique --decimal comma o --decimal point"},
	"row_too_long":      {"row {1} is too long for a row of an ERP file", "la fila {1} es demasiado larga para una fila de un fichero del ERP"},
	"cell_too_long":     {"a cell of {1} is longer than {2} MiB: not a workbook an ERP wrote", "una celda de {1} ocupa más de {2} MiB: no es un libro que haya escrito un ERP"},
	"too_large":         {"the workbook unzips to more than {1} MiB", "el libro descomprimido ocupa más de {1} MiB"},
	"bad_csv":           {"cannot read the file as CSV[: {1}]", "el fichero no se puede leer como CSV[: {1}]"},
	"bad_xlsx":          {"not a readable XLSX workbook[: {1}]", "no es un libro XLSX legible[: {1}]"},
	"bad_json":          {"not valid JSON[: {1}]", "JSON no válido[: {1}]"},
	"bad_format":        {"unknown format[ {1}] (csv, xlsx, json)", "formato desconocido[ {1}] (csv, xlsx, json)"},
	"bad_mapping":       {"not a valid mapping file[: {1}]", "fichero de correspondencias no válido[: {1}]"},
	"read_error":        {"cannot read the file[: {1}]", "no se puede leer el fichero[: {1}]"},
}

// render fills a template in lang ("es", else English) for code; ok is
// false when the code has no template.
func render(lang, code, value string, args []string) (string, bool) {
	m, ok := messages[code]
	if !ok {
		return "", false
	}
	t := m.en
	if isSpanish(lang) {
		t = m.es
	}
	fills := map[string]string{"{value}": ""}
	if value != "" {
		fills["{value}"] = strconv.Quote(value)
	}
	for i := 1; i <= 2; i++ {
		fills["{"+strconv.Itoa(i)+"}"] = ""
		if i <= len(args) {
			fills["{"+strconv.Itoa(i)+"}"] = args[i-1]
		}
	}
	fill := func(s string) (string, bool) {
		complete := true
		for k, v := range fills {
			if strings.Contains(s, k) {
				s = strings.ReplaceAll(s, k, v)
				complete = complete && v != ""
			}
		}
		return s, complete
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(t, '[')
		end := strings.IndexByte(t[open+1:], ']') + open + 1
		if open < 0 || end <= open {
			s, _ := fill(t)
			b.WriteString(s)
			return b.String(), true
		}
		s, _ := fill(t[:open])
		b.WriteString(s)
		if part, complete := fill(t[open+1 : end]); complete {
			b.WriteString(part)
		}
		t = t[end+1:]
	}
}

func isSpanish(lang string) bool {
	return strings.HasPrefix(strings.ToLower(lang), "es")
}
