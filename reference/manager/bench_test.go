package manager_test

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/internal/cputime"
	"github.com/idmefcheck/idmefcheck/reference/manager"
	"github.com/idmefcheck/idmefcheck/reference/pki"
	"github.com/idmefcheck/idmefcheck/reference/store"
	"github.com/idmefcheck/idmefcheck/reference/transport"
	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/schema"
)

// benchStreams is how many requests the loader keeps in flight on its one HTTP/2 connection.
const benchStreams = 64

// BenchmarkIngest measures sustained alerts/s and latency over HTTP/2 with mutual TLS 1.3,
// one connection and benchStreams concurrent streams, every request signed (RFC 9421), from
// a loader in the same process:
//
//   - bare: a TLS server with the manager's TLS configuration whose handler reads the body
//     and answers 204, nothing else: the ceiling of this machine's TLS and HTTP/2 stack.
//   - manager: the reference manager with every guarantee on: signatures required and
//     verified (nonce cache), strict validation, dedup, a durable SQLite commit (WAL,
//     synchronous=FULL, group commit) before each 204, a signed receipt.
//   - manager-unsigned: the same manager and loader without request signatures (what a plain
//     transport-draft analyzer gets; receipts are still signed), to show what they cost.
//
// Each case reports alerts/s, p50 and p99 latency, and cpu-µs/alert: the CPU time of the whole
// process (loader and server) per alert, the figure to read when other work shares the
// machine. Run it with -benchtime Nx (N alerts); `make bench-manager` does.
func BenchmarkIngest(b *testing.B) {
	w := benchWorld(b)
	b.Run("bare", func(b *testing.B) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		srv := &http.Server{Handler: http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			rw.WriteHeader(http.StatusNoContent)
		}), TLSConfig: transport.ServerConfig(w.manager.TLS(), transport.Policy{Roots: w.roots, Allow: transport.NewAllowList(analyzerID)}, transport.ServerOptions{}),
			HTTP2: &http.HTTP2Config{MaxConcurrentStreams: 250}}
		go func() { _ = srv.ServeTLS(ln, "", "") }()
		defer srv.Close()
		runLoad(b, w, "https://"+ln.Addr().String()+"/", true)
	})
	b.Run("manager", func(b *testing.B) { benchManager(b, w, true) })
	b.Run("manager-unsigned", func(b *testing.B) { benchManager(b, w, false) })
}

func benchManager(b *testing.B, w *benchPKI, signed bool) {
	{
		dir := b.TempDir()
		st, err := store.OpenSQLite(filepath.Join(dir, "alerts.db"), store.SQLiteOptions{})
		if err != nil {
			b.Fatal(err)
		}
		v := benchValidator(b)
		srv, err := manager.New(manager.Config{
			Certificate: w.manager.TLS(), ClientCAs: w.roots, Allow: transport.NewAllowList(analyzerID),
			Validator: v, Store: st, Signer: &httpsig.Signer{KeyID: "manager", Private: w.managerKey.Private},
			Analyzers:         []manager.Analyzer{{Identity: analyzerID, KeyID: "analyzer", PublicKey: w.analyzerKey.Public()}},
			RequireSignatures: signed,
			Limits:            manager.Limits{Rate: 1e9, Burst: 1 << 30},
		})
		if err != nil {
			b.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		if err := srv.Start([]net.Listener{ln}, nil); err != nil {
			b.Fatal(err)
		}
		defer func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_ = srv.Shutdown(ctx)
			_ = st.Close()
		}()
		runLoad(b, w, "https://"+ln.Addr().String()+"/", signed)
		n, _ := st.Count(context.Background())
		if n != int64(b.N)+1 { // the warm-up alert too
			b.Fatalf("%d alerts stored, %d sent", n, b.N+1)
		}
	}
}

type benchPKI struct {
	roots                   *x509.CertPool
	manager, analyzer       *pki.Credential
	analyzerKey, managerKey *pki.SigningKey
}

func benchWorld(b *testing.B) *benchPKI {
	now := time.Now()
	ca, err := pki.NewAuthority("bench CA", now)
	if err != nil {
		b.Fatal(err)
	}
	w := &benchPKI{roots: x509.NewCertPool()}
	w.roots.AddCert(ca.Cert)
	hosts := []string{"localhost", "127.0.0.1"}
	if w.manager, err = ca.Issue(pki.LeafRequest{Name: "manager", Hosts: hosts, Now: now}); err != nil {
		b.Fatal(err)
	}
	if w.analyzer, err = ca.Issue(pki.LeafRequest{Name: "analyzer", Hosts: hosts, Now: now}); err != nil {
		b.Fatal(err)
	}
	w.analyzerKey, _ = pki.NewSigningKey("analyzer")
	w.managerKey, _ = pki.NewSigningKey("manager")
	return w
}

// benchAlert is a realistic 2.D.V08 alert of about 1.1 KB.
func benchAlert(i int) []byte {
	return []byte(fmt.Sprintf(`{"Version":"2.D.V08","ID":"0190a6e2-7c1d-7b3e-9f00-%012d","CreateTime":"2026-01-14T15:58:47.123+01:00",`+
		`"OrganisationName":"Example Water Authority","EntityName":"Pumping station 4","Type":["Cyber"],"Category":["Recon.Network"],`+
		`"Cause":"Malicious","Status":["Incident"],"Priority":"Medium","Confidence":0.85,"Description":"Port scan of the SCADA segment from an external address",`+
		`"StartTime":"2026-01-14T15:57:02+01:00","Ref":["urn:cve:CVE-2013-2266"],`+
		`"Analyzer":{"ID":"019bb7dd-d458-70c8-a381-f614fd8e94a4","Name":"ewa.ps4.nids1","Hostname":"nids1.ps4.example.net","IP":"192.0.2.10","Model":"ExampleIDS 7.2","Category":["NET.NIDS"],"Data":["Network"],"Method":["Signature"]},`+
		`"Sensor":[{"ID":"019bb7dd-d459-7123-8995-505eed1f06fa","Name":"ewa.ps4.tap1","IP":"2001:db8:4::10"}],`+
		`"Source":[{"ID":"019bbd04-3059-71d7-b7cb-5fe9b23316d2","IP":"203.0.113.77","Protocol":["tcp"],"Port":[49152]}],`+
		`"Target":[{"ID":"019bbd04-305a-7a63-a3f0-a2aa2ba810b8","IP":"10.4.0.21","Hostname":"hmi1.ps4.example.net","Port":[502,20000],"Service":"modbus"}]}`, i))
}

var benchRound atomic.Int64

// runLoad sends b.N signed alerts over one HTTP/2 connection with benchStreams in flight and
// reports alerts/s and the p50 and p99 latencies.
func runLoad(b *testing.B, w *benchPKI, url string, signed bool) {
	s, err := manager.NewSender(url, w.analyzer.TLS(), w.roots, manager.SenderOptions{ServerName: "localhost"})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if signed {
		s.Signer = &httpsig.Signer{KeyID: "analyzer", Private: w.analyzerKey.Private}
	}
	base := int(benchRound.Add(1)) * 10_000_000
	msgs := make([][]byte, b.N)
	for i := range msgs {
		msgs[i] = benchAlert(base + i)
	}
	// Warm the connection so the handshake is not timed.
	if _, err := s.Send(context.Background(), benchAlert(base+9_999_999)); err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var failed atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	cpu0 := cputime.Process(b)
	start := time.Now()
	for range benchStreams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				t := time.Now()
				a, err := s.Send(context.Background(), msgs[i])
				lat[i] = time.Since(t)
				if err != nil || a.Status != http.StatusNoContent {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cputime.Process(b) - cpu0
	b.StopTimer()
	if f := failed.Load(); f > 0 {
		b.Fatalf("%d of %d alerts not answered 204", f, b.N)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "alerts/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/alert")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkValidateAlert measures strict validation of the alert BenchmarkIngest sends, on its
// own: the validator's share of the manager's work per alert (docs/performance.md).
func BenchmarkValidateAlert(b *testing.B) {
	v := benchValidator(b)
	msg := benchAlert(1)
	b.ReportAllocs()
	for b.Loop() {
		if r := v.Validate(msg); !r.Valid {
			b.Fatalf("invalid: %v", r.Findings)
		}
	}
}

// benchValidator is the manager's validator: the strict profile on the compiled engine.
func benchValidator(b *testing.B) *validator.Validator {
	set, err := schema.Load()
	if err != nil {
		b.Fatal(err)
	}
	v, err := validator.New(set, validator.Options{Profile: validator.Strict})
	if err != nil {
		b.Fatal(err)
	}
	return v
}
