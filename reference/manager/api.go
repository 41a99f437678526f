package manager

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/idmefcheck/idmefcheck/reference/store"
	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// AlertSummary is one alert in a GET /v1/alerts page.
type AlertSummary struct {
	Seq      int64           `json:"seq"`
	Analyzer string          `json:"analyzer"`
	ID       string          `json:"id"`
	Received time.Time       `json:"received"`
	Fields   store.Fields    `json:"fields"`
	Alert    json.RawMessage `json:"alert"`
}

// AlertPage is the body of GET /v1/alerts.
type AlertPage struct {
	Alerts []AlertSummary `json:"alerts"`
	// Next is the cursor of the following page; empty on the last page.
	Next string `json:"next_cursor,omitempty"`
}

// EvidenceBody is the body of GET /v1/alerts/{id}/evidence.
type EvidenceBody struct {
	Seq      int64          `json:"seq"`
	Analyzer string         `json:"analyzer"`
	ID       string         `json:"id"`
	Received time.Time      `json:"received"`
	SHA256   string         `json:"sha256"`
	Evidence store.Evidence `json:"evidence"`
}

// StatsBody is the body of GET /v1/stats.
type StatsBody struct {
	GroupBy string        `json:"group_by"`
	Counts  []store.Count `json:"counts"`
}

const maxPage = 1000

func (s *Server) apiHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/alerts", s.apiAlerts)
	mux.HandleFunc("GET /v1/alerts/{id}", s.apiAlert)
	mux.HandleFunc("GET /v1/alerts/{id}/evidence", s.apiEvidence)
	mux.HandleFunc("GET /v1/stats", s.apiStats)
	mux.HandleFunc("GET /v1/health", s.apiHealth)
	mux.Handle("GET /metrics", s.metrics.handler())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		peer, _ := transport.PeerOf(r.TLS)
		mux.ServeHTTP(rec, r)
		s.metrics.count("operator_requests")
		// The audit record of every operator request (docs/manager.md, "Audit").
		if s.cfg.Faults.AuditOnlySuccess && rec.status >= 400 {
			return
		}
		s.log.Info("operator request", "audit", true, "operator", peer.Identity, "operator_sha256", peer.Fingerprint,
			"remote", r.RemoteAddr, "method", r.Method, "path", r.URL.Path, "query", r.URL.RawQuery,
			"status", rec.status, "bytes", rec.bytes, "duration_ms", float64(time.Since(start).Microseconds())/1000)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status, bytes int
}

func (r *statusRecorder) WriteHeader(code int) { r.status = code; r.ResponseWriter.WriteHeader(code) }
func (r *statusRecorder) Write(b []byte) (int, error) {
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", MediaType)
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

func apiError(w http.ResponseWriter, status int, format string, args ...any) {
	writeJSON(w, status, map[string]string{"error": fmt.Sprintf(format, args...)})
}

// parseFilter reads the query parameters shared by /v1/alerts and /v1/stats. faults are the
// known-bad switches that corrupt a filter.
func parseFilter(q url.Values, faults Faults) (store.Filter, error) {
	var f store.Filter
	for _, b := range []struct {
		name string
		dst  *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := q.Get(b.name); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return f, fmt.Errorf("%s=%q: want an RFC 3339 time with its offset, e.g. 2026-01-14T15:58:47+01:00", b.name, v)
			}
			*b.dst = t.UTC()
			if faults.FilterIgnoresOffset {
				*b.dst = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
			}
		}
	}
	f.Category = q.Get("category")
	f.Priority = q.Get("priority")
	if faults.IgnorePriorityFilter {
		f.Priority = ""
	}
	f.AnalyzerName = q.Get("analyzer_name")
	f.AnalyzerID = q.Get("analyzer_id")
	f.Peer = q.Get("peer")
	f.SourceIP = q.Get("source_ip")
	f.TargetIP = q.Get("target_ip")
	f.Text = q.Get("q")
	for name := range q {
		switch name {
		case "from", "to", "category", "priority", "analyzer_name", "analyzer_id", "peer", "source_ip", "target_ip", "q", "limit", "cursor", "group_by":
		default:
			return f, fmt.Errorf("unknown parameter %q", name)
		}
	}
	return f, nil
}

func (s *Server) apiAlerts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := parseFilter(q, s.cfg.Faults)
	if err != nil {
		apiError(w, http.StatusBadRequest, "%v", err)
		return
	}
	f.Limit = 100
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPage {
			apiError(w, http.StatusBadRequest, "limit=%q: want 1 to %d", v, maxPage)
			return
		}
		f.Limit = n
	}
	if v := q.Get("cursor"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			apiError(w, http.StatusBadRequest, "cursor=%q: not a cursor this API returned", v)
			return
		}
		f.After = n
	}
	f.Limit++ // one more tells whether there is a next page
	recs, err := s.cfg.Store.Query(r.Context(), f)
	if err != nil {
		s.log.Error("operator query", "error", err)
		apiError(w, http.StatusInternalServerError, "the query failed")
		return
	}
	page := AlertPage{Alerts: []AlertSummary{}}
	for i, rec := range recs {
		if i == f.Limit-1 {
			page.Next = strconv.FormatInt(recs[i-1].Seq, 10)
			break
		}
		page.Alerts = append(page.Alerts, AlertSummary{Seq: rec.Seq, Analyzer: rec.Analyzer, ID: rec.ID, Received: rec.Received, Fields: rec.Fields, Alert: rawOrString(rec.Raw)})
	}
	writeJSON(w, http.StatusOK, page)
}

// rawOrString embeds a stored message as JSON when it is JSON (always, for validated alerts),
// and as a JSON string otherwise (only with the SkipValidation fault).
func rawOrString(b []byte) json.RawMessage {
	if json.Valid(b) {
		return b
	}
	s, _ := json.Marshal(string(b))
	return s
}

// lookup finds the one record an {id} names, answering itself when there is not exactly one.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) *store.Record {
	id := r.PathValue("id")
	recs, err := s.cfg.Store.Get(r.Context(), id, r.URL.Query().Get("analyzer"))
	switch {
	case errors.Is(err, store.ErrNotFound):
		apiError(w, http.StatusNotFound, "no alert with ID %q", id)
		return nil
	case err != nil:
		s.log.Error("operator lookup", "error", err)
		apiError(w, http.StatusInternalServerError, "the lookup failed")
		return nil
	case len(recs) > 1:
		var who []string
		for _, rec := range recs {
			who = append(who, rec.Analyzer)
		}
		writeJSON(w, http.StatusMultipleChoices, map[string]any{"error": fmt.Sprintf("%d alerts have ID %q; add ?analyzer=IDENTITY", len(recs), id), "analyzers": who})
		return nil
	}
	return recs[0]
}

func (s *Server) apiAlert(w http.ResponseWriter, r *http.Request) {
	rec := s.lookup(w, r)
	if rec == nil {
		return
	}
	w.Header().Set("Content-Type", MediaType)
	w.Header().Set("Content-Length", strconv.Itoa(len(rec.Raw)))
	_, _ = w.Write(rec.Raw)
}

func (s *Server) apiEvidence(w http.ResponseWriter, r *http.Request) {
	rec := s.lookup(w, r)
	if rec == nil {
		return
	}
	ev := rec.Evidence
	if s.cfg.Faults.EvidenceWithoutSignature {
		ev.Signature = nil
	}
	writeJSON(w, http.StatusOK, EvidenceBody{Seq: rec.Seq, Analyzer: rec.Analyzer, ID: rec.ID, Received: rec.Received,
		SHA256: fmt.Sprintf("%x", rec.Digest), Evidence: ev})
}

func (s *Server) apiStats(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := parseFilter(q, s.cfg.Faults)
	if err != nil {
		apiError(w, http.StatusBadRequest, "%v", err)
		return
	}
	if s.cfg.Faults.StatsIgnoreFilter {
		f = store.Filter{}
	}
	g := q.Get("group_by")
	if !slices.Contains(store.GroupBy, g) {
		apiError(w, http.StatusBadRequest, "group_by=%q: want one of %s", g, strings.Join(store.GroupBy, ", "))
		return
	}
	counts, err := s.cfg.Store.Stats(r.Context(), g, f)
	if err != nil {
		s.log.Error("operator stats", "error", err)
		apiError(w, http.StatusInternalServerError, "the query failed")
		return
	}
	writeJSON(w, http.StatusOK, StatsBody{GroupBy: g, Counts: counts})
}

func (s *Server) apiHealth(w http.ResponseWriter, r *http.Request) {
	n, err := s.cfg.Store.Count(r.Context())
	if err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "store unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "alerts": n})
}
