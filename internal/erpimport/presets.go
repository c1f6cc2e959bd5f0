package erpimport

import (
	"bytes"
	"embed"
	"fmt"
	"path"
	"slices"
	"strings"
)

// The presets are mapping files for the exports of the accounting tools
// companies leave, shipped in the binary (presets/NAME.json). Each is
// tested on a file with the shape of that tool's export (presets_test.go).
//
//go:embed presets/*.json
var presetFiles embed.FS

// Preset is a mapping file shipped with cobro.
type Preset struct {
	Name  string // what --preset takes
	About string // the export it reads
}

// Presets lists the presets by name.
func Presets() []Preset {
	entries, _ := presetFiles.ReadDir("presets")
	var out []Preset
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".json")
		m, err := LoadPreset(name)
		if err != nil {
			continue // TestPresetsLoad keeps every preset loadable
		}
		out = append(out, Preset{Name: name, About: m.About})
	}
	slices.SortFunc(out, func(a, b Preset) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// LoadPreset is the preset called name, as LoadMapping reads it. An
// unknown name is a *FileError with code bad_mapping listing the
// presets.
func LoadPreset(name string) (*Mapping, error) {
	data, err := PresetFile(name)
	if err != nil {
		return nil, err
	}
	return LoadMapping(bytes.NewReader(data))
}

// PresetFile is the mapping file of the preset called name, to copy and
// change.
func PresetFile(name string) ([]byte, error) {
	data, err := presetFiles.ReadFile(path.Join("presets", path.Base(name)+".json"))
	if err != nil {
		var names []string
		entries, _ := presetFiles.ReadDir("presets")
		for _, e := range entries {
			names = append(names, strings.TrimSuffix(e.Name(), ".json"))
		}
		return nil, newFileError("preset", "bad_mapping", fmt.Sprintf("no preset %q (there are: %s)", name, strings.Join(names, ", ")), err)
	}
	return data, nil
}
