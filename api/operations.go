package api

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// registerOperations registers every operation. Each file registers the
// operations of one part of the vocabulary.
func (a *API) registerOperations() {
	a.registerAccounts()
	a.registerGroups()
	a.registerInvites()
	a.registerMembers()
	a.registerSignInLinks()
	a.registerMyData()
	a.registerErase()
	a.registerRounds()
	a.registerEvents()
	a.registerProposals()
	a.registerRatings()
	a.registerDecisions()
	a.registerReflections()
	a.registerConcerns()
	a.registerCheckIns()
	a.registerAudit()
	a.registerAnalysis()
	a.registerReports()
	a.registerImport()
	a.registerExport()
}

// Security requirements in the OpenAPI document: most operations need a
// bearer token or the session cookie; the entry points need nothing; join
// takes an optional credential (a signed-in account joins as itself).
var (
	signedIn = []map[string][]string{{schemeBearer: {}}, {schemeCookie: {}}}
	public   = []map[string][]string{{}}
	optional = []map[string][]string{{}, {schemeBearer: {}}, {schemeCookie: {}}}
)

// op describes an operation with the defaults every operation shares: it
// needs a credential, bodies are bounded, and the failures it documents.
func op(id, method, path, tag, summary string) huma.Operation {
	o := huma.Operation{
		OperationID:  id,
		Method:       method,
		Path:         path,
		Tags:         []string{tag},
		Summary:      summary,
		Security:     signedIn,
		MaxBodyBytes: maxBodyBytes,
		Errors:       []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}
	switch method {
	case http.MethodPost:
		o.DefaultStatus = http.StatusCreated
	case http.MethodDelete:
		o.DefaultStatus = http.StatusNoContent
	}
	return o
}

// with returns o changed by fn, for the few operations that differ.
func with(o huma.Operation, fn func(o *huma.Operation)) huma.Operation {
	fn(&o)
	return o
}

// status sets an operation's success status.
func status(code int) func(o *huma.Operation) {
	return func(o *huma.Operation) { o.DefaultStatus = code }
}
