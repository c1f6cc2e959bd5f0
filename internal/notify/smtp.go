package notify

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLS modes of the SMTP connection.
const (
	TLSOpportunistic = "starttls"          // STARTTLS when the server offers it, plain otherwise (the default)
	TLSRequired      = "starttls-required" // STARTTLS or no send
	TLSImplicit      = "tls"               // TLS from the first byte (port 465 usually)
)

// SMTPConfig is where and how reminders are sent.
type SMTPConfig struct {
	Addr     string // host:port
	From     string // "Name <addr>" or addr
	TLS      string // TLSOpportunistic (""), TLSRequired or TLSImplicit
	Username string // with Password: SMTP AUTH PLAIN (over TLS, or a loopback server)
	Password string
	Timeout  time.Duration // per message; 0: 30 s
	// TLSConfig, when set, replaces the default (tests: a self-signed server).
	TLSConfig *tls.Config
}

// ConfigError is a configuration that cannot work: the setting and why.
type ConfigError struct{ Field, Value, Reason string }

func (e *ConfigError) Error() string {
	return fmt.Sprintf("smtp: %s %q: %s", e.Field, e.Value, e.Reason)
}

// Validate checks the configuration, naming the setting that is wrong.
func (c SMTPConfig) Validate() error {
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil || host == "" {
		return &ConfigError{Field: "smtp-addr", Value: c.Addr, Reason: "must be host:port"}
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return &ConfigError{Field: "smtp-addr", Value: c.Addr, Reason: "the port must be a number from 1 to 65535"}
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return &ConfigError{Field: "smtp-from", Value: c.From, Reason: "must be an email address"}
	}
	switch c.TLS {
	case "", TLSOpportunistic, TLSRequired, TLSImplicit:
	default:
		return &ConfigError{Field: "smtp-tls", Value: c.TLS, Reason: "must be starttls, starttls-required or tls"}
	}
	if (c.Username == "") != (c.Password == "") {
		return &ConfigError{Field: "smtp-user", Value: c.Username, Reason: "a user and a password go together"}
	}
	return nil
}

// Domain is the domain of the From address: the Message-IDs' right side.
func (c SMTPConfig) Domain() string {
	a, err := mail.ParseAddress(c.From)
	if err != nil {
		return ""
	}
	_, d, _ := strings.Cut(a.Address, "@")
	return d
}

// Mailer sends reminders through one SMTP server.
type Mailer struct{ cfg SMTPConfig }

// NewMailer returns a mailer for a valid configuration.
func NewMailer(cfg SMTPConfig) (*Mailer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &Mailer{cfg: cfg}, nil
}

// Domain is the domain of the sender (see SMTPConfig.Domain).
func (m *Mailer) Domain() string { return m.cfg.Domain() }

// Send renders r and sends it, with its stable Message-ID.
func (m *Mailer) Send(ctx context.Context, r Reminder) error {
	msg, err := Render(r)
	if err != nil {
		return err
	}
	g := gomail.NewMsg()
	if err := g.From(m.cfg.From); err != nil {
		return fmt.Errorf("smtp: from: %w", err)
	}
	if err := g.To(r.To); err != nil {
		return fmt.Errorf("smtp: to %q: %w", r.To, err)
	}
	g.Subject(msg.Subject)
	g.SetMessageIDWithValue(r.MessageID(m.Domain()))
	g.SetDate()
	g.SetGenHeader("Content-Language", string(r.Lang()))
	g.SetGenHeader("Auto-Submitted", "auto-generated")
	g.SetBodyString(gomail.TypeTextPlain, msg.Text)
	g.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)

	host, port, _ := net.SplitHostPort(m.cfg.Addr)
	n, _ := strconv.Atoi(port)
	opts := []gomail.Option{gomail.WithPort(n), gomail.WithTimeout(m.cfg.Timeout)}
	switch m.cfg.TLS {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSRequired:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if m.cfg.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(m.cfg.TLSConfig))
	}
	if m.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(m.cfg.Username), gomail.WithPassword(m.cfg.Password))
	}
	c, err := gomail.NewClient(host, opts...)
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, g); err != nil {
		return fmt.Errorf("smtp %s: %w", m.cfg.Addr, err)
	}
	return nil
}
