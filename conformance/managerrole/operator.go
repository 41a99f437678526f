package managerrole

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/eventlog"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/ics"
	"github.com/idmefcheck/idmefcheck/conformance/observe"
)

// openAPI builds the client of the operator API the statement names in observe.api (with
// observe.api_cert and observe.api_key), nil when it names none. The API serves the
// filtering and non-repudiation checks whatever channel observes stored alerts.
func openAPI(st *ics.Statement, roots *x509.CertPool) (*observe.API, error) {
	o := st.Observe
	if o.API == "" {
		return nil, nil
	}
	base, err := url.Parse(o.API)
	if err != nil {
		return nil, fmt.Errorf("observe.api: %w", err)
	}
	cert, err := tls.LoadX509KeyPair(o.APICert, o.APIKey)
	if err != nil {
		return nil, fmt.Errorf("observe.api_cert/api_key: %w", err)
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS13, RootCAs: roots, Certificates: []tls.Certificate{cert}}
	if st.Connect.ServerName != "" {
		cfg.ServerName = st.Connect.ServerName
	}
	return &observe.API{Base: base, Client: &http.Client{Timeout: 15 * time.Second,
		Transport: &http.Transport{TLSClientConfig: cfg, ForceAttemptHTTP2: true}}}, nil
}

// reasonNoAPI: the statement claims query-api but names no observe.api to reach it.
const reasonNoAPI = "no-operator-api"

// needAPI returns the inconclusive outcome of a check that needs the operator API when the
// statement does not say where it is.
func needAPI(e *Env) *harness.Outcome {
	if e.API != nil {
		return nil
	}
	o := harness.Inconclusivef(reasonNoAPI, "the statement claims query-api but names no observe.api (with api_cert and api_key) to reach it")
	return &o
}

// apiAnswer is one operator API answer.
type apiAnswer struct {
	URL    string
	Status int
	Body   []byte
}

// apiGet sends GET path?q to the operator API and records the exchange as evidence (none
// when t is nil). err is set only when no answer came.
func apiGet(ctx context.Context, t *harness.T, e *Env, label, path string, q url.Values) (apiAnswer, error) {
	u := e.API.Base.JoinPath(strings.Split(strings.TrimPrefix(path, "/"), "/")...)
	u.RawQuery = q.Encode()
	a := apiAnswer{URL: u.String()}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.URL, nil)
	if err != nil {
		return a, err
	}
	e.events.Emit(ctx, eventlog.Event{Event: eventlog.Request, Direction: eventlog.Out, Label: label, Method: http.MethodGet, URL: a.URL, Bytes: eventlog.Int64(0)})
	res, err := e.API.Client.Do(req)
	if err == nil {
		defer func() {
			ev := eventlog.Event{Event: eventlog.Response, Direction: eventlog.In, Label: label, Method: http.MethodGet, URL: a.URL,
				Proto: res.Proto, Status: a.Status, Bytes: eventlog.Int64(int64(len(a.Body))), TLS: eventlog.TLSOf(res.TLS)}
			e.events.Emit(ctx, ev)
		}()
	} else {
		e.events.Emit(ctx, eventlog.Event{Event: eventlog.Response, Direction: eventlog.In, Label: label, Method: http.MethodGet, URL: a.URL, Error: err.Error()})
	}
	if err != nil {
		if t != nil {
			t.Evidence("response", label, fmt.Sprintf("GET %s: no answer: %v", a.URL, err))
		}
		return a, fmt.Errorf("operator API GET %s: %w", a.URL, err)
	}
	defer res.Body.Close()
	a.Status = res.StatusCode
	a.Body, err = io.ReadAll(io.LimitReader(res.Body, 16<<20))
	if err != nil {
		return a, fmt.Errorf("operator API GET %s: %w", a.URL, err)
	}
	if t != nil {
		t.Evidence("response", label, fmt.Sprintf("GET %s\n%s %d\n\n%s", a.URL, res.Proto, a.Status, a.Body))
	}
	return a, nil
}
