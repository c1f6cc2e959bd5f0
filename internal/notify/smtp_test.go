package notify_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"cobro/internal/civil"
	"cobro/internal/money"
	"cobro/internal/notify"
)

// Inbox is an in-process SMTP server that keeps what it receives.
type Inbox struct {
	mu   sync.Mutex
	Msgs []Received
	Addr string
}

// Received is one message as the server got it.
type Received struct {
	From string
	To   []string
	Data []byte
}

type session struct {
	in  *Inbox
	cur Received
}

func (s *session) Reset()                                      { s.cur = Received{} }
func (s *session) Logout() error                               { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error { s.cur.From = from; return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.To = append(s.cur.To, to)
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Data = b
	s.in.mu.Lock()
	s.in.Msgs = append(s.in.Msgs, s.cur)
	s.in.mu.Unlock()
	return nil
}

func startInbox(t *testing.T) *Inbox {
	t.Helper()
	in := &Inbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{in: in}, nil }))
	srv.Domain = "localhost"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	in.Addr = l.Addr().String()
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return in
}

// parts reads a received message: its header, and its plain and HTML
// bodies.
func parts(t *testing.T, data []byte) (mail.Header, string, string) {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	var text, html string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p) // quoted-printable is decoded by NextPart
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
			html = string(b)
		} else {
			text = string(b)
		}
	}
	return m.Header, text, html
}

func TestMailerSendsAReminder(t *testing.T) {
	in := startInbox(t)
	m, err := notify.NewMailer(notify.SMTPConfig{Addr: in.Addr, From: "Cobros Levante <cobros@levante.example>"})
	if err != nil {
		t.Fatal(err)
	}
	r := notify.Reminder{SendID: "0192-abc", To: "compras@nunez.example", CustomerName: "Ferretería Núñez", Language: "es",
		Template: "reminder", Company: "Distribuciones Levante", HowToPay: "Transferencia a ES12 3456 7890 1234",
		Documents: []notify.ReminderDocument{
			{Number: "2026/0001", DueDate: civil.MustParse("2026-11-14"), DaysOverdue: 9, Open: money.New(123456, "EUR")},
			{Number: "2026/0002", DueDate: civil.MustParse("2026-11-15"), DaysOverdue: 8, Open: money.New(50000, "EUR")}},
		Totals: []money.Amount{money.New(173456, "EUR")}}
	ctx := context.Background()
	for range 2 { // a retry: the same message, the same Message-ID
		if err := m.Send(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if len(in.Msgs) != 2 {
		t.Fatalf("%d messages received", len(in.Msgs))
	}
	got := in.Msgs[0]
	if got.From != "cobros@levante.example" || len(got.To) != 1 || got.To[0] != "compras@nunez.example" {
		t.Fatalf("envelope %s → %v", got.From, got.To)
	}
	h, text, html := parts(t, got.Data)
	h2, _, _ := parts(t, in.Msgs[1].Data)
	if id := h.Get("Message-Id"); id != "<dunning-0192-abc@levante.example>" || h2.Get("Message-Id") != id {
		t.Fatalf("Message-ID %q then %q", id, h2.Get("Message-Id"))
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if !strings.Contains(subject, "1.734,56\u00a0€ vencido") {
		t.Errorf("subject %q", subject)
	}
	for _, want := range []string{"Estimado cliente Ferretería Núñez", "2026/0001", "1.234,56\u00a0€", "500,00\u00a0€",
		"9 días vencido", "Total: 1.734,56\u00a0€", "Cómo pagar", "ES12 3456 7890 1234"} {
		if !strings.Contains(text, want) {
			t.Errorf("plain text lacks %q:\n%s", want, text)
		}
	}
	for _, want := range []string{"<td>2026/0002</td>", "1.734,56\u00a0€", "Cómo pagar"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q:\n%s", want, html)
		}
	}
	// English.
	r.Language, r.SendID = "en", "0192-def"
	if err := m.Send(ctx, r); err != nil {
		t.Fatal(err)
	}
	_, text, _ = parts(t, in.Msgs[2].Data)
	for _, want := range []string{"Dear Ferretería Núñez", "€1,234.56", "9 days overdue", "Total: €1,734.56", "How to pay"} {
		if !strings.Contains(text, want) {
			t.Errorf("English text lacks %q:\n%s", want, text)
		}
	}
}

func TestSMTPConfigErrors(t *testing.T) {
	for _, c := range []struct {
		cfg   notify.SMTPConfig
		field string
	}{
		{notify.SMTPConfig{Addr: "mail.example", From: "a@b.example"}, "smtp-addr"},
		{notify.SMTPConfig{Addr: "mail.example:99999", From: "a@b.example"}, "smtp-addr"},
		{notify.SMTPConfig{Addr: "mail.example:25", From: "nobody"}, "smtp-from"},
		{notify.SMTPConfig{Addr: "mail.example:25", From: "a@b.example", TLS: "maybe"}, "smtp-tls"},
		{notify.SMTPConfig{Addr: "mail.example:25", From: "a@b.example", Username: "u"}, "smtp-user"},
	} {
		err := c.cfg.Validate()
		ce, ok := err.(*notify.ConfigError)
		if !ok || ce.Field != c.field {
			t.Errorf("%+v: %v, want an error on %s", c.cfg, err, c.field)
		}
	}
}
