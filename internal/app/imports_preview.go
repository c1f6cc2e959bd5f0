package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"cobro/internal/auth"
	"cobro/internal/erpimport"
)

// MaxPreviewBytes bounds a file checked on the import page: the page
// reads it in the request and keeps nothing.
const MaxPreviewBytes = 16 << 20

// PreviewRequest is a file to check before importing it: what it holds
// (one of erpimport.Kinds), its name and bytes, and how to read it — a
// mapping file (JSON, as docs/import-format.md), else a preset by name,
// else "auto" to guess the preset from the headers, else none.
type PreviewRequest struct {
	Kind, File string
	Data       []byte
	Mapping    []byte
	Preset     string
	Sheet      string // XLSX
	// NewCustomers: a documents file's unknown customers would be created.
	NewCustomers bool
	// UploadID is a file kept by an earlier check, read when Data is
	// empty: the page checks it again with another mapping, and applies it.
	UploadID string
}

// SavedPrefix marks a saved mapping's name in PreviewRequest.Preset.
const SavedPrefix = "saved:"

// ImportPreview is what the import page shows: the columns detected with
// their values, the mapping they were read with, and the dry run's
// report (nil when the file cannot be read as mapped: see Problem).
type ImportPreview struct {
	erpimport.Inspection
	Preset  string // the preset used ("" none)
	Guessed bool   // Preset was guessed from the headers
	Mapping []byte // the mapping file used, indented ("{}" for none)
	Report  *ImportReport
	// UploadID is the file as kept, to check again or apply; File its name.
	UploadID, File string
}

// PreviewImport reads an uploaded file as an import would, without
// importing anything: the header and columns found (erpimport.Inspect)
// and, when the file can be read, a dry run of the import. A new file is
// kept (UploadID, for UploadRetention), to check again and to apply
// (ApplyImport). A mapping that is not valid is bad_mapping, the file is
// too_large past MaxPreviewBytes; Preset "saved:NAME" reads with a saved
// mapping.
func (a *App) PreviewImport(ctx context.Context, actor auth.Actor, req PreviewRequest) (ImportPreview, error) {
	if err := actor.Check(auth.Import); err != nil {
		return ImportPreview{}, err
	}
	if !slices.Contains(erpimport.Kinds, req.Kind) {
		return ImportPreview{}, ruleInvalid("bad_kind", "kind", "unknown kind %q", req.Kind)
	}
	if len(req.Data) > MaxPreviewBytes {
		return ImportPreview{}, ruleInvalid("too_large", "file", "the file is over %d MiB", MaxPreviewBytes>>20)
	}
	if len(req.Data) == 0 && req.UploadID == "" {
		return ImportPreview{}, ruleInvalid("required", "file", "choose a file")
	}
	if name, ok := strings.CutPrefix(req.Preset, SavedPrefix); ok && len(bytes.TrimSpace(req.Mapping)) == 0 {
		saved, err := a.savedMapping(ctx, name)
		if err != nil {
			return ImportPreview{}, err
		}
		req.Mapping, req.Preset = saved.Mapping, ""
	}
	var uploadID string
	if len(req.Data) == 0 {
		u, err := a.upload(ctx, req.UploadID)
		if err != nil {
			return ImportPreview{}, err
		}
		req.Data, req.File, uploadID = u.Data, u.File, u.ID
	}
	opt := erpimport.Options{File: req.File, Sheet: req.Sheet}
	if c, err := a.Company(ctx); err == nil {
		opt.Language, opt.CompanyCurrency = c.Language, c.Currency
	}
	p := ImportPreview{Mapping: []byte("{}"), UploadID: uploadID, File: req.File}
	if uploadID == "" {
		var err error
		if p.UploadID, err = a.keepUpload(ctx, actor, req.Kind, req.File, req.Data); err != nil {
			return p, err
		}
	}
	var m *erpimport.Mapping
	var err error
	switch {
	case len(bytes.TrimSpace(req.Mapping)) > 0:
		if m, err = erpimport.LoadMapping(bytes.NewReader(req.Mapping)); err != nil {
			return p, mappingError(err)
		}
	case req.Preset == "auto":
		if p.Preset, err = erpimport.GuessPreset(bytes.NewReader(req.Data), opt, req.Kind); err != nil {
			return p, fileProblem(&p, err)
		}
		p.Guessed = p.Preset != ""
	case req.Preset != "":
		p.Preset = req.Preset
	}
	if p.Preset != "" {
		if m, err = erpimport.LoadPreset(p.Preset); err != nil {
			return p, mappingError(err)
		}
	}
	if m != nil {
		if p.Mapping, err = json.MarshalIndent(m, "", "  "); err != nil {
			return p, err
		}
	}
	opt.Mapping = m
	if p.Inspection, err = erpimport.Inspect(bytes.NewReader(req.Data), opt, req.Kind); err != nil {
		return p, fileProblem(&p, err)
	}
	if p.Problem != nil {
		return p, nil
	}
	io := ImportOptions{File: req.File, Mapping: m, Sheet: req.Sheet, DryRun: true, NewCustomers: req.NewCustomers && req.Kind == "documents"}
	src := bytes.NewReader(req.Data)
	var rep ImportReport
	switch req.Kind {
	case "customers":
		rep, err = a.ImportCustomers(ctx, actor, src, io)
	case "documents":
		rep, err = a.ImportDocuments(ctx, actor, src, io)
	case "payments":
		rep, err = a.ImportPayments(ctx, actor, src, io)
	case "receipts":
		rep, err = a.ImportReceipts(ctx, actor, src, io)
	}
	if err != nil {
		return p, fileProblem(&p, err)
	}
	p.Report = &rep
	return p, nil
}

// fileProblem turns a file the reader refused into the preview's Problem
// (the page shows it); any other error is returned.
func fileProblem(p *ImportPreview, err error) error {
	var fe *erpimport.FileError
	if errors.As(err, &fe) {
		p.Problem = fe
		return nil
	}
	return err
}

// mappingError is a mapping or preset that cannot be used: bad input,
// named as such.
func mappingError(err error) error {
	var fe *erpimport.FileError
	if errors.As(err, &fe) {
		return ruleInvalid("bad_mapping", "mapping", "%s", fe.Message)
	}
	return err
}
