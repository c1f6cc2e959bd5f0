package web

import (
	"cobro/internal/app"
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"cobro/internal/civil"
	"cobro/internal/i18n"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/pdf"
)

// funcs are the template helpers: formatting goes through i18n, so money
// is never a float on a page either.
var funcs = template.FuncMap{
	"money": func(lang i18n.Lang, a money.Amount) string { return i18n.Money(lang, a) },
	"moneyp": func(lang i18n.Lang, a *money.Amount) string {
		if a == nil {
			return "—"
		}
		return i18n.Money(lang, *a)
	},
	"date": func(lang i18n.Lang, d civil.Date) string { return i18n.Date(lang, d) },
	// custodyQueue names the instruments page's queue of a custody.
	"custodyQueue": func(c ledger.Custody) string {
		if c == ledger.WithAgent {
			return "with_agent"
		}
		return string(c)
	},
	"t": func(lang i18n.Lang, key string, args ...any) string { return i18n.T(lang, key, args...) },
	// pct is how much of limit risk uses, in steps of 5 from 0 to 100, for
	// the credit bar (a class, w-NN: the pages allow no inline styles).
	"pct": func(risk money.Amount, limit *money.Amount) int {
		if limit == nil || limit.Minor <= 0 {
			return 0
		}
		return step5(risk.Minor, limit.Minor)
	},
	"share": func(part, total money.Amount) int { return step5(part.Minor, total.Minor) },
	"neg":   func(a money.Amount) bool { return a.Minor < 0 },
	// query returns the current query with keys set (an empty value
	// removes the key), for links that keep the filters.
	"query": func(q url.Values, kv ...string) template.URL {
		out := url.Values{}
		for k, v := range q {
			out[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				out.Del(kv[i])
			} else {
				out.Set(kv[i], kv[i+1])
			}
		}
		return template.URL("?" + out.Encode())
	},
	"itoa": strconv.Itoa,
	// actor is an audit log's actor as a person reads it.
	"actor": actorName,
	// link joins a path and a query string of our own making (re-encoded,
	// so nothing but a query can come out of it).
	"link": func(path, query string) template.URL {
		v, err := url.ParseQuery(query)
		if err != nil || len(v) == 0 {
			return template.URL(path)
		}
		return template.URL(path + "?" + v.Encode())
	},
	// days shows a number of days with one decimal in the page's language.
	"days": func(lang i18n.Lang, d fmt.Stringer) string {
		if lang == i18n.Spanish {
			return strings.Replace(d.String(), ".", ",", 1)
		}
		return d.String()
	},
	"list4": func(a, b, c, d string) []string { return []string{a, b, c, d} },
	"list7": func(a, b, c, d, e, f, g string) []string { return []string{a, b, c, d, e, f, g} },
	"list8": func(a, b, c, d, e, f, g, h string) []string { return []string{a, b, c, d, e, f, g, h} },
	"when":  func(lang i18n.Lang, loc *time.Location, t time.Time) string { return i18n.DateTime(lang, t, loc) },
	"topic": topicLabel,
	// list is its arguments, for a template's fixed choices.
	"list": func(xs ...string) []string { return xs },
	// instrumentText is an instrument with its details, as a receipt writes it.
	"instrumentText": func(lang i18n.Lang, in ledger.InstrumentDetail) string { return pdf.ReceiptInstrument(lang, in) },
	// rows passes a page's language and zone with a list to a shared table.
	// Customer rows come rendered (see customerRowsHTML).
	"rows": func(p page, rows any) map[string]any {
		if cs, ok := rows.([]app.CustomerView); ok {
			rows = customerRowsHTML(p.Lang, cs, nil)
		}
		return map[string]any{"Lang": p.Lang, "Loc": p.Loc, "Rows": rows}
	},
	// debtRows renders the debt list's rows (see debtRowsHTML).
	"debtRows": debtRowsHTML,
	// lateRows is rows of customers with how many days each is late.
	"lateRows": func(p page, cs []app.CustomerView, late map[string]int) map[string]any {
		return map[string]any{"Lang": p.Lang, "Loc": p.Loc, "Rows": customerRowsHTML(p.Lang, cs, late)}
	},
}

// step5 is part/total as a percentage rounded to a multiple of 5, within 0..100.
func step5(part, total int64) int {
	if total <= 0 || part <= 0 {
		return 0
	}
	p := (part*20 + total/2) / total * 5
	return int(min(100, p))
}

// customerRowsHTML renders the rows of a customer table. It is the one
// place where cobro writes HTML outside a template: the customer list's 50
// rows cost ~0.7 ms of CPU a page through html/template (each value goes
// through its escapers by reflection), most of what the page cost. Every
// value is escaped here: text and attributes with HTMLEscapeString, the
// id in the link with PathEscape first.
// With late, a customer's days late (its oldest overdue document) follow
// its id.
func customerRowsHTML(lang i18n.Lang, cs []app.CustomerView, late map[string]int) template.HTML {
	if len(cs) == 0 {
		return template.HTML(`<tr><td colspan="6" class="empty">` + template.HTMLEscapeString(i18n.T(lang, "web.none")) + `</td></tr>`)
	}
	esc := template.HTMLEscapeString
	over := esc(i18n.T(lang, "web.over_limit"))
	var b strings.Builder
	b.Grow(len(cs) * 420)
	for _, c := range cs {
		limit := "—"
		if c.CreditLimit != nil {
			limit = i18n.Money(lang, *c.CreditLimit)
		}
		b.WriteString("<tr")
		if c.OverLimit {
			b.WriteString(` class="over"`)
		}
		b.WriteString(`><td><a href="/customers/`)
		b.WriteString(esc(url.PathEscape(c.ID)))
		b.WriteString(`">`)
		b.WriteString(esc(c.Name))
		b.WriteString(`</a><div class="sub">`)
		b.WriteString(esc(c.ID))
		if c.Zone != "" {
			b.WriteString(" · ")
			b.WriteString(esc(c.Zone))
		}
		if n := late[c.ID]; n > 0 {
			msg := i18n.T(lang, "web.days_late", "days", n)
			b.WriteString(` · <span class="tag st-overdue">`)
			b.WriteString(esc(msg))
			b.WriteString("</span>")
		}
		if c.OverLimit {
			b.WriteString(` · <span class="tag over">`)
			b.WriteString(over)
			b.WriteString("</span>")
		}
		b.WriteString(`</div></td><td class="hide-s">`)
		b.WriteString(esc(c.Agent))
		b.WriteString(`</td><td class="num">`)
		b.WriteString(esc(i18n.Money(lang, c.Balance)))
		b.WriteString(`</td><td class="num`)
		if c.Overdue.Minor != 0 {
			b.WriteString(" bad")
		}
		b.WriteString(`">`)
		b.WriteString(esc(i18n.Money(lang, c.Overdue)))
		b.WriteString(`</td><td class="num hide-s">`)
		b.WriteString(esc(i18n.Money(lang, c.Risk)))
		b.WriteString(`</td><td class="num hide-s">`)
		b.WriteString(esc(limit))
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every value above is escaped
}
