package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"cobro/internal/app"
	"cobro/internal/erpimport"
)

// loadMapping reads --map FILE or --preset NAME (one or the other; nil
// when neither is given).
func loadMapping(path, preset string) (*erpimport.Mapping, error) {
	switch {
	case path != "" && preset != "":
		return nil, errors.New("--map and --preset: give one or the other (cobro import presets NAME prints a preset, to copy and change)")
	case preset != "":
		return erpimport.LoadPreset(preset)
	case path == "":
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := erpimport.LoadMapping(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// printPresets is `cobro import presets`: each preset and the export it
// reads; with a name, that preset's mapping file, to copy and change.
func printPresets(e *env, name []string) error {
	if len(name) == 1 {
		data, err := erpimport.PresetFile(name[0])
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(data)
		return err
	}
	for _, p := range erpimport.Presets() {
		fmt.Fprintf(e.stdout, "%-30s %s\n", p.Name, p.About)
	}
	fmt.Fprintln(e.stdout, "\nUse: cobro import documents FILE --preset NAME; cobro import presets NAME prints its mapping file.")
	return nil
}

// printNewCustomers lists the customers --new-customers created (or, in
// a dry run, would create).
func printNewCustomers(e *env, r app.ImportReport) {
	if len(r.NewCustomers) == 0 {
		return
	}
	shown := r.NewCustomers
	if len(shown) > 20 {
		shown = shown[:20]
	}
	more := ""
	if n := len(r.NewCustomers) - len(shown); n > 0 {
		more = fmt.Sprintf(" and %d more", n)
	}
	fmt.Fprintf(e.stdout, "new customers (%d): %s%s\n", len(r.NewCustomers), strings.Join(shown, ", "), more)
}
