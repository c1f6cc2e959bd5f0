// Package notify words and sends what goes to customers: reminder emails
// rendered from their facts in the customer's language (HTML and plain
// text), sent through SMTP.
package notify

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"cobro/internal/civil"
	"cobro/internal/i18n"
	"cobro/internal/money"
)

// Reminder is what a reminder says, fixed when the run decides it (the
// outbox event's payload): rendering it again on a retry gives the same
// message.
type Reminder struct {
	SendID       string             `json:"send_id"`
	CustomerID   string             `json:"customer_id"`
	CustomerName string             `json:"customer_name"`
	To           string             `json:"to"`
	Language     string             `json:"language"` // "en" or "es"
	Scenario     string             `json:"scenario"`
	Step         string             `json:"step"`
	Template     string             `json:"template"` // courtesy, reminder, firm, final, call
	AsOf         civil.Date         `json:"as_of"`
	Company      string             `json:"company"`
	HowToPay     string             `json:"how_to_pay"`
	Documents    []ReminderDocument `json:"documents"`
	Totals       []money.Amount     `json:"totals"` // per currency
}

// ReminderDocument is a document a reminder names.
type ReminderDocument struct {
	Number      string       `json:"number"`
	DueDate     civil.Date   `json:"due_date"`
	DaysOverdue int          `json:"days_overdue"` // negative: days until due
	Open        money.Amount `json:"open"`
}

// MessageID is the reminder's Message-ID (without angle brackets): the
// same for every attempt at the same send, so a receiver sees a repeat as
// one message.
func (r Reminder) MessageID(domain string) string {
	if domain == "" {
		domain = "cobro.invalid"
	}
	return "dunning-" + r.SendID + "@" + domain
}

// Message is a rendered email.
type Message struct {
	Subject, Text, HTML string
}

//go:embed templates
var templates embed.FS

var (
	textTmpl = texttemplate.Must(texttemplate.ParseFS(templates, "templates/reminder.txt"))
	htmlTmpl = htmltemplate.Must(htmltemplate.ParseFS(templates, "templates/reminder.html"))
)

type docLine struct {
	Number, Due, Open, Late string
}

type view struct {
	Greeting, Intro, Closing, HowToPayTitle, HowToPay, Company string
	NumberH, DueH, OpenH, LateH, TotalH                        string
	Documents                                                  []docLine
	Totals                                                     []string
}

// Lang is the reminder's language (English when it is not one we write).
func (r Reminder) Lang() i18n.Lang {
	if l, ok := i18n.Parse(r.Language); ok {
		return l
	}
	return i18n.English
}

// Render words a reminder in its language: subject, plain text, HTML.
func Render(r Reminder) (Message, error) {
	l := r.Lang()
	tk := "dunning." + r.Template
	if !i18n.Has(l, tk+".subject") {
		return Message{}, fmt.Errorf("notify: no template %q", r.Template)
	}
	v := view{
		Greeting:      i18n.T(l, "dunning.mail.greeting", "name", r.CustomerName),
		Intro:         i18n.T(l, tk+".intro", "n", len(r.Documents), "company", r.Company),
		Closing:       i18n.T(l, tk+".closing", "company", r.Company),
		HowToPayTitle: i18n.T(l, "dunning.mail.how_to_pay"),
		HowToPay:      strings.TrimSpace(r.HowToPay),
		Company:       r.Company,
		NumberH:       i18n.T(l, "dunning.mail.number"),
		DueH:          i18n.T(l, "dunning.mail.due"),
		OpenH:         i18n.T(l, "dunning.mail.open"),
		LateH:         i18n.T(l, "dunning.mail.late"),
		TotalH:        i18n.T(l, "dunning.mail.total"),
	}
	for _, d := range r.Documents {
		late := i18n.T(l, "dunning.mail.days_late", "days", d.DaysOverdue)
		if d.DaysOverdue < 0 {
			late = i18n.T(l, "dunning.mail.days_left", "days", -d.DaysOverdue)
		} else if d.DaysOverdue == 0 {
			late = i18n.T(l, "dunning.mail.due_today")
		}
		v.Documents = append(v.Documents, docLine{Number: d.Number, Due: i18n.Date(l, d.DueDate), Open: i18n.Money(l, d.Open), Late: late})
	}
	var totals []string
	for _, t := range r.Totals {
		totals = append(totals, i18n.Money(l, t))
	}
	v.Totals = totals
	var text, html bytes.Buffer
	if err := textTmpl.Execute(&text, v); err != nil {
		return Message{}, fmt.Errorf("notify: text: %w", err)
	}
	if err := htmlTmpl.Execute(&html, v); err != nil {
		return Message{}, fmt.Errorf("notify: html: %w", err)
	}
	subject := i18n.T(l, tk+".subject", "company", r.Company, "total", strings.Join(totals, " + "), "n", len(r.Documents))
	return Message{Subject: subject, Text: text.String(), HTML: html.String()}, nil
}
