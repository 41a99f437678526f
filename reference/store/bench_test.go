package store_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/internal/cputime"
	"github.com/idmefcheck/idmefcheck/reference/store"
)

// BenchmarkPut measures the durable commit on its own, as the manager drives it: writers
// concurrently Put distinct alerts of about 1.1 KB with their fields and signed evidence, and
// each Put returns only once its transaction is committed (WAL, synchronous=FULL, group
// commit). It reports alerts/s, the CPU time of the process per alert (the committer, the
// writers, SQLite's writes and fsyncs), and alerts per transaction. The manager's share of
// BenchmarkIngest that no faster HTTP stack can remove (docs/performance.md).
func BenchmarkPut(b *testing.B) {
	for _, writers := range []int{1, 64} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			var txs atomic.Int64
			s, err := store.OpenSQLite(filepath.Join(b.TempDir(), "alerts.db"), store.SQLiteOptions{
				Committed: func([]*store.Record) { txs.Add(1) },
			})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			recs := make([]*store.Record, b.N)
			for i := range recs {
				recs[i] = benchRecord(i)
			}
			ctx := context.Background()
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			cpu0 := cputime.Process(b)
			start := time.Now()
			for range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := int(next.Add(1) - 1)
						if i >= b.N {
							return
						}
						res, err := s.Put(ctx, recs[i])
						if err != nil || res.Outcome != store.Stored {
							b.Errorf("alert %d: %v %v", i, res.Outcome, err)
							return
						}
					}
				}()
			}
			wg.Wait()
			elapsed, cpu := time.Since(start), cputime.Process(b)-cpu0
			b.StopTimer()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "alerts/s")
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/alert")
			b.ReportMetric(float64(b.N)/float64(max(txs.Load(), 1)), "alerts/tx")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// benchRecord is what the manager stores for a signed 2.D.V08 alert of about 1.1 KB.
func benchRecord(i int) *store.Record {
	id := fmt.Sprintf("0190a6e2-7c1d-7b3e-9f00-%012d", i)
	// The store keeps the bytes as they came and reads nothing from them: 1.1 KB of JSON
	// stands for the alert, whose fields are below.
	raw := []byte(fmt.Sprintf(`{"Version":"2.D.V08","ID":%q,"Description":%q}`, id, strings.Repeat("port scan ", 105)))
	created := time.Date(2026, 1, 14, 14, 58, 47, 0, time.UTC)
	nonce := fmt.Sprintf("bench-nonce-%016d", i)
	return &store.Record{
		Analyzer: "dns:analyzer", ID: id, Raw: raw, Digest: sha256.Sum256(raw), Received: time.Now(),
		Fields: store.Fields{CreateTime: created.Add(123 * time.Millisecond), Categories: []string{"Recon.Network"}, Priority: "Medium",
			AnalyzerName: "ewa.ps4.nids1", AnalyzerID: "019bb7dd-d458-70c8-a381-f614fd8e94a4",
			SourceIPs: []string{"203.0.113.77"}, TargetIPs: []string{"10.4.0.21"}},
		Evidence: store.Evidence{Mode: "push", PeerIdentity: "dns:analyzer", PeerFingerprint: "3f1a0c…", PeerCertificate: make([]byte, 520),
			RemoteAddr: "127.0.0.1:50412", Protocol: "HTTP/2.0", Target: "/", ContentType: "application/json",
			Signature: &httpsig.Evidence{KeyID: "analyzer", Identity: "dns:analyzer", Created: created, Nonce: nonce,
				SignatureInput: `idmef=("@method" "@target-uri" "content-digest" "content-type");created=1768402727;nonce="` + nonce + `";alg="ed25519";tag="idmefv2-request";keyid="analyzer"`,
				Signature:      "idmef=:q2ZyVxIuW0l3c8v1vYbV2m7Pp9zC1yJk3n8lQ0cX4sGm5QpT1r9Wc0vH3kXo6uD2bN7yE4aR8fL1sJ0tK5hZAw==:",
				ContentDigest:  "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:",
				Components:     []string{`"@method"`, `"@target-uri"`, `"content-digest"`, `"content-type"`}}},
	}
}
