package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"cobro/internal/auth"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

// Receipt numbers and the devices that print them: see ledger/receipts.go.

// collectingAgent is the agent a collection is recorded for: an agent is
// always themselves; anyone else may name an agent (a paper receipt keyed
// in at the office) or none.
func (a *App) collectingAgent(ctx context.Context, actor auth.Actor, named string) (string, error) {
	named = strings.TrimSpace(named)
	if actor.Role == auth.Agent {
		if named != "" && named != actor.Agent {
			return "", fmt.Errorf("%w: an agent records collections as themselves, not as %q", auth.ErrForbidden, named)
		}
		return actor.Agent, nil
	}
	if named == "" {
		return "", nil
	}
	if err := ledger.CheckText("agent", named, ledger.MaxCodeLen); err != nil {
		return "", err
	}
	var ok bool
	err := a.db.Read(ctx, func(tx *store.Tx) (err error) { ok, err = tx.AgentExists(ctx, named); return err })
	if err != nil {
		return "", err
	}
	if !ok {
		return "", ruleInvalid("unknown_agent", "agent", "no agent %q", named).WithValue(named)
	}
	return named, nil
}

// receiptNumberFor gives collection c its receipt number in the change's
// transaction: the one its device printed (checked: in that device's
// blocks, not cancelled, not used), or the next of its agent's server
// series.
func (a *App) receiptNumberFor(ctx context.Context, tx *store.Tx, c ledger.Collection, printed string) (string, error) {
	if c.DeviceID == "" || printed == "" {
		n, err := tx.NextServerReceipt(ctx, ledger.ServerSeries(c.Agent), c.Agent)
		if err != nil {
			return "", err
		}
		return ledger.ReceiptNumber(ledger.ServerSeries(c.Agent), n), nil
	}
	printed = strings.TrimSpace(printed)
	series, n, err := ledger.ParseReceiptNumber(printed)
	if err != nil {
		return "", err
	}
	d, err := tx.Device(ctx, c.DeviceID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && d.Agent != c.Agent) {
		return "", ruleInvalid("unknown_device", "device_id", "no device %q of agent %s", c.DeviceID, c.Agent).WithValue(c.DeviceID)
	}
	if err != nil {
		return "", err
	}
	in, err := tx.InDeviceBlock(ctx, d.ID, series, n)
	if err != nil {
		return "", err
	}
	if series != d.Series || !in {
		return "", ruleInvalid("receipt_not_reserved", "receipt_number",
			"receipt %s is not in a block reserved for device %s (series %s)", printed, d.ID, d.Series).WithValue(printed)
	}
	if cancelled, err := tx.ReceiptCancelled(ctx, series, n); err != nil {
		return "", err
	} else if cancelled {
		return "", &ledger.RuleError{Err: ledger.ErrState, Code: "receipt_cancelled", Field: "receipt_number",
			Message: fmt.Sprintf("receipt %s was cancelled", printed), Value: printed}
	}
	if _, err := tx.CollectionIDByReceipt(ctx, ledger.ReceiptNumber(series, n)); err == nil {
		return "", &ledger.RuleError{Err: ledger.ErrState, Code: "receipt_used", Field: "receipt_number",
			Message: fmt.Sprintf("receipt %s is already another collection's", printed), Value: printed}
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	return ledger.ReceiptNumber(series, n), nil
}

// DeviceView is a device as the API shows it.
type DeviceView struct {
	ID        string `json:"id"`
	Agent     string `json:"agent"`
	Name      string `json:"name"`
	Series    string `json:"series"`
	CreatedAt string `json:"created_at"`
	Retired   bool   `json:"retired"`
	// Unused is how many reserved numbers the device has not used yet.
	Unused int `json:"unused"`
}

// ReceiptBlockView is a block of numbers reserved for a device.
type ReceiptBlockView struct {
	Series string `json:"series"`
	First  int64  `json:"first"`
	Last   int64  `json:"last"`
}

// DeviceRequest registers a device, by an agent for themselves or by the
// administration for an agent.
type DeviceRequest struct {
	Name  string `json:"name"`
	Agent string `json:"agent,omitempty"`
}

func deviceView(d store.Device, unused int) DeviceView {
	return DeviceView{ID: d.ID, Agent: d.Agent, Name: d.Name, Series: d.Series, CreatedAt: store.Stamp(d.CreatedAt),
		Retired: !d.RetiredAt.IsZero(), Unused: unused}
}

// RegisterDevice registers a device and opens its receipt series.
func (a *App) RegisterDevice(ctx context.Context, actor auth.Actor, req DeviceRequest) (DeviceView, error) {
	if err := actor.Check(auth.RecordCollection); err != nil {
		return DeviceView{}, err
	}
	agent, err := a.collectingAgent(ctx, actor, req.Agent)
	if err != nil {
		return DeviceView{}, err
	}
	if agent == "" {
		return DeviceView{}, ruleInvalid("required", "agent", "a device is an agent's: name the agent")
	}
	name := strings.TrimSpace(req.Name)
	if name == "" {
		return DeviceView{}, ruleInvalid("required", "name", "name the device (e.g. Ana's phone)")
	}
	if err := ledger.CheckText("name", name, ledger.MaxNameLen); err != nil {
		return DeviceView{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return DeviceView{}, err
	}
	d := store.Device{ID: id.String(), Agent: agent, Name: name, CreatedAt: a.now(), CreatedBy: actor.Name}
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		n, err := tx.CountDevices(ctx, agent)
		if err != nil {
			return err
		}
		d.Series = ledger.DeviceSeries(agent, n+1)
		if err := tx.InsertDevice(ctx, d); err != nil {
			return err
		}
		return a.apply(ctx, tx, origin{actor: actor.Name, source: actor.Source}, ledger.Effects{Audit: []ledger.Event{{
			Kind: "device.register", Entity: "device", EntityID: d.ID, Detail: map[string]any{"agent": agent, "name": name, "series": d.Series}}}})
	})
	return deviceView(d, 0), err
}

// device reads a device the actor may use: an agent only theirs.
func (a *App) device(ctx context.Context, tx *store.Tx, actor auth.Actor, id string) (store.Device, error) {
	d, err := tx.Device(ctx, id)
	if err != nil {
		return d, err
	}
	if actor.Role == auth.Agent && d.Agent != actor.Agent {
		return d, fmt.Errorf("device %q: %w", id, store.ErrNotFound)
	}
	return d, nil
}

// ReserveReceipts reserves the next size numbers of a device's series for
// it: numbers it prints offline are final.
func (a *App) ReserveReceipts(ctx context.Context, actor auth.Actor, deviceID string, size int64) (ReceiptBlockView, error) {
	if err := actor.Check(auth.RecordCollection); err != nil {
		return ReceiptBlockView{}, err
	}
	if size < 1 || size > ledger.MaxReceiptBlock {
		return ReceiptBlockView{}, ruleInvalid("bad_block_size", "size", "a block holds from 1 to %d numbers", ledger.MaxReceiptBlock)
	}
	var v ReceiptBlockView
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		d, err := a.device(ctx, tx, actor, deviceID)
		if err != nil {
			return err
		}
		if !d.RetiredAt.IsZero() {
			return &ledger.RuleError{Err: ledger.ErrState, Code: "device_retired", Field: "id", Message: "the device is retired"}
		}
		b, err := tx.ReserveReceiptBlock(ctx, d, size, actor.Name, a.now())
		if err != nil {
			return err
		}
		v = ReceiptBlockView{Series: d.Series, First: b.First, Last: b.Last}
		return a.apply(ctx, tx, origin{actor: actor.Name, source: actor.Source}, ledger.Effects{Audit: []ledger.Event{{
			Kind: "receipts.reserve", Entity: "device", EntityID: d.ID, Detail: map[string]any{"series": d.Series, "first": b.First, "last": b.Last}}}})
	})
	return v, err
}

// Devices lists the devices the actor may see (an agent's own).
func (a *App) Devices(ctx context.Context, actor auth.Actor) ([]DeviceView, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return nil, err
	}
	out := []DeviceView{}
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		scope := ""
		if actor.Role == auth.Agent {
			scope = actor.Agent
		}
		ds, err := tx.Devices(ctx, scope)
		if err != nil {
			return err
		}
		for _, d := range ds {
			unused, err := tx.UnusedOfDevice(ctx, d)
			if err != nil {
				return err
			}
			out = append(out, deviceView(d, len(unused)))
		}
		return nil
	})
	return out, err
}

// RetireDevice retires a device (lost, replaced): its unused numbers are
// recorded as cancelled, with who and why, and it gets no more.
func (a *App) RetireDevice(ctx context.Context, actor auth.Actor, id, reason string) (DeviceView, error) {
	if err := actor.Check(auth.RecordCollection); err != nil {
		return DeviceView{}, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return DeviceView{}, ruleInvalid("required", "reason", "say why the device is retired")
	}
	if err := ledger.CheckText("reason", reason, ledger.MaxNoteLen); err != nil {
		return DeviceView{}, err
	}
	var v DeviceView
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		d, err := a.device(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		unused, err := tx.UnusedOfDevice(ctx, d)
		if err != nil {
			return err
		}
		now := a.now()
		if err := tx.CancelReceipts(ctx, d.Series, unused, actor.Name, "device retired: "+reason, now); err != nil {
			return err
		}
		if err := tx.RetireDevice(ctx, d.ID, actor.Name, reason, now); err != nil {
			return err
		}
		d.RetiredAt = now
		v = deviceView(d, 0)
		return a.apply(ctx, tx, origin{actor: actor.Name, source: actor.Source}, ledger.Effects{Audit: []ledger.Event{{
			Kind: "device.retire", Entity: "device", EntityID: d.ID, Detail: map[string]any{"reason": reason, "cancelled": len(unused)}}}})
	})
	return v, err
}

// CancelReceiptNumber records an unused number of a device's blocks as
// cancelled (a spoiled paper receipt), with who and why.
func (a *App) CancelReceiptNumber(ctx context.Context, actor auth.Actor, deviceID, number, reason string) error {
	if err := actor.Check(auth.RecordCollection); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return ruleInvalid("required", "reason", "say why the number is cancelled")
	}
	if err := ledger.CheckText("reason", reason, ledger.MaxNoteLen); err != nil {
		return err
	}
	series, n, err := ledger.ParseReceiptNumber(strings.TrimSpace(number))
	if err != nil {
		return err
	}
	return a.db.Write(ctx, func(tx *store.Tx) error {
		d, err := a.device(ctx, tx, actor, deviceID)
		if err != nil {
			return err
		}
		in, err := tx.InDeviceBlock(ctx, d.ID, series, n)
		if err != nil {
			return err
		}
		if !in || series != d.Series {
			return ruleInvalid("receipt_not_reserved", "receipt_number", "receipt %s is not in a block of this device", number).WithValue(number)
		}
		if _, err := tx.CollectionIDByReceipt(ctx, ledger.ReceiptNumber(series, n)); err == nil {
			return &ledger.RuleError{Err: ledger.ErrState, Code: "receipt_used", Field: "receipt_number",
				Message: fmt.Sprintf("receipt %s is a collection's: void the collection instead", number), Value: number}
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := tx.CancelReceipts(ctx, series, []int64{n}, actor.Name, reason, a.now()); err != nil {
			return err
		}
		return a.apply(ctx, tx, origin{actor: actor.Name, source: actor.Source}, ledger.Effects{Audit: []ledger.Event{{
			Kind: "receipt.cancel", Entity: "device", EntityID: d.ID, Detail: map[string]any{"receipt_number": ledger.ReceiptNumber(series, n), "reason": reason}}}})
	})
}
