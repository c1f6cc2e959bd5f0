// Package auth decides who may do what, and which customers an actor sees.
// Every use case asks it, so the rule lives in one place.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Role is what an actor is allowed to do.
type Role string

const (
	// Token roles.
	Admin       Role = "admin"       // everything
	Integration Role = "integration" // the ERP or sales app: import, read, record collections, acknowledge exports
	// User roles (the web app).
	Agent          Role = "agent"
	Supervisor     Role = "supervisor"
	Administration Role = "administration"
	Management     Role = "management"
)

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case Admin, Integration, Agent, Supervisor, Administration, Management:
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q (admin, integration, agent, supervisor, administration, management)", s)
}

// Action is something an actor asks to do.
type Action string

const (
	ReadLedger       Action = "read"              // customers, documents, collections (within scope)
	Import           Action = "import"            // customers and documents from the ERP
	RecordCollection Action = "collection.record" // and allocate an advance payment
	AckCollection    Action = "collection.ack"    // the ERP has it
	VoidCollection   Action = "collection.void"
	SettleInstrument Action = "collection.settle" // clear or return a cheque or promissory note
	ManageCompany    Action = "company.manage"
	ManageUsers      Action = "users.manage" // list, disable, enable, reset passwords, revoke user tokens
	ReadConflicts    Action = "conflicts.read"
	ReadJobs         Action = "jobs.read"  // the background jobs' page
	RetryJob         Action = "jobs.retry" // queue a dead job again
	ResolveAlert     Action = "alerts.resolve"
	ReadOutbox       Action = "outbox.read"      // the outbox page: events for the ERP, their delivery
	ResendOutbox     Action = "outbox.resend"    // send a delivered or dead event again
	ConfigureOutbox  Action = "outbox.configure" // where events go: the webhook and its secret, the CSV folder
	ReadDunning      Action = "dunning.read"     // the dunning page: what the next run sends, what was sent
	RunDunning       Action = "dunning.run"      // run the reminders now
	RecordPromise    Action = "promises.record"  // a customer's promise to pay (agents: their customers)
	OpenDispute      Action = "disputes.open"    // a dispute on a document (agents: their customers)
	ResolveDispute   Action = "disputes.resolve" // credit note expected, rejected, paid
)

var grants = map[Role][]Action{
	Admin:          {ReadLedger, Import, RecordCollection, AckCollection, VoidCollection, SettleInstrument, ManageCompany, ManageUsers, ReadConflicts, ReadJobs, RetryJob, ResolveAlert, ReadOutbox, ResendOutbox, ConfigureOutbox, ReadDunning, RunDunning, RecordPromise, OpenDispute, ResolveDispute},
	Integration:    {ReadLedger, Import, RecordCollection, AckCollection, ReadConflicts},
	Agent:          {ReadLedger, RecordCollection, RecordPromise, OpenDispute},
	Supervisor:     {ReadLedger, RecordCollection, ReadConflicts, ResolveAlert, RecordPromise, OpenDispute},
	Administration: {ReadLedger, Import, RecordCollection, AckCollection, VoidCollection, SettleInstrument, ManageUsers, ReadConflicts, ReadJobs, RetryJob, ResolveAlert, ReadOutbox, ResendOutbox, ConfigureOutbox, ReadDunning, RunDunning, RecordPromise, OpenDispute, ResolveDispute},
	Management:     {ReadLedger, ReadConflicts},
}

// ErrForbidden is returned when an actor may not do something or see a
// customer.
var ErrForbidden = errors.New("forbidden")

// Actor is who is asking: a token or a signed-in user.
type Actor struct {
	Name  string // user or token name, as written in the audit log
	Role  Role
	Agent string // for agents: their agent code; they see only its customers
	// Source is where the request came from (client address or "cli").
	Source string
}

// System is the actor of the command line and background work.
func System(name string) Actor { return Actor{Name: name, Role: Admin, Source: "cli"} }

// Can reports whether the actor may do action at all.
func (a Actor) Can(action Action) bool {
	for _, g := range grants[a.Role] {
		if g == action {
			return true
		}
	}
	return false
}

// Check returns ErrForbidden unless the actor may do action.
func (a Actor) Check(action Action) error {
	if !a.Can(action) {
		return fmt.Errorf("%w: %s may not %s", ErrForbidden, a.Role, action)
	}
	return nil
}

// AgentScope is the agent code whose customers alone the actor sees, or ""
// when the actor sees every customer.
func (a Actor) AgentScope() string {
	if a.Role == Agent {
		if a.Agent == "" {
			return "\x00no-agent" // an agent user with no code sees nothing
		}
		return a.Agent
	}
	return ""
}

// Sees reports whether the actor may see a customer of agent code agent.
func (a Actor) Sees(customerAgent string) bool {
	s := a.AgentScope()
	return s == "" || s == customerAgent
}

// NewToken returns a new API token secret and the hash that is stored.
// Tokens are 256 random bits, so a plain SHA-256 is the right hash: nothing
// to brute-force, and lookups stay a point read.
func NewToken() (secret, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	secret = "cobro_" + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashToken(secret), nil
}

// SharePrefix begins the path of a shared statement's link, whose next
// segment is the link's secret.
const SharePrefix = "/s/"

// LogPath is a request path as a log may hold it: a shared link's secret
// is replaced by "{token}", whatever follows it and whether or not the
// request matched a route (the API's secrets travel in a header, never in
// the path).
func LogPath(path string) string {
	if rest, ok := strings.CutPrefix(path, SharePrefix); ok && rest != "" {
		return SharePrefix + "{token}"
	}
	return path
}

// HashToken is the stored form of a token secret.
func HashToken(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}
