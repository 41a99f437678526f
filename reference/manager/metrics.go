package manager

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// metrics counts what the manager does, for the Prometheus text exposition on the operator
// API (GET /metrics).
type metrics struct {
	mu       sync.Mutex
	counters map[string]*atomic.Int64 // name -> value
	codes    map[int]*atomic.Int64    // responses by status code
	buckets  []float64                // latency histogram upper bounds, seconds
	hist     []atomic.Int64           // cumulative counts per bucket, +Inf last
	sumMicro atomic.Int64
	started  time.Time
}

func newMetrics() *metrics {
	b := []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}
	return &metrics{counters: map[string]*atomic.Int64{}, codes: map[int]*atomic.Int64{}, buckets: b,
		hist: make([]atomic.Int64, len(b)+1), started: time.Now()}
}

func (m *metrics) counter(name string) *atomic.Int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.counters[name]
	if !ok {
		c = new(atomic.Int64)
		m.counters[name] = c
	}
	return c
}

func (m *metrics) count(name string) { m.counter(name).Add(1) }

func (m *metrics) response(code int, d time.Duration) {
	m.mu.Lock()
	c, ok := m.codes[code]
	if !ok {
		c = new(atomic.Int64)
		m.codes[code] = c
	}
	m.mu.Unlock()
	c.Add(1)
	secs := d.Seconds()
	for i, ub := range m.buckets {
		if secs <= ub {
			m.hist[i].Add(1)
		}
	}
	m.hist[len(m.buckets)].Add(1)
	m.sumMicro.Add(d.Microseconds())
}

var metricHelp = map[string]string{
	"alerts_stored":       "Alerts committed to the store.",
	"alerts_duplicate":    "Repeated alerts answered as their first delivery, not stored again.",
	"alerts_conflict":     "Alerts refused with 409: a known ID with other content.",
	"alerts_invalid":      "Messages refused as invalid IDMEFv2.",
	"alerts_pulled":       "Alerts fetched in pull mode and committed.",
	"pull_errors":         "Failed pull requests.",
	"signatures_verified": "Request signatures verified.",
	"signatures_refused":  "Request signatures refused.",
	"operator_requests":   "Operator API requests.",
}

// write writes the Prometheus text exposition format (version 0.0.4).
func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	names := make([]string, 0, len(metricHelp))
	for n := range metricHelp {
		names = append(names, n)
	}
	sort.Strings(names)
	codes := make([]int, 0, len(m.codes))
	for c := range m.codes {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	m.mu.Unlock()
	for _, n := range names {
		fmt.Fprintf(w, "# HELP idmef_manager_%s_total %s\n# TYPE idmef_manager_%s_total counter\nidmef_manager_%s_total %d\n",
			n, metricHelp[n], n, n, m.counter(n).Load())
	}
	fmt.Fprintf(w, "# HELP idmef_manager_responses_total Ingest responses by HTTP status code.\n# TYPE idmef_manager_responses_total counter\n")
	for _, c := range codes {
		m.mu.Lock()
		v := m.codes[c].Load()
		m.mu.Unlock()
		fmt.Fprintf(w, "idmef_manager_responses_total{code=\"%d\"} %d\n", c, v)
	}
	fmt.Fprintf(w, "# HELP idmef_manager_request_duration_seconds Time from request to response on the ingest listeners.\n# TYPE idmef_manager_request_duration_seconds histogram\n")
	for i, ub := range m.buckets {
		fmt.Fprintf(w, "idmef_manager_request_duration_seconds_bucket{le=\"%s\"} %d\n", strconv.FormatFloat(ub, 'g', -1, 64), m.hist[i].Load())
	}
	total := m.hist[len(m.buckets)].Load()
	fmt.Fprintf(w, "idmef_manager_request_duration_seconds_bucket{le=\"+Inf\"} %d\n", total)
	fmt.Fprintf(w, "idmef_manager_request_duration_seconds_sum %g\nidmef_manager_request_duration_seconds_count %d\n", float64(m.sumMicro.Load())/1e6, total)
	fmt.Fprintf(w, "# HELP idmef_manager_uptime_seconds Seconds since the manager started.\n# TYPE idmef_manager_uptime_seconds gauge\nidmef_manager_uptime_seconds %g\n", time.Since(m.started).Seconds())
}

func (m *metrics) handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		m.write(w)
	})
}
