package managerrole

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/alerts"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
)

// Filtering and aggregation (R4766-5.2): a manager claiming the reference operator API
// (option query-api; docs/manager.md, "The operator API") must select and count alerts by
// their structured fields exactly. Each check sends a batch of alerts carrying a marker no
// other alert carries, so that its queries, combined with q=marker, see only the batch
// whatever else the manager holds.

// batchAlert is one alert of a filtering batch: a short name for verdicts and its shape.
type batchAlert struct {
	name string
	spec alerts.Spec
}

// sentBatch is a batch as sent.
type sentBatch struct {
	marker string
	names  map[string]string // alert ID (lower case) → batch name
	ids    map[string]string // batch name → alert ID
	order  []string          // batch names in the order sent, which is commit order
}

// sendBatch sends the alerts one after another, each acknowledged before the next, with the
// marker in every Description, and waits until the API lists them all.
func sendBatch(ctx context.Context, t *harness.T, e *Env, batch []batchAlert) (*sentBatch, *harness.Outcome) {
	var raw [8]byte
	_, _ = rand.Read(raw[:])
	b := &sentBatch{marker: "idmefcheck-filter-" + hex.EncodeToString(raw[:]), names: map[string]string{}, ids: map[string]string{}}
	for _, a := range batch {
		spec := a.spec
		spec.Description = strings.TrimSpace(spec.Description + " " + b.marker)
		m, o := makeAlert(e, spec)
		if o != nil {
			return nil, o
		}
		x := e.Deliver(ctx, t, "batch alert "+a.name, m.Body)
		if !x.Success() {
			t.Expect("every alert of the batch acknowledged", x.Outcome())
			o := harness.Failf(reasonNotAcked, "alert %s of the batch (%s) was not acknowledged: %s", a.name, m.ID, x.Outcome())
			return nil, &o
		}
		b.names[strings.ToLower(m.ID)] = a.name
		b.ids[a.name] = m.ID
		b.order = append(b.order, a.name)
	}
	t.Notef("batch marker %s: %s", b.marker, strings.Join(b.order, ", "))
	deadline := time.Now().Add(e.Settle)
	for {
		got, o := b.list(ctx, nil, e, "", url.Values{})
		if o != nil {
			return nil, o
		}
		if len(got) >= len(batch) || time.Now().After(deadline) {
			if len(got) < len(batch) {
				t.Expect(fmt.Sprintf("the %d alerts of the batch listed by q=%s within %s", len(batch), b.marker, e.Settle), strings.Join(got, ", "))
				o := harness.Failf(reasonNotStored, "after %s the API lists %d of the %d acknowledged alerts carrying the marker (%s)", e.Settle, len(got), len(batch), strings.Join(got, ", "))
				return nil, &o
			}
			return b, nil
		}
		select {
		case <-ctx.Done():
			o := harness.Errorf(reasonHarness, "%v", ctx.Err())
			return nil, &o
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// list pages through GET /v1/alerts with filters q, adding q=marker unless q sets q, and
// returns the batch names of the alerts listed in the order listed (an alert not of the batch
// is named by its ID). t nil records nothing.
func (b *sentBatch) list(ctx context.Context, t *harness.T, e *Env, label string, q url.Values) ([]string, *harness.Outcome) {
	q = cloneValues(q)
	if !q.Has("q") {
		q.Set("q", b.marker)
	}
	if !q.Has("limit") {
		q.Set("limit", "1000")
	}
	var out []string
	for page := 0; page < 50; page++ {
		a, err := apiGet(ctx, t, e, label, "/v1/alerts", q)
		if err != nil {
			o := harness.Errorf(reasonObserveFailed, "%v", err)
			return nil, &o
		}
		if a.Status != 200 {
			if t != nil {
				t.Expect("200 with the matching alerts", fmt.Sprintf("%d", a.Status))
			}
			o := harness.Failf(reasonWrongStatus, "the operator API answered %d to GET %s: %.200s", a.Status, a.URL, a.Body)
			return nil, &o
		}
		var p struct {
			Alerts []struct {
				ID string `json:"id"`
			} `json:"alerts"`
			Next string `json:"next_cursor"`
		}
		if err := json.Unmarshal(a.Body, &p); err != nil {
			o := harness.Failf("bad-api-answer", "GET %s: the answer is not an alert page: %v", a.URL, err)
			return nil, &o
		}
		for _, al := range p.Alerts {
			name, ok := b.names[strings.ToLower(al.ID)]
			if !ok {
				name = al.ID
			}
			out = append(out, name)
		}
		if p.Next == "" {
			return out, nil
		}
		q.Set("cursor", p.Next)
	}
	o := harness.Failf("bad-api-answer", "the operator API returned more than 50 pages for %s", label)
	return nil, &o
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = slices.Clone(v)
	}
	return out
}

// listCase is one filter query and the batch alerts it must return, in commit order.
type listCase struct {
	label string
	q     url.Values
	want  []string
	// ordered: the answer must list them in commit order, not only the same set.
	ordered bool
}

// judgeLists runs each query and compares what came back with what must.
func judgeLists(ctx context.Context, t *harness.T, e *Env, b *sentBatch, cases []listCase) harness.Outcome {
	var wrong []string
	for _, c := range cases {
		got, o := b.list(ctx, t, e, c.label, c.q)
		if o != nil {
			return *o
		}
		if d := setDiff(c.want, got, c.ordered); d != "" {
			wrong = append(wrong, fmt.Sprintf("%s (%s): %s", c.label, c.q.Encode(), d))
		}
	}
	t.Expect(fmt.Sprintf("each of %d queries returns exactly its alerts", len(cases)), joinOr(wrong, "each did"))
	if len(wrong) > 0 {
		return harness.Failf("wrong-selection", "%d of %d queries returned other alerts than they select: %s", len(wrong), len(cases), strings.Join(wrong, " | "))
	}
	return harness.Passf("each of %d queries returned exactly the alerts of the batch it selects", len(cases))
}

// setDiff words how got differs from want: missing and unexpected names, duplicates, and
// (ordered) another order.
func setDiff(want, got []string, ordered bool) string {
	var missing, extra, twice []string
	seen := map[string]int{}
	for _, g := range got {
		seen[g]++
		if seen[g] == 2 {
			twice = append(twice, g)
		}
		if !slices.Contains(want, g) && seen[g] == 1 {
			extra = append(extra, g)
		}
	}
	for _, w := range want {
		if seen[w] == 0 {
			missing = append(missing, w)
		}
	}
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, "missing "+strings.Join(missing, ", "))
	}
	if len(extra) > 0 {
		parts = append(parts, "not selected but listed "+strings.Join(extra, ", "))
	}
	if len(twice) > 0 {
		parts = append(parts, "listed more than once "+strings.Join(twice, ", "))
	}
	if len(parts) == 0 && ordered && !slices.Equal(want, got) {
		parts = append(parts, fmt.Sprintf("listed in the order %s, not in commit order %s", strings.Join(got, ", "), strings.Join(want, ", ")))
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf("want [%s], got [%s]: %s", strings.Join(want, ", "), strings.Join(got, ", "), strings.Join(parts, "; "))
}

func vals(kv ...string) url.Values {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Add(kv[i], kv[i+1])
	}
	return q
}

func filtChecks() []harness.Check {
	return []harness.Check{
		check(harness.Check{
			ID: "MGR-FILT-001", Title: "The operator API selects alerts by CreateTime range, offsets normalised to UTC",
			Requirements: []string{"R4766-5.2"}, Level: "MUST", Category: "filtering", Needs: []string{"query-api"},
			Doc: "Sends eight alerts whose CreateTimes are written with offsets from -12:00 to +14:00 around one hour of 2031-03-09 in UTC, including one exactly at each bound, one a millisecond before the upper bound, one whose local wall clock lies in the hour but whose instant does not, and one the other way round. Then asks GET /v1/alerts with from and to written in other offsets (+01:00, -03:30, +05:45, -09:30), alone and together. Each answer must hold exactly the alerts whose instants lie in [from, to), compared in UTC.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			if o := needAPI(e); o != nil {
				return *o
			}
			// The hour is [12:00, 13:00) UTC on 2031-03-09.
			batch := []batchAlert{
				{"before", alerts.Spec{CreateTime: "2031-03-09T16:45:00+05:45"}},          // 11:00Z
				{"at-from", alerts.Spec{CreateTime: "2031-03-09T02:30:00-09:30"}},         // 12:00Z
				{"inside", alerts.Spec{CreateTime: "2031-03-09T12:30:00Z"}},               // 12:30Z
				{"just-inside", alerts.Spec{CreateTime: "2031-03-10T02:59:59.999+14:00"}}, // 12:59:59.999Z
				{"at-to", alerts.Spec{CreateTime: "2031-03-09T01:00:00-12:00"}},           // 13:00Z
				{"after", alerts.Spec{CreateTime: "2031-03-09T14:00:00+00:00"}},           // 14:00Z
				{"local-inside", alerts.Spec{CreateTime: "2031-03-09T12:30:00+05:00"}},    // 07:30Z: its wall clock is in the hour
				{"local-outside", alerts.Spec{CreateTime: "2031-03-09T02:45:00-10:00"}},   // 12:45Z: its wall clock is not
			}
			b, o := sendBatch(ctx, t, e, batch)
			if o != nil {
				return *o
			}
			return judgeLists(ctx, t, e, b, []listCase{
				{label: "the hour", q: vals("from", "2031-03-09T13:00:00+01:00", "to", "2031-03-09T09:30:00-03:30"),
					want: []string{"at-from", "inside", "just-inside", "local-outside"}},
				{label: "from the end of the hour", q: vals("from", "2031-03-09T18:45:00+05:45"), want: []string{"at-to", "after"}},
				{label: "until the start of the hour", q: vals("to", "2031-03-09T02:30:00-09:30"), want: []string{"before", "local-inside"}},
				{label: "an empty range", q: vals("from", "2031-03-09T13:00:00+01:00", "to", "2031-03-09T12:00:00Z"), want: nil},
			})
		}),
		check(harness.Check{
			ID: "MGR-FILT-002", Title: "The operator API selects alerts by Category, Priority, Analyzer name, Source and Target address and text",
			Requirements: []string{"R4766-5.2"}, Level: "MUST", Category: "filtering", Needs: []string{"query-api"},
			Doc: "Sends six alerts differing in Category (one, two or none), Priority, Analyzer.Name, Source and Target addresses (IPv4 and IPv6) and a word in their text written in two cases. Then asks GET /v1/alerts with each filter alone (category, priority, analyzer_name, source_ip and target_ip with addresses spelled otherwise than sent, q ASCII case-insensitive), with two filters together, and page by page (limit=2, following next_cursor). Each answer must hold exactly the alerts the filters select; the paged listing must give the whole batch once each, in commit order.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			if o := needAPI(e); o != nil {
				return *o
			}
			var raw [6]byte
			_, _ = rand.Read(raw[:])
			tag := hex.EncodeToString(raw[:])
			needle := "needle-" + tag
			nameA, nameB, nameC := "idmefcheck-a-"+tag, "idmefcheck-b-"+tag, "idmefcheck-c-"+tag
			batch := []batchAlert{
				{"a1", alerts.Spec{Priority: "High", Categories: []string{"Availability.DoS"}, AnalyzerName: nameA, SourceIP: "2001:db8::5", TargetIP: "198.51.100.7", Description: "with " + needle}},
				{"a2", alerts.Spec{Priority: "Low", Categories: []string{"Fraud.Phishing", "Availability.DoS"}, AnalyzerName: nameB, SourceIP: "203.0.113.9", TargetIP: "2001:db8::5"}},
				{"a3", alerts.Spec{Priority: "High", Categories: []string{"Fraud.Phishing"}, AnalyzerName: nameA, SourceIP: "2001:db8::6", TargetIP: "198.51.100.7", Description: "WITH " + strings.ToUpper(needle)}},
				{"a4", alerts.Spec{Priority: "Medium", Categories: []string{"Other.Undetermined"}, AnalyzerName: nameB, SourceIP: "203.0.113.9", TargetIP: "198.51.100.8"}},
				{"a5", alerts.Spec{Priority: "Info", AnalyzerName: nameC}},
				{"a6", alerts.Spec{Priority: "High", Categories: []string{"Availability.DDoS"}, AnalyzerName: nameC, SourceIP: "198.51.100.7", TargetIP: "203.0.113.9"}},
			}
			b, o := sendBatch(ctx, t, e, batch)
			if o != nil {
				return *o
			}
			return judgeLists(ctx, t, e, b, []listCase{
				{label: "category", q: vals("category", "Availability.DoS"), want: []string{"a1", "a2"}},
				{label: "priority", q: vals("priority", "High"), want: []string{"a1", "a3", "a6"}},
				{label: "analyzer name", q: vals("analyzer_name", nameA), want: []string{"a1", "a3"}},
				{label: "source address, IPv6 spelled in full", q: vals("source_ip", "2001:DB8:0:0:0:0:0:5"), want: []string{"a1"}},
				{label: "source address, IPv4", q: vals("source_ip", "203.0.113.9"), want: []string{"a2", "a4"}},
				{label: "target address, IPv6", q: vals("target_ip", "2001:db8:0::5"), want: []string{"a2"}},
				{label: "target address, IPv4", q: vals("target_ip", "198.51.100.7"), want: []string{"a1", "a3"}},
				{label: "free text in another case", q: vals("q", strings.ToUpper(needle[:1])+needle[1:]), want: []string{"a1", "a3"}},
				{label: "priority and category together", q: vals("priority", "High", "category", "Fraud.Phishing"), want: []string{"a3"}},
				{label: "every alert, two per page", q: vals("limit", "2"), want: []string{"a1", "a2", "a3", "a4", "a5", "a6"}, ordered: true},
			})
		}),
		check(harness.Check{
			ID: "MGR-FILT-003", Title: "The operator API counts alerts by Priority, Category, Analyzer name and Source address exactly",
			Requirements: []string{"R4766-5.2"}, Level: "MUST", Category: "filtering", Needs: []string{"query-api"},
			Doc: "Sends five alerts with known Priorities, Categories (one alert in two), Analyzer names and Source addresses (one IPv6 address written in two spellings), then asks GET /v1/stats for each group_by (Priority, Category, Analyzer.Name, Source.IP) restricted to the batch by q, and once more with a category filter. Each answer must give exactly the expected count per key (addresses compared as addresses), no other key, largest first.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			if o := needAPI(e); o != nil {
				return *o
			}
			var raw [6]byte
			_, _ = rand.Read(raw[:])
			tag := hex.EncodeToString(raw[:])
			nameA, nameB := "idmefcheck-a-"+tag, "idmefcheck-b-"+tag
			batch := []batchAlert{
				{"s1", alerts.Spec{Priority: "High", Categories: []string{"Availability.DoS"}, AnalyzerName: nameA, SourceIP: "2001:db8::5"}},
				{"s2", alerts.Spec{Priority: "High", Categories: []string{"Availability.DoS", "Fraud.Phishing"}, AnalyzerName: nameA, SourceIP: "2001:DB8:0:0:0:0:0:5"}},
				{"s3", alerts.Spec{Priority: "Low", Categories: []string{"Fraud.Phishing"}, AnalyzerName: nameA, SourceIP: "203.0.113.9"}},
				{"s4", alerts.Spec{Priority: "Medium", Categories: []string{"Availability.DoS"}, AnalyzerName: nameB, SourceIP: "203.0.113.9"}},
				{"s5", alerts.Spec{Priority: "Medium", Categories: []string{"Other.Undetermined"}, AnalyzerName: nameB, SourceIP: "198.51.100.7"}},
			}
			b, o := sendBatch(ctx, t, e, batch)
			if o != nil {
				return *o
			}
			cases := []struct {
				group string
				q     url.Values
				want  map[string]int64
			}{
				{"Priority", nil, map[string]int64{"High": 2, "Medium": 2, "Low": 1}},
				{"Category", nil, map[string]int64{"Availability.DoS": 3, "Fraud.Phishing": 2, "Other.Undetermined": 1}},
				{"Analyzer.Name", nil, map[string]int64{nameA: 3, nameB: 2}},
				{"Source.IP", nil, map[string]int64{"2001:db8::5": 2, "203.0.113.9": 2, "198.51.100.7": 1}},
				{"Priority", vals("category", "Fraud.Phishing"), map[string]int64{"High": 1, "Low": 1}},
			}
			var wrong []string
			for _, c := range cases {
				q := cloneValues(c.q)
				q.Set("group_by", c.group)
				q.Set("q", b.marker)
				label := "stats by " + c.group
				if len(c.q) > 0 {
					label += " where " + c.q.Encode()
				}
				a, err := apiGet(ctx, t, e, label, "/v1/stats", q)
				if err != nil {
					return harness.Errorf(reasonObserveFailed, "%v", err)
				}
				if a.Status != 200 {
					wrong = append(wrong, fmt.Sprintf("%s: answered %d", label, a.Status))
					continue
				}
				var s struct {
					Counts []struct {
						Key   string `json:"key"`
						Count int64  `json:"count"`
					} `json:"counts"`
				}
				if err := json.Unmarshal(a.Body, &s); err != nil {
					wrong = append(wrong, fmt.Sprintf("%s: not a stats answer: %v", label, err))
					continue
				}
				got := map[string]int64{}
				var problems []string
				for i, k := range s.Counts {
					key := k.Key
					if c.group == "Source.IP" {
						if a, err := netip.ParseAddr(key); err == nil {
							key = a.String()
						}
					}
					if _, dup := got[key]; dup {
						problems = append(problems, fmt.Sprintf("key %q twice", k.Key))
					}
					got[key] += k.Count
					if i > 0 && k.Count > s.Counts[i-1].Count {
						problems = append(problems, fmt.Sprintf("%q (%d) after %q (%d): not largest first", k.Key, k.Count, s.Counts[i-1].Key, s.Counts[i-1].Count))
					}
				}
				for k, n := range c.want {
					if got[k] != n {
						problems = append(problems, fmt.Sprintf("%s: want %d, got %d", k, n, got[k]))
					}
				}
				for k, n := range got {
					if _, ok := c.want[k]; !ok {
						problems = append(problems, fmt.Sprintf("%s: counted %d, want no such key", k, n))
					}
				}
				if len(problems) > 0 {
					slices.Sort(problems)
					wrong = append(wrong, fmt.Sprintf("%s: %s", label, strings.Join(problems, ", ")))
				}
			}
			t.Expect(fmt.Sprintf("each of %d group-by counts exact, largest first", len(cases)), joinOr(wrong, "each was"))
			if len(wrong) > 0 {
				return harness.Failf("wrong-counts", "%d of %d group-by answers are wrong: %s", len(wrong), len(cases), strings.Join(wrong, " | "))
			}
			return harness.Passf("each of %d group-by answers counted the batch exactly, largest first", len(cases))
		}),
	}
}
