package api

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"cobro/internal/app"
)

// TestOpenAPIMatchesRoutes keeps the served OpenAPI document and the URL
// table the same: every route is documented and every documented
// operation exists.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	var documented, served []string
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	for _, r := range routes {
		served = append(served, r.method+" "+r.path)
	}
	slices.Sort(documented)
	slices.Sort(served)
	for _, s := range served {
		if !slices.Contains(documented, s) {
			t.Errorf("route %s is not in openapi.json", s)
		}
	}
	for _, d := range documented {
		if !slices.Contains(served, d) {
			t.Errorf("openapi.json documents %s, which is not served", d)
		}
	}
}

// FuzzRequestBodies feeds arbitrary bytes to every JSON body the API
// decodes: never a panic, and whatever decodes re-encodes.
func FuzzRequestBodies(f *testing.F) {
	f.Add([]byte(`{"customer_id":"C-1","amount":{"amount":100,"currency":"EUR"},"instrument":{"kind":"cash"},"allocations":[]}`))
	f.Add([]byte(`{"allocations":[{"document_id":"F","amount":{"amount":1,"currency":"EUR"}}]}`))
	f.Add([]byte(`{"reason":"x"}`))
	f.Add([]byte(`{"name":"X","currency":"EUR","time_zone":"Europe/Madrid"}`))
	f.Add([]byte(`[[[[[[[[[[`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, v := range []any{&app.CollectionRequest{}, &allocateBody{}, &reasonBody{}, &companyBody{}} {
			if err := decodeJSON(b, v); err == nil {
				if _, err := json.Marshal(v); err != nil {
					t.Fatalf("decoded %T does not re-encode: %v", v, err)
				}
			}
		}
	})
}
