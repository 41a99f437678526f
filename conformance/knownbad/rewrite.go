package knownbad

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/idmefcheck/idmefcheck/conformance/managerlab"
)

// storing is the handler of a fake manager that acknowledges every POST and keeps what
// store makes of the body (an exact-bytes observation line, as the reference manager
// writes), or answers refuse when store returns it non-zero: a manager whose one fault is
// what store does to an alert on its way to the database.
func storing(store func(l *managerlab.Lab, body []byte) (kept []byte, refuse int)) func(l *managerlab.Lab) http.Handler {
	return func(l *managerlab.Lab) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost {
				w.Header().Set("Allow", http.MethodPost)
				w.WriteHeader(http.StatusMethodNotAllowed)
				return
			}
			body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
			if err != nil {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			kept, refuse := store(l, body)
			if refuse != 0 {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(refuse)
				_, _ = w.Write([]byte(`{"error":"refused by the known-bad manager","reason":"invalid"}` + "\n"))
				return
			}
			if err := l.Record(r, kept); err != nil {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		})
	}
}

// keptAs is a store function that keeps the bytes f makes of the body.
func keptAs(f func(body []byte) []byte) func(*managerlab.Lab, []byte) ([]byte, int) {
	return func(_ *managerlab.Lab, body []byte) ([]byte, int) { return f(body), 0 }
}

// rewriteString replaces the string value of the top-level member name, as the harness's
// alerts write it ("name":"value", no spaces), with what f makes of it; other bytes stay.
func rewriteString(body []byte, name string, f func(string) string) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return body
	}
	var v string
	if json.Unmarshal(m[name], &v) != nil {
		return body
	}
	key, _ := json.Marshal(name)
	oldV, _ := json.Marshal(v)
	newV, _ := json.Marshal(f(v))
	return bytes.Replace(body, append(append(key, ':'), oldV...), append(append(key, ':'), newV...), 1)
}
