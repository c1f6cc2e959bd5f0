package erpimport

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// holdedExport has the shape of Holded's invoice export (Ventas >
// Facturas > Exportar): Spanish headers, day-first dates, comma decimals,
// the contact's name in "Contacto".
const holdedExport = `Fecha;Vencimiento;Num;Contacto;NIF;Subtotal;IVA;Total;Cobrado;Pendiente;Estado;Moneda
03/11/2026;03/12/2026;F260112;Ferretería Núñez S.L.;B46000001;1.000,00;210,00;1.210,00;0,00;1.210,00;Pendiente;EUR
10/11/2026;10/12/2026;F260113;Bar Sol;B46000002;80,00;16,80;96,80;0,00;96,80;Pendiente;EUR
`

func TestInspect(t *testing.T) {
	opt := Options{File: "facturas.csv", CompanyCurrency: "EUR", Language: "es"}
	preset, err := GuessPreset(strings.NewReader(holdedExport), opt, "documents")
	if err != nil || preset != "holded" {
		t.Fatalf("guessed %q (%v), want holded", preset, err)
	}
	m, err := LoadPreset(preset)
	if err != nil {
		t.Fatal(err)
	}
	opt.Mapping = m
	in, err := Inspect(strings.NewReader(holdedExport), opt, "documents")
	if err != nil || in.Problem != nil {
		t.Fatalf("inspect: %v %v", err, in.Problem)
	}
	if in.HeaderRow != 1 || in.Decimal != "comma" || in.DateFormat != "DD/MM/YYYY" || len(in.Columns) != 12 {
		t.Fatalf("inspection: %+v", in)
	}
	got := map[string]FileColumn{}
	for _, c := range in.Columns {
		got[c.Name] = c
	}
	if c := got["Contacto"]; c.Column != "customer_id" || strings.Join(c.Samples, "|") != "Ferretería Núñez S.L.|Bar Sol" {
		t.Errorf("Contacto: %+v", c)
	}
	if c := got["NIF"]; c.Column != "" || len(c.Samples) != 2 {
		t.Errorf("NIF: %+v", c)
	}
	// Without the preset, the file lacks what Holded does not write.
	in, err = Inspect(strings.NewReader(holdedExport), Options{File: "facturas.csv"}, "documents")
	if err != nil || in.Problem == nil || in.Problem.Code != "missing_column" || !strings.Contains(in.Problem.Message, "kind") {
		t.Fatalf("no mapping: %v %+v", err, in.Problem)
	}
	if _, err := Inspect(strings.NewReader(holdedExport), opt, "nonsense"); err == nil {
		t.Error("an unknown kind is inspected")
	}
	// A preamble is skipped and reported as the header row; an ambiguous
	// date order is the problem.
	in, err = Inspect(strings.NewReader("Informe\n\ncustomer_id,name,currency\nC-1,Ana,EUR\n"), Options{File: "c.csv"}, "customers")
	if err != nil || in.HeaderRow != 3 || in.Problem != nil || in.Columns[1].Samples[0] != "Ana" {
		t.Fatalf("preamble: %v %+v", err, in)
	}
	in, err = Inspect(strings.NewReader(`[{"customer_id":"C-1","name":"Ana","credit_limit":{"amount":100,"currency":"EUR"}}]`),
		Options{File: "c.json"}, "customers")
	if err != nil || in.Problem == nil || !strings.Contains(in.Problem.Message, "currency") || len(in.Columns) != 3 ||
		in.Columns[0].Column != "credit_limit" || in.Columns[0].Samples[0] != `{"amount":100,"currency":"EUR"}` {
		t.Fatalf("json: %v %+v", err, in)
	}
}

// FuzzInspect: inspecting any file never panics, and whatever it reads
// a column as is one of the kind's columns.
func FuzzInspect(f *testing.F) {
	f.Add(holdedExport, "documents", true)
	f.Add("Informe\n\ncustomer_id,name,currency\nC-1,Ana,EUR\n", "customers", false)
	f.Add("document_id;paid_on;amount\nF-1;03/04/2026;1.234,56\n", "payments", false)
	f.Add(`[{"customer_id":"C-1","name":{"x":1}}]`, "customers", false)
	f.Fuzz(func(t *testing.T, file, kind string, preset bool) {
		opt := Options{File: "f.csv", Language: "es", CompanyCurrency: "EUR"}
		if strings.HasPrefix(file, "[") {
			opt.File = "f.json"
		}
		if preset {
			name, err := GuessPreset(strings.NewReader(file), opt, kind)
			if err == nil && name != "" {
				if opt.Mapping, err = LoadPreset(name); err != nil {
					t.Fatalf("guessed preset %q does not load: %v", name, err)
				}
			}
		}
		in, err := Inspect(strings.NewReader(file), opt, kind)
		if err != nil {
			return
		}
		all, _, _, _ := Columns(kind)
		for _, c := range in.Columns {
			if c.Column != "" && !slices.Contains(all, c.Column) {
				t.Fatalf("column %q read as %q, not a column of %s", c.Name, c.Column, kind)
			}
			if len(c.Samples) > sampleRows {
				t.Fatalf("%d samples", len(c.Samples))
			}
		}
	})
}

// TestInspectXLSX: a workbook's sheets are listed, the one asked for is
// read, its header found below a blank row.
func TestInspectXLSX(t *testing.T) {
	data := workbook(t, map[string]map[int][]any{
		"Resumen":  {1: {"Informe de clientes"}},
		"Clientes": {2: {"Customer ID", "Name", "Currency", "Credit Limit"}, 3: {"C-1", "Bar", "EUR", 1500}, 4: {"C-2", "Pub", "EUR", "2.000,50"}},
	}, "Resumen", "Clientes")
	in, err := Inspect(bytes.NewReader(data), Options{File: "c.xlsx", Sheet: "Clientes"}, "customers")
	if err != nil || in.Problem != nil || in.Sheet != "Clientes" || strings.Join(in.Sheets, ",") != "Resumen,Clientes" ||
		in.HeaderRow != 2 || in.Decimal != "comma" || in.Columns[3].Column != "credit_limit" || strings.Join(in.Columns[3].Samples, "|") != "1500|2.000,50" {
		t.Fatalf("%v %+v", err, in)
	}
	in, err = Inspect(bytes.NewReader(data), Options{File: "c.xlsx"}, "customers")
	if err != nil || in.Sheet != "Resumen" || in.Problem == nil || in.Problem.Code != "missing_column" {
		t.Fatalf("first sheet: %v %+v", err, in)
	}
}
