package store_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gleak"

	"github.com/idmefcheck/idmefcheck/reference/store"
)

const waitTimeout = 10 * time.Second

func record(analyzer, id, body string) *store.Record {
	raw := []byte(body)
	return &store.Record{Analyzer: analyzer, ID: id, Raw: raw, Digest: sha256.Sum256(raw), Received: time.Now(),
		Evidence: store.Evidence{Mode: "push", PeerIdentity: analyzer}}
}

var _ = BeforeEach(func() {
	snapshot := gleak.Goroutines()
	DeferCleanup(func() {
		Eventually(gleak.Goroutines).WithTimeout(waitTimeout).ShouldNot(gleak.HaveLeaked(snapshot))
	})
})

var _ = Describe("SQLite", func() {
	var s *store.SQLite
	var path string
	var committed [][]*store.Record
	var mu sync.Mutex
	ctx := context.Background()
	open := func() {
		var err error
		s, err = store.OpenSQLite(path, store.SQLiteOptions{Committed: func(rs []*store.Record) {
			mu.Lock()
			committed = append(committed, rs)
			mu.Unlock()
		}})
		Expect(err).NotTo(HaveOccurred())
	}
	BeforeEach(func() {
		path = filepath.Join(GinkgoT().TempDir(), "alerts.db")
		committed = nil
		open()
		DeferCleanup(func() { Expect(s.Close()).To(Succeed()) })
	})

	Describe("Put", Label("R4766-6.8"), func() {
		It("stores a new alert and numbers it", func() {
			res, err := s.Put(ctx, record("dns:a", "ID-1", `{"a":1}`))
			Expect(err).NotTo(HaveOccurred())
			Expect(res).To(Equal(store.PutResult{Outcome: store.Stored, Seq: 1}))
		})

		It("answers Duplicate for the same key and content, comparing IDs case-insensitively, and writes nothing", func() {
			_, err := s.Put(ctx, record("dns:a", "ab-CD", `{"a":1}`))
			Expect(err).NotTo(HaveOccurred())
			res, err := s.Put(ctx, record("dns:a", "AB-cd", `{"a":1}`))
			Expect(err).NotTo(HaveOccurred())
			Expect(res).To(Equal(store.PutResult{Outcome: store.Duplicate, Seq: 1}))
			Expect(s.Count(ctx)).To(BeEquivalentTo(1))
		})

		It("answers Conflict for the same key and other content", func() {
			_, _ = s.Put(ctx, record("dns:a", "X", `{"a":1}`))
			res, err := s.Put(ctx, record("dns:a", "X", `{"a":2}`))
			Expect(err).NotTo(HaveOccurred())
			Expect(res.Outcome).To(Equal(store.Conflict))
			Expect(s.Count(ctx)).To(BeEquivalentTo(1))
		})

		It("keys on the analyzer too: the same ID from two analyzers is two alerts", func() {
			_, _ = s.Put(ctx, record("dns:a", "X", `{"a":1}`))
			res, err := s.Put(ctx, record("dns:b", "X", `{"a":1}`))
			Expect(err).NotTo(HaveOccurred())
			Expect(res.Outcome).To(Equal(store.Stored))
		})

		It("stores a second copy only when told to (the SkipDedup fault)", func() {
			_, _ = s.Put(ctx, record("dns:a", "X", `{"a":1}`))
			r := record("dns:a", "X", `{"a":1}`)
			r.AllowDuplicate = true
			res, err := s.Put(ctx, r)
			Expect(err).NotTo(HaveOccurred())
			Expect(res.Outcome).To(Equal(store.Stored))
			Expect(s.Get(ctx, "x", "")).To(HaveLen(2))
		})

		It("commits concurrent alerts in shared transactions, each exactly once, and reports them to Committed", Label("R4766-6.1"), func() {
			var wg sync.WaitGroup
			const n = 400
			outcomes := make([]store.Outcome, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer GinkgoRecover()
					// every alert is sent twice, concurrently
					res, err := s.Put(ctx, record("dns:a", fmt.Sprintf("id-%d", i/2), fmt.Sprintf(`{"n":%d}`, i/2)))
					Expect(err).NotTo(HaveOccurred())
					outcomes[i] = res.Outcome
				}()
			}
			wg.Wait()
			Expect(s.Count(ctx)).To(BeEquivalentTo(n / 2))
			stored := 0
			for _, o := range outcomes {
				if o == store.Stored {
					stored++
				} else {
					Expect(o).To(Equal(store.Duplicate))
				}
			}
			Expect(stored).To(Equal(n / 2))
			mu.Lock()
			defer mu.Unlock()
			total, largest := 0, 0
			for _, b := range committed {
				total += len(b)
				largest = max(largest, len(b))
			}
			Expect(total).To(Equal(n / 2))
			Expect(largest).To(BeNumerically(">", 1), "no transaction held more than one alert")
		})

		It("never makes a lone writer wait for company, whatever the commit delay", func() {
			Expect(s.Close()).To(Succeed())
			var err error
			s, err = store.OpenSQLite(path, store.SQLiteOptions{CommitDelay: time.Hour})
			Expect(err).NotTo(HaveOccurred())
			done := make(chan struct{})
			go func() {
				defer GinkgoRecover()
				defer close(done)
				for i := range 20 {
					_, err := s.Put(ctx, record("dns:a", fmt.Sprintf("lone-%d", i), `{}`))
					Expect(err).NotTo(HaveOccurred())
				}
			}()
			Eventually(done).WithTimeout(waitTimeout).Should(BeClosed())
		})

		It("keeps what it committed across a reopen", Label("R4766-6.1"), func() {
			_, _ = s.Put(ctx, record("dns:a", "durable", `{"a":1}`))
			Expect(s.Close()).To(Succeed())
			open()
			recs, err := s.Get(ctx, "DURABLE", "dns:a")
			Expect(err).NotTo(HaveOccurred())
			Expect(string(recs[0].Raw)).To(Equal(`{"a":1}`))
			Expect(recs[0].Evidence.Mode).To(Equal("push"))
		})

		It("saves a pull cursor in the same transaction as the alert", func() {
			r := record("dns:a", "p1", `{"a":1}`)
			r.Cursor = &store.Cursor{Source: "https://a/v1/pull", Value: "c-1"}
			_, err := s.Put(ctx, r)
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Cursor(ctx, "https://a/v1/pull")).To(Equal("c-1"))
			r = record("dns:a", "p1", `{"a":1}`)
			r.Cursor = &store.Cursor{Source: "https://a/v1/pull", Value: "c-2"}
			_, err = s.Put(ctx, r)
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Cursor(ctx, "https://a/v1/pull")).To(Equal("c-2"), "a repeat still advances the cursor")
		})

		It("refuses to store after Close", func() {
			Expect(s.Close()).To(Succeed())
			_, err := s.Put(ctx, record("dns:a", "late", `{}`))
			Expect(err).To(MatchError(store.ErrClosed))
			open()
		})
	})

	Describe("Query and Stats", Label("R4766-5.2"), func() {
		BeforeEach(func() {
			add := func(id, cat, prio, name, src, text string, ct time.Time) {
				r := record("dns:a", id, fmt.Sprintf(`{"ID":%q,"Note":%q}`, id, text))
				r.Fields = store.Fields{CreateTime: ct, Categories: []string{cat}, Priority: prio, AnalyzerName: name, AnalyzerID: "an-" + name,
					SourceIPs: []string{src}, TargetIPs: []string{"192.0.2.99"}}
				_, err := s.Put(ctx, r)
				Expect(err).NotTo(HaveOccurred())
			}
			t0 := time.Date(2026, 1, 14, 12, 0, 0, 0, time.UTC)
			add("a1", "Recon.Scanning", "Low", "ids1", "192.0.2.1", "port scan", t0)
			add("a2", "Recon.Scanning", "High", "ids1", "2001:db8::1", "another scan", t0.Add(time.Hour))
			add("a3", "Attempt.Login", "High", "ids2", "192.0.2.1", "brute_force 100%", t0.Add(2*time.Hour))
		})
		ids := func(f store.Filter) []string {
			recs, err := s.Query(ctx, f)
			Expect(err).NotTo(HaveOccurred())
			var out []string
			for _, r := range recs {
				out = append(out, r.ID)
			}
			return out
		}
		It("filters by CreateTime range in UTC, whatever the offset of the bounds", func() {
			paris := time.FixedZone("+01:00", 3600)
			Expect(ids(store.Filter{From: time.Date(2026, 1, 14, 14, 0, 0, 0, paris), To: time.Date(2026, 1, 14, 15, 0, 0, 0, paris)})).To(Equal([]string{"a2"}))
		})
		It("filters CreateTimes of any four-digit year, beyond the nanosecond range of 1678 to 2262", func() {
			for _, c := range []struct {
				id string
				ct time.Time
			}{
				{"far-future", time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)},
				{"after-2262", time.Date(2300, 6, 1, 0, 0, 0, 0, time.UTC)},
				{"before-1678", time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)},
				{"year-zero", time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)},
			} {
				r := record("dns:a", c.id, fmt.Sprintf(`{"ID":%q}`, c.id))
				r.Fields = store.Fields{CreateTime: c.ct}
				_, err := s.Put(ctx, r)
				Expect(err).NotTo(HaveOccurred())
			}
			Expect(ids(store.Filter{From: time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC)})).To(Equal([]string{"far-future", "after-2262"}))
			Expect(ids(store.Filter{From: time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2301, 1, 1, 0, 0, 0, 0, time.UTC)})).To(Equal([]string{"after-2262"}))
			Expect(ids(store.Filter{To: time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)})).To(Equal([]string{"before-1678", "year-zero"}))
			Expect(ids(store.Filter{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)})).To(Equal([]string{"a1", "a2", "a3"}))
		})
		It("filters by category, priority, analyzer name and ID, and addresses in any spelling", func() {
			Expect(ids(store.Filter{Category: "Recon.Scanning"})).To(Equal([]string{"a1", "a2"}))
			Expect(ids(store.Filter{Priority: "High", AnalyzerName: "ids1"})).To(Equal([]string{"a2"}))
			Expect(ids(store.Filter{AnalyzerID: "AN-IDS2"})).To(Equal([]string{"a3"}))
			Expect(ids(store.Filter{SourceIP: "2001:DB8:0::1"})).To(Equal([]string{"a2"}))
			Expect(ids(store.Filter{TargetIP: "192.0.2.99"})).To(HaveLen(3))
		})
		It("searches free text literally, LIKE wildcards included", func() {
			Expect(ids(store.Filter{Text: "SCAN"})).To(Equal([]string{"a1", "a2"}))
			Expect(ids(store.Filter{Text: "_force 100%"})).To(Equal([]string{"a3"}))
			Expect(ids(store.Filter{Text: "e_s"})).To(BeEmpty())
		})
		It("pages by sequence number", func() {
			Expect(ids(store.Filter{Limit: 2})).To(Equal([]string{"a1", "a2"}))
			Expect(ids(store.Filter{Limit: 2, After: 2})).To(Equal([]string{"a3"}))
		})
		It("counts by each group", func() {
			Expect(s.Stats(ctx, "Category", store.Filter{})).To(Equal([]store.Count{{Key: "Recon.Scanning", Count: 2}, {Key: "Attempt.Login", Count: 1}}))
			Expect(s.Stats(ctx, "Priority", store.Filter{})).To(Equal([]store.Count{{Key: "High", Count: 2}, {Key: "Low", Count: 1}}))
			Expect(s.Stats(ctx, "Analyzer.Name", store.Filter{Priority: "High"})).To(Equal([]store.Count{{Key: "ids1", Count: 1}, {Key: "ids2", Count: 1}}))
			Expect(s.Stats(ctx, "Source.IP", store.Filter{})).To(Equal([]store.Count{{Key: "192.0.2.1", Count: 2}, {Key: "2001:db8::1", Count: 1}}))
			_, err := s.Stats(ctx, "Target.IP", store.Filter{})
			Expect(err).To(MatchError(ContainSubstring("cannot group by")))
		})
	})
})

var _ = Describe("SQLite layouts", func() {
	ctx := context.Background()
	var path string
	BeforeEach(func() { path = filepath.Join(GinkgoT().TempDir(), "alerts.db") })
	raw := func() *sql.DB {
		db, err := sql.Open("sqlite", "file:"+path)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(db.Close)
		return db
	}

	It("keeps each peer certificate once, and gives it back with every alert", func() {
		s, err := store.OpenSQLite(path, store.SQLiteOptions{})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		cert := []byte("DER bytes of a certificate")
		for _, id := range []string{"c1", "c2"} {
			r := record("dns:a", id, fmt.Sprintf(`{"ID":%q}`, id))
			r.Evidence.PeerCertificate = cert
			_, err := s.Put(ctx, r)
			Expect(err).NotTo(HaveOccurred())
		}
		for _, id := range []string{"c1", "c2"} {
			recs, err := s.Get(ctx, id, "")
			Expect(err).NotTo(HaveOccurred())
			Expect(recs[0].Evidence.PeerCertificate).To(Equal(cert))
		}
		var peers int
		Expect(raw().QueryRow(`SELECT count(*) FROM peers`).Scan(&peers)).To(Succeed())
		Expect(peers).To(Equal(1))
	})

	It("migrates a file of layout version 1 in place: alerts, fields, certificates and queries", func() {
		db := raw()
		_, err := db.Exec(layout1SQL)
		Expect(err).NotTo(HaveOccurred())
		cert := []byte("DER of the analyzer's certificate")
		sum := sha256.Sum256(cert)
		fields := `{"create_time":"2026-01-14T12:00:00Z","categories":["Recon.Scanning"],"priority":"High","source_ips":["2001:DB8::1"],"target_ips":["192.0.2.9"]}`
		ev, _ := json.Marshal(store.Evidence{Mode: "push", PeerIdentity: "dns:a", PeerFingerprint: fmt.Sprintf("%x", sum), PeerCertificate: cert})
		for i, id := range []string{"M-1", "m-2"} {
			_, err := db.Exec(`INSERT INTO alerts (analyzer, id_key, id, digest, received, create_time, priority, fields, evidence, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				"dns:a", strings.ToLower(id), id, sum[:], int64(i), time.Date(2026, 1, 14, 12, 0, 0, 0, time.UTC).UnixNano(), "High", fields, string(ev), []byte(`{"ID":"`+id+`"}`))
			Expect(err).NotTo(HaveOccurred())
		}
		Expect(db.Close()).To(Succeed())

		s, err := store.OpenSQLite(path, store.SQLiteOptions{})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		recs, err := s.Get(ctx, "m-1", "dns:a")
		Expect(err).NotTo(HaveOccurred())
		Expect(recs[0].Evidence.PeerCertificate).To(Equal(cert))
		Expect(recs[0].Fields.SourceIPs).To(Equal([]string{"2001:db8::1"}))
		found, err := s.Query(ctx, store.Filter{Category: "Recon.Scanning", SourceIP: "2001:db8:0::1"})
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(HaveLen(2))
		Expect(s.Stats(ctx, "Source.IP", store.Filter{})).To(Equal([]store.Count{{Key: "2001:db8::1", Count: 2}}))
		res, err := s.Put(ctx, &store.Record{Analyzer: "dns:a", ID: "M-2", Raw: []byte("other"), Digest: sha256.Sum256([]byte("other")), Received: time.Now()})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Outcome).To(Equal(store.Conflict), "the migrated key still deduplicates")

		var version int
		Expect(raw().QueryRow(`PRAGMA user_version`).Scan(&version)).To(Succeed())
		Expect(version).To(Equal(3))
	})

	It("migrates a file of layout version 2 in place: CreateTimes recomputed, wrapped ones included", func() {
		db := raw()
		_, err := db.Exec(layout2SQL)
		Expect(err).NotTo(HaveOccurred())
		for _, c := range []struct {
			id, ct string
		}{{"in-range", "2026-01-14T12:00:00Z"}, {"wrapped", "2300-06-01T00:00:00Z"}} {
			ct, err := time.Parse(time.RFC3339, c.ct)
			Expect(err).NotTo(HaveOccurred())
			body := []byte(`{"ID":"` + c.id + `"}`)
			sum := sha256.Sum256(body)
			_, err = db.Exec(`INSERT INTO alerts (analyzer, id_key, id, digest, received, create_time, fields, evidence, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				"dns:a", c.id, c.id, sum[:], int64(1), ct.UnixNano(), `{"create_time":"`+c.ct+`"}`, `{"mode":"push"}`, body)
			Expect(err).NotTo(HaveOccurred())
		}
		Expect(db.Close()).To(Succeed())

		s, err := store.OpenSQLite(path, store.SQLiteOptions{})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		found, err := s.Query(ctx, store.Filter{From: time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC)})
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(HaveLen(1))
		Expect(found[0].ID).To(Equal("wrapped"))
		found, err = s.Query(ctx, store.Filter{From: time.Date(2026, 1, 14, 12, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 14, 12, 0, 0, 1000, time.UTC)})
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(HaveLen(1))
		Expect(found[0].ID).To(Equal("in-range"))
		var version int
		Expect(raw().QueryRow(`PRAGMA user_version`).Scan(&version)).To(Succeed())
		Expect(version).To(Equal(3))
	})

	It("refuses a file of a layout it does not know, naming the file and the version", func() {
		s, err := store.OpenSQLite(path, store.SQLiteOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Close()).To(Succeed())
		_, err = raw().Exec(`PRAGMA user_version = 7`)
		Expect(err).NotTo(HaveOccurred())
		_, err = store.OpenSQLite(path, store.SQLiteOptions{})
		Expect(err).To(MatchError(store.ErrLayout))
		Expect(err).To(MatchError(And(ContainSubstring(path), ContainSubstring("layout version 7"))))
	})
})

// layout2SQL is the schema of layout version 2, whose create_time was in nanoseconds.
const layout2SQL = `
CREATE TABLE alerts (seq INTEGER PRIMARY KEY, analyzer TEXT NOT NULL, id_key TEXT NOT NULL, id TEXT NOT NULL,
	dup INTEGER NOT NULL DEFAULT 0, digest BLOB NOT NULL, received INTEGER NOT NULL, create_time INTEGER, priority TEXT,
	analyzer_name TEXT, analyzer_id TEXT, fields TEXT NOT NULL, peer TEXT, evidence TEXT NOT NULL, raw BLOB NOT NULL);
CREATE UNIQUE INDEX alerts_key ON alerts(id_key, analyzer, dup);
CREATE INDEX alerts_create_time ON alerts(create_time);
CREATE TABLE peers (sha256 TEXT PRIMARY KEY, certificate BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE pull_cursors (source TEXT PRIMARY KEY, cursor TEXT NOT NULL, updated INTEGER NOT NULL);
PRAGMA user_version = 2;
`

// layout1SQL is the schema of layout version 1, as the first store wrote it.
const layout1SQL = `
CREATE TABLE alerts (seq INTEGER PRIMARY KEY, analyzer TEXT NOT NULL, id_key TEXT NOT NULL, id TEXT NOT NULL,
	dup INTEGER NOT NULL DEFAULT 0, digest BLOB NOT NULL, received INTEGER NOT NULL, create_time INTEGER, priority TEXT,
	analyzer_name TEXT, analyzer_id TEXT, fields TEXT NOT NULL, evidence TEXT NOT NULL, raw BLOB NOT NULL);
CREATE UNIQUE INDEX alerts_key ON alerts(analyzer, id_key, dup);
CREATE INDEX alerts_id ON alerts(id_key);
CREATE INDEX alerts_create_time ON alerts(create_time);
CREATE TABLE alert_categories (seq INTEGER NOT NULL, category TEXT NOT NULL);
CREATE INDEX alert_categories_category ON alert_categories(category, seq);
CREATE INDEX alert_categories_seq ON alert_categories(seq);
CREATE TABLE alert_ips (seq INTEGER NOT NULL, role TEXT NOT NULL, ip TEXT NOT NULL);
CREATE INDEX alert_ips_ip ON alert_ips(role, ip, seq);
CREATE INDEX alert_ips_seq ON alert_ips(seq);
CREATE TABLE pull_cursors (source TEXT PRIMARY KEY, cursor TEXT NOT NULL, updated INTEGER NOT NULL);
`
