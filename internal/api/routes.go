package api

import "net/http"

// route is one line of the URL table. The OpenAPI document is tested
// against this table, so the two cannot drift apart.
type route struct {
	method, path string
	public       bool // served without a token
	handler      func(*Server, http.ResponseWriter, *http.Request)
}

// routes is the whole API.
var routes = []route{
	{"GET", "/api/v1/openapi.json", true, (*Server).openAPI},
	{"GET", "/api/v1/company", false, (*Server).companyGet},
	{"PUT", "/api/v1/company", false, (*Server).companyPut},
	{"GET", "/api/v1/customers", false, (*Server).customersList},
	{"POST", "/api/v1/customers/bulk", false, (*Server).customersBulk},
	{"GET", "/api/v1/customers/{id}", false, (*Server).customerGet},
	{"GET", "/api/v1/customers/{id}/documents", false, (*Server).customerDocuments},
	{"GET", "/api/v1/customers/{id}/promises", false, (*Server).promisesList},
	{"POST", "/api/v1/customers/{id}/promises", false, (*Server).promiseCreate},
	{"GET", "/api/v1/customers/{id}/disputes", false, (*Server).disputesList},
	{"POST", "/api/v1/customers/{id}/disputes", false, (*Server).disputeCreate},
	{"POST", "/api/v1/disputes/{id}/resolve", false, (*Server).disputeResolve},
	{"GET", "/api/v1/customers/{id}/rating", false, (*Server).customerRating},
	{"POST", "/api/v1/documents/bulk", false, (*Server).documentsBulk},
	{"GET", "/api/v1/collections", false, (*Server).collectionsList},
	{"POST", "/api/v1/collections", false, (*Server).collectionCreate},
	{"GET", "/api/v1/collections/{id}", false, (*Server).collectionGet},
	{"POST", "/api/v1/collections/{id}/allocations", false, (*Server).collectionAllocate},
	{"POST", "/api/v1/collections/{id}/void", false, (*Server).collectionVoid},
	{"POST", "/api/v1/collections/{id}/clear", false, (*Server).collectionClear},
	{"POST", "/api/v1/collections/{id}/return", false, (*Server).collectionReturn},
	{"POST", "/api/v1/collections/{id}/hand-in", false, (*Server).collectionHandIn},
	{"POST", "/api/v1/collections/{id}/deposit", false, (*Server).collectionDeposit},
	{"POST", "/api/v1/collections/{id}/ack", false, (*Server).collectionAck},
	{"GET", "/api/v1/conflicts", false, (*Server).conflictsList},
	{"GET", "/api/v1/reports/summary", false, (*Server).reportSummary},
	{"GET", "/api/v1/alerts", false, (*Server).alertsList},
	{"POST", "/api/v1/alerts/{id}/resolve", false, (*Server).alertResolve},
}

// Register adds the API's routes to mux.
func (s *Server) Register(mux *http.ServeMux) {
	for _, rt := range routes {
		h := http.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { rt.handler(s, w, r) }))
		if !rt.public {
			h = s.authenticate(h)
		}
		mux.Handle(rt.method+" "+rt.path, h)
	}
	// Anything else under /api/ is a JSON 404, not the web app's page.
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, &apiError{status: http.StatusNotFound, code: "not_found", detail: r.URL.Path})
	})
}
