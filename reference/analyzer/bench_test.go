package analyzer_test

import (
	"context"
	"crypto/x509"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/idmefcheck/idmefcheck/reference/analyzer"
	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/manager"
	"github.com/idmefcheck/idmefcheck/reference/pki"
	"github.com/idmefcheck/idmefcheck/reference/spool"
	"github.com/idmefcheck/idmefcheck/reference/store"
	"github.com/idmefcheck/idmefcheck/reference/transport"
	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/schema"
)

// BenchmarkDeliver measures alerts/s from the analyzer's spool to the reference manager, both
// in this process on loopback: b.N basic 2.D.V08 alerts are spooled first (not timed), then
// the analyzer runs until its spool is empty. With every guarantee on: the spool durable
// (acknowledgements fsync'd), mutual TLS 1.3, one message per request over HTTP/2, every request
// signed and every 204 counted only with a verified receipt; the manager validating (strict),
// deduplicating, verifying the signature (required) and committing durably before each 204.
//
//   - signed: the above, 64 requests in flight (the default);
//   - signed-16: the same with 16 in flight;
//   - unsigned: no request signatures and no receipt verification (a plain transport-draft
//     analyzer), 64 in flight, to show what they cost.
//
// Run it with -benchtime Nx; `make bench-analyzer` does.
func BenchmarkDeliver(b *testing.B) {
	w := newBenchWorld(b)
	b.Run("signed", func(b *testing.B) { benchDeliver(b, w, true, analyzer.DefaultConcurrency) })
	b.Run("signed-16", func(b *testing.B) { benchDeliver(b, w, true, 16) })
	b.Run("unsigned", func(b *testing.B) { benchDeliver(b, w, false, analyzer.DefaultConcurrency) })
}

// BenchmarkProduce measures alerts/s into the spool: building, strict validation and a
// durable commit, in batches of 256 as the inputs spool them.
func BenchmarkProduce(b *testing.B) {
	w := newBenchWorld(b)
	sp, err := spool.Open(filepath.Join(b.TempDir(), "spool.db"), spool.Options{MaxMessages: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	defer sp.Close()
	a, err := analyzer.New(w.analyzerConfig(sp, "https://localhost:1/", true, 0))
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	b.ResetTimer()
	start := time.Now()
	for left := b.N; left > 0; left -= 256 {
		if _, err := a.Emit(context.Background(), "basic", min(left, 256)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "alerts/s")
}

type benchWorld struct {
	roots                   *x509.CertPool
	manager, analyzer       *pki.Credential
	analyzerKey, managerKey *pki.SigningKey
	set                     *schema.Set
	v                       *validator.Validator
}

func newBenchWorld(b *testing.B) *benchWorld {
	now := time.Now()
	ca, err := pki.NewAuthority("bench CA", now)
	if err != nil {
		b.Fatal(err)
	}
	w := &benchWorld{roots: x509.NewCertPool()}
	w.roots.AddCert(ca.Cert)
	for _, c := range []struct {
		name string
		dst  **pki.Credential
		key  **pki.SigningKey
	}{{"manager", &w.manager, &w.managerKey}, {"analyzer", &w.analyzer, &w.analyzerKey}} {
		if *c.dst, err = ca.Issue(pki.LeafRequest{Name: c.name, Hosts: []string{"localhost", "127.0.0.1"}, Now: now}); err != nil {
			b.Fatal(err)
		}
		if *c.key, err = pki.NewSigningKey(c.name); err != nil {
			b.Fatal(err)
		}
	}
	if w.set, err = schema.Load(); err != nil {
		b.Fatal(err)
	}
	if w.v, err = validator.New(w.set, validator.Options{Profile: validator.Strict}); err != nil {
		b.Fatal(err)
	}
	return w
}

func (w *benchWorld) analyzerConfig(sp *spool.Spool, url string, signed bool, concurrency int) analyzer.Config {
	c := analyzer.Config{
		Certificate: w.analyzer.TLS(), Roots: w.roots, Managers: transport.NewAllowList(managerID),
		Schemas: w.set, Validator: w.v, Spool: sp, Self: alertSelf,
		Push:   &analyzer.Push{URL: url, Concurrency: concurrency},
		Retry:  analyzer.Retry{Min: 10 * time.Millisecond, Max: 100 * time.Millisecond},
		Logger: slog.New(slog.DiscardHandler),
	}
	if signed {
		c.Signer = &httpsig.Signer{KeyID: "analyzer", Private: w.analyzerKey.Private}
		c.Manager = &httpsig.Key{KeyID: "manager", Public: w.managerKey.Public(), Identity: managerID}
	}
	return c
}

func benchDeliver(b *testing.B, w *benchWorld, signed bool, concurrency int) {
	dir := b.TempDir()
	st, err := store.OpenSQLite(filepath.Join(dir, "alerts.db"), store.SQLiteOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	srv, err := manager.New(manager.Config{
		Certificate: w.manager.TLS(), ClientCAs: w.roots, Allow: transport.NewAllowList(analyzerID),
		Validator: w.v, Store: st, Signer: &httpsig.Signer{KeyID: "manager", Private: w.managerKey.Private},
		Analyzers:         []manager.Analyzer{{Identity: analyzerID, KeyID: "analyzer", PublicKey: w.analyzerKey.Public(), RequireSignature: signed}},
		Limits:            manager.Limits{Rate: 1e9, Burst: 1e9},
		Logger:            slog.New(slog.NewTextHandler(io.Discard, nil)),
		RequireSignatures: false,
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
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()
	sp, err := spool.Open(filepath.Join(dir, "spool.db"), spool.Options{MaxMessages: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	defer sp.Close()
	a, err := analyzer.New(w.analyzerConfig(sp, "https://localhost:"+portOf(ln)+"/", signed, concurrency))
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	for left := b.N; left > 0; left -= 256 {
		if _, err := a.Emit(context.Background(), "basic", min(left, 256)); err != nil {
			b.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	b.ResetTimer()
	start := time.Now()
	go func() { done <- a.Run(ctx, nil, time.Second) }()
	dctx, dcancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer dcancel()
	if err := a.Drain(dctx); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	if n, err := st.Count(context.Background()); err != nil || n != int64(b.N) {
		b.Fatalf("the manager stored %d alerts of %d (%v)", n, b.N, err)
	}
	if st := a.Stats(); st.Retries > 0 {
		b.Logf("%d retries", st.Retries)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "alerts/s")
}

func portOf(ln net.Listener) string {
	_, p, _ := net.SplitHostPort(ln.Addr().String())
	return p
}
