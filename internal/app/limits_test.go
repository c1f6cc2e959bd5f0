package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/dbtest"
	"cobro/internal/ledger"
)

// Every free text a use case stores is bounded, with an error naming the
// field: users, tokens, saved lists, the company profile, customers.
func TestFreeTextIsBounded(t *testing.T) {
	db := dbtest.Open(t, "sqlite")
	ctx := context.Background()
	a, _ := newApp(t, db)
	long := strings.Repeat("é", 201)
	field := func(err error) string {
		var re *ledger.RuleError
		if !errors.As(err, &re) || re.Code != "text_too_long" {
			t.Helper()
			t.Fatalf("want text_too_long, got %v", err)
		}
		return re.Field
	}
	if f := field(a.AddUser(ctx, sys, app.User{Name: "ana", DisplayName: long, Role: "agent", Agent: "AG1"}, "a long password")); f != "display_name" {
		t.Errorf("user: %s", f)
	}
	if f := field(a.AddUser(ctx, sys, app.User{Name: strings.Repeat("a", 65), Role: "supervisor"}, "a long password")); f != "name" {
		t.Errorf("user: %s", f)
	}
	_, err := a.CreateToken(ctx, long, auth.Admin, "")
	if f := field(err); f != "name" {
		t.Errorf("token: %s", f)
	}
	if f := field(a.SaveCompany(ctx, sys, ledger.Company{Name: "T", Currency: "EUR", TimeZone: "Europe/Madrid", Language: "es",
		HowToPayEN: strings.Repeat("x", ledger.MaxLongLen+1)})); f != "how_to_pay_en" {
		t.Errorf("company: %s", f)
	}
	if err := a.AddUser(ctx, sys, app.User{Name: "sup", Role: "supervisor"}, "a long password"); err != nil {
		t.Fatal(err)
	}
	sess, err := a.SignIn(ctx, "sup", "a long password", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if f := field(a.SaveList(ctx, sess, long, app.DebtQuery{}, "")); f != "name" {
		t.Errorf("saved list: %s", f)
	}
	if f := field(a.SaveList(ctx, sess, "mine", app.DebtQuery{}, "q="+strings.Repeat("x", ledger.MaxLongLen))); f != "query" {
		t.Errorf("saved list query: %s", f)
	}
	rep, err := a.ImportCustomers(ctx, sys, strings.NewReader(`[{"customer_id":"C-1","name":"`+long+`","currency":"EUR"},
		{"customer_id":"C-2","name":"Dos","currency":"EUR","phone":"`+strings.Repeat("9", 65)+`"}]`), app.ImportOptions{File: "c", Format: "json"})
	if err != nil || rep.Rejected != 2 || rep.Errors[0].Code != "text_too_long" || rep.Errors[0].Column != "name" || rep.Errors[1].Column != "phone" {
		t.Fatalf("import: %v %+v", err, rep.Errors)
	}
	if msg := rep.Errors[0].Localized("es"); !strings.Contains(msg, "más largo") {
		t.Errorf("Spanish: %s", msg)
	}
}
