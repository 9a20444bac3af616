package serve

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Error codes of the API's JSON errors: {"error": {"code": ..., "message": ...}}.
const (
	CodeBadRequest   = "bad_request"    // a malformed parameter or body
	CodeBadTrace     = "bad_trace"      // the recording cannot be read or prepared (units, columns, samples)
	CodeTooManyDraws = "too_many_draws" // draws above Config.MaxDraws
	CodeTooLarge     = "body_too_large" // body above Config.MaxBodyBytes
	CodeContentType  = "unsupported_media_type"
	CodeUnknownModel = "unknown_model"
	CodeNotFound     = "not_found"
	CodeMethod       = "method_not_allowed"
	CodeBusy         = "busy"      // no model replica came free in time
	CodeTimeout      = "timeout"   // the request ran past Config.Timeout
	CodeNotReady     = "not_ready" // shutting down
	CodeInternal     = "internal"
	CodeNotSupported = "not_supported" // the model cannot do what was asked
)

// apiError is an error answered as JSON with an HTTP status.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *apiError) Error() string { return e.Message }

// fail returns an apiError with a formatted message.
func fail(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// asAPIError turns any error into an apiError: an internal error unless it
// is one already.
func asAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return fail(http.StatusRequestEntityTooLarge, CodeTooLarge, "the request body is larger than the server's limit of %d bytes (laa serve --max-body)", tooLarge.Limit)
	}
	return fail(http.StatusInternalServerError, CodeInternal, "%v", err)
}

// writeJSON answers v as JSON with the status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = json.Marshal(map[string]any{"error": apiError{Code: CodeInternal, Message: "encoding the answer: " + err.Error()}})
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// writeError answers err as a JSON error.
func writeError(w http.ResponseWriter, err error) {
	ae := asAPIError(err)
	writeJSON(w, ae.Status, map[string]any{"error": ae})
}
