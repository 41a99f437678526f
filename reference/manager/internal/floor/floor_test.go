package main

import (
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("the manager's floor", func() {
	write := func(name, text string) string {
		p := filepath.Join(GinkgoT().TempDir(), name)
		Expect(os.WriteFile(p, []byte(text), 0o644)).To(Succeed())
		return p
	}
	// Two runs of the ingest benchmark, and the guarantees measured alone; the medians of two
	// values are their mean.
	ingest := `goos: linux
pkg: github.com/idmefcheck/idmefcheck/reference/manager
BenchmarkIngest/bare-2      20000  24000 alerts/s  2.4 p50-ms  7.3 p99-ms  70 cpu-µs/alert  0 ns/op
BenchmarkIngest/bare-2      20000  26000 alerts/s  2.4 p50-ms  7.3 p99-ms  72 cpu-µs/alert  0 ns/op
BenchmarkIngest/manager-2   20000   8000 alerts/s  6.8 p50-ms  16 p99-ms  210 cpu-µs/alert  0 ns/op
BenchmarkIngest/manager-2   20000   9000 alerts/s  6.8 p50-ms  16 p99-ms  200 cpu-µs/alert  0 ns/op
PASS
`
	alone := `BenchmarkVerifyRequest-2   31303   38000 ns/op   5744 B/op   95 allocs/op
BenchmarkReceipt-2         75579   16000 ns/op
BenchmarkEd25519/sign-2   100201   12000 ns/op
BenchmarkEd25519/verify-2  45126   26000 ns/op
BenchmarkEd25519/verify-stdlib-2  23136   51000 ns/op
BenchmarkValidateAlert-2  287244    4000 ns/op
BenchmarkExtract/tape-2   476816    2000 ns/op
BenchmarkPut/writers=64-2  20000  20000 alerts/s  64 alerts/tx  29 cpu-µs/alert  0 ns/op
`
	It("adds the guarantees measured alone to the ceiling, and says what share of it that leaves", func() {
		var out strings.Builder
		Expect(run([]string{write("ingest.txt", ingest), write("alone.txt", alone)}, &out)).To(Succeed())
		Expect(out.String()).To(And(
			MatchRegexp(`the bare TLS handler +71\.0 µs +25000 alerts/s`),
			MatchRegexp(`every guarantee on +205\.0 µs +8500 alerts/s +34\.0 % of the ceiling`),
			MatchRegexp(`allows at most +142\.0 µs`),
			MatchRegexp(`verifying the request's signature +38\.0 µs +\(Ed25519 alone 26\.0\)`),
			MatchRegexp(`signing the receipt +16\.0 µs +\(Ed25519 alone 12\.0\)`),
			MatchRegexp(`durable commit \(64 writers\) +29\.0 µs`),
			// 71 + 38 + 16 + 29 + 4 + 2 = 160; 71/160 = 44.4 %
			MatchRegexp(`the ceiling plus all of these +160\.0 µs +at most 44\.4 % of the ceiling`),
			// 71 + 26 + 12 + 29 + 4 + 2 = 144; 71/144 = 49.3 %
			MatchRegexp(`at Ed25519 alone +144\.0 µs +at most 49\.3 % of the ceiling`),
			MatchRegexp(`above its floor \(HTTP/2, runtime\) +45\.0 µs`),
		))
	})

	It("names every figure it lacks and the files it read", func() {
		f := write("ingest.txt", ingest)
		err := run([]string{f}, &strings.Builder{})
		Expect(err).To(MatchError(And(
			ContainSubstring("no sec/op of BenchmarkVerifyRequest in "+f),
			ContainSubstring("no cpu-µs/alert of BenchmarkPut/writers=64"),
			ContainSubstring("no sec/op of BenchmarkExtract/tape"),
		)))
	})

	It("names the file and line of a result it cannot read", func() {
		f := write("broken.txt", ingest+"BenchmarkIngest/bare-2  20000  fast alerts/s\n")
		Expect(run([]string{f}, &strings.Builder{})).To(MatchError(ContainSubstring("broken.txt:8:")))
	})

	It("refuses a file it cannot read, and no files at all", func() {
		Expect(run([]string{filepath.Join(GinkgoT().TempDir(), "missing.txt")}, &strings.Builder{})).To(MatchError(ContainSubstring("missing.txt")))
		Expect(run(nil, &strings.Builder{})).To(MatchError(ContainSubstring("usage")))
	})
})
