package knownbad

import (
	"io"
	"net/http"

	"github.com/idmefcheck/idmefcheck/conformance/managerlab"
	"github.com/idmefcheck/idmefcheck/reference/manager"
)

func integManagers() []Variant {
	return []Variant{
		{
			Name: "manager/ack-before-body",
			Breaks: "a fake that answers 204 as soon as it has a request's header block and reads the body afterwards, " +
				"keeping it only when it reads whole: an alert whose body was altered on the path is acknowledged, and lost",
			Catches: []string{"MGR-INTEG-001", "MGR-INTEG-002"},
			Lab:     managerlab.Options{Fake: &managerlab.Fake{Handler: ackBeforeBody}},
		},
		{
			Name: "manager/altered-body-accepted",
			Breaks: "requires signatures but verifies neither them nor the Content-Digest (fault SkipSignatureCheck), " +
				"so a body altered after signing is stored",
			Catches: []string{"MGR-INTEG-003"},
			Lab:     managerlab.Options{RequireSignatures: true, Faults: manager.Faults{SkipSignatureCheck: true}},
		},
	}
}

// ackBeforeBody acknowledges each POST before reading its body. Full duplex keeps net/http
// from reading (and discarding) the body itself before the answer goes out.
func ackBeforeBody(l *managerlab.Lab) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		rc := http.NewResponseController(w)
		_ = rc.EnableFullDuplex()
		w.WriteHeader(http.StatusNoContent)
		_ = rc.Flush()
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			return
		}
		_ = l.Record(r, body)
	})
}
