package api

import (
	"errors"
	"net/http"

	"cobro/internal/jsonin"
)

// maxSingleBody bounds the body of a route that takes one object (a
// collection, an action on one, the company profile); bulk routes keep
// Config.MaxBody.
const maxSingleBody = 64 << 10

// scanJSON refuses a body jsonin.Scan refuses, as the API answers it: a
// key given twice is a 400, an amount over the limit a 422 naming it.
func scanJSON(body []byte) error {
	err := jsonin.Scan(body)
	var je *jsonin.Error
	if !errors.As(err, &je) {
		return err
	}
	if je.Code == jsonin.CodeAmountTooLarge {
		return &apiError{status: http.StatusUnprocessableEntity, code: je.Code, field: je.Field, args: []any{"max", je.Max}}
	}
	return &apiError{status: http.StatusBadRequest, code: je.Code, field: je.Field, detail: je.Detail}
}
