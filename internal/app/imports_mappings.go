package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"cobro/internal/auth"
	"cobro/internal/erpimport"
	"cobro/internal/store"
)

// SavedMapping is a mapping file saved under a name on the import page,
// for the files of one kind.
type SavedMapping struct {
	Name, Kind string
	Mapping    []byte // indented JSON, as docs/import-format.md
}

// maxMappingName bounds a saved mapping's name.
const maxMappingName = 100

// SaveMapping saves a mapping file under name (replacing one of the same
// name): checked as a mapping file is (bad_mapping), the name 1 to 100
// characters of text (bad_name).
func (a *App) SaveMapping(ctx context.Context, actor auth.Actor, name, kind string, mapping []byte) error {
	if err := actor.Check(auth.Import); err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > maxMappingName || !utf8.ValidString(name) ||
		strings.ContainsFunc(name, unicode.IsControl) {
		return ruleInvalid("bad_name", "name", "a mapping's name is 1 to %d characters of text", maxMappingName)
	}
	if !slices.Contains(erpimport.Kinds, kind) {
		return ruleInvalid("bad_kind", "kind", "unknown kind %q", kind)
	}
	m, err := erpimport.LoadMapping(bytes.NewReader(mapping))
	if err != nil {
		return mappingError(err)
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	now := a.now()
	return a.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SaveMapping(ctx, store.SavedMapping{Name: name, Kind: kind, Mapping: data, UpdatedBy: actor.Name, UpdatedAt: now}); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{At: now, Actor: actor.Name, Source: actor.Source, Action: "import.mapping.save",
			Entity: "import_mapping", EntityID: name, Detail: map[string]any{"kind": kind}})
	})
}

// SavedMappings lists the saved mappings by name.
func (a *App) SavedMappings(ctx context.Context, actor auth.Actor) ([]SavedMapping, error) {
	if err := actor.Check(auth.Import); err != nil {
		return nil, err
	}
	var out []SavedMapping
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		list, err := tx.SavedMappings(ctx)
		for _, m := range list {
			out = append(out, SavedMapping{Name: m.Name, Kind: m.Kind, Mapping: m.Mapping})
		}
		return err
	})
	return out, err
}

// savedMapping is one saved mapping; unknown_mapping when there is none.
func (a *App) savedMapping(ctx context.Context, name string) (SavedMapping, error) {
	var out SavedMapping
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		list, err := tx.SavedMappings(ctx)
		for _, m := range list {
			if m.Name == name {
				out = SavedMapping{Name: m.Name, Kind: m.Kind, Mapping: m.Mapping}
			}
		}
		return err
	})
	if err == nil && out.Name == "" {
		err = ruleInvalid("unknown_mapping", "preset", "no mapping is saved as %q", name)
	}
	if errors.Is(err, store.ErrNotFound) {
		err = ruleInvalid("unknown_mapping", "preset", "no mapping is saved as %q", name)
	}
	return out, err
}
