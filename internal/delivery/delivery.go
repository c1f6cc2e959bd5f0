// Package delivery takes outbox events out of cobro: a JSON webhook signed
// with HMAC-SHA256 (the scheme of docs/webhooks.md: a timestamp and a
// signature of "timestamp.body" in one header, as Stripe does) and a CSV
// file dropped atomically in a folder. It sends and writes; which events,
// when, and what became of them is the outbox worker's (internal/jobs).
// Standard library only.
package delivery

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Event is an outbox event as it leaves cobro. ID is stable across
// retries and resends: receivers deduplicate on it (delivery is
// at-least-once).
type Event struct {
	ID          string
	Topic       string
	AggregateID string
	CustomerID  string
	CreatedAt   time.Time
	Payload     json.RawMessage
}

// The headers of a webhook request.
const (
	HeaderID        = "Cobro-Event-Id"
	HeaderTopic     = "Cobro-Topic"
	HeaderTimestamp = "Cobro-Timestamp" // unix seconds, the t= of the signature
	HeaderSignature = "Cobro-Signature" // t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>
)

// Timeout bounds one webhook request, answer included.
const Timeout = 10 * time.Second

// body is the JSON a webhook posts.
type body struct {
	ID          string          `json:"id"`
	Topic       string          `json:"topic"`
	AggregateID string          `json:"aggregate_id"`
	CustomerID  string          `json:"customer_id,omitempty"`
	CreatedAt   string          `json:"created_at"`
	Data        json.RawMessage `json:"data"`
}

// Body is the JSON document posted for e.
func Body(e Event) ([]byte, error) {
	data := e.Payload
	if len(data) == 0 {
		data = json.RawMessage("null")
	}
	return json.Marshal(body{ID: e.ID, Topic: e.Topic, AggregateID: e.AggregateID, CustomerID: e.CustomerID,
		CreatedAt: e.CreatedAt.UTC().Format(time.RFC3339Nano), Data: data})
}

// Sign is the Cobro-Signature header of body sent at unix second ts.
func Sign(secret string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	t := strconv.FormatInt(ts, 10)
	m.Write([]byte(t))
	m.Write([]byte("."))
	m.Write(body)
	return "t=" + t + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// CheckURL checks a webhook address: http or https, with a host, and no
// credentials in it (the secret signs; it is not sent).
func CheckURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("not a URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return errors.New("the address must start with https:// (or http://)")
	}
	if u.Host == "" {
		return errors.New("the address has no host")
	}
	if u.User != nil {
		return errors.New("the address must not carry a user or password")
	}
	return nil
}

// Target is the address as attempts record and pages show it: scheme,
// host and path, without the query (which may carry a token).
func Target(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
}

// Webhook posts events to a receiver.
type Webhook struct {
	URL    string
	Secret string
	Client *http.Client // nil: a client with Timeout
}

// Result is what one webhook request came to.
type Result struct {
	Status   int    // the answer's HTTP status; 0 when there was none
	Err      string // empty when delivered (2xx); else why, without the secret
	Duration time.Duration
}

// OK reports a delivered event.
func (r Result) OK() bool { return r.Err == "" }

var defaultClient = &http.Client{Timeout: Timeout}

// Send posts e, signed at now. Only a 2xx answer delivers it; a redirect
// is not followed (the receiver's address is set, not discovered).
func (w Webhook) Send(ctx context.Context, e Event, now time.Time) Result {
	start := time.Now()
	res := w.send(ctx, e, now)
	res.Duration = time.Since(start)
	return res
}

func (w Webhook) send(ctx context.Context, e Event, now time.Time) Result {
	b, err := Body(e)
	if err != nil {
		return Result{Err: "cannot encode the event: " + err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(b))
	if err != nil {
		return Result{Err: "bad address: " + err.Error()}
	}
	ts := now.Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "cobro-webhook/1")
	req.Header.Set(HeaderID, e.ID)
	req.Header.Set(HeaderTopic, e.Topic)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(w.Secret, ts, b))
	c := w.Client
	if c == nil {
		c = defaultClient
	}
	nc := *c
	nc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := nc.Do(req)
	if err != nil {
		return Result{Err: scrub(err.Error(), w.Secret)}
	}
	defer resp.Body.Close()
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // reuse the connection
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return Result{Status: resp.StatusCode}
	}
	msg := resp.Status
	if ex := short(string(excerpt), 200); ex != "" {
		msg += ": " + ex
	}
	return Result{Status: resp.StatusCode, Err: scrub(msg, w.Secret)}
}

// short keeps the first n characters of s on one line, printable.
func short(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		if !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "…"
	}
	return s
}

// scrub removes the secret from a message, should a receiver echo it.
func scrub(msg, secret string) string {
	if secret == "" {
		return msg
	}
	return strings.ReplaceAll(msg, secret, "[secret]")
}
