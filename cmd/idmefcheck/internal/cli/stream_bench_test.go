package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/idmefcheck/idmefcheck/cmd/idmefcheck/internal/cli"
)

// streamOf builds an NDJSON stream of n realistic alerts (the port-scan sample without its
// attachment, about 1.3 KB a line), each with its own ID, every tenth without UTC offset.
func streamOf(tb testing.TB, n int) []byte {
	data, err := os.ReadFile("../../../../vectors/samples/valid-2.D.V08-port-scan.json")
	if err != nil {
		tb.Fatal(err)
	}
	var compact bytes.Buffer
	for _, line := range strings.Split(string(data), "\n") {
		compact.WriteString(strings.TrimSpace(line))
	}
	base := compact.String()
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		m := strings.Replace(base, `"ID":"019bbd04-3058`, fmt.Sprintf(`"ID":"%08x-3058`, 0x019bbd04+i), 1)
		if i%10 == 9 {
			m = strings.Replace(m, `"2026-01-14T15:58:47.123+01:00"`, `"2026-01-14T15:58:47.123"`, 1)
		}
		b.WriteString(m)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// BenchmarkValidateStream measures `idmefcheck validate --ndjson` end to end on an in-memory
// stream: reading, validating on --jobs workers, ordering and printing. -cpu 1 runs it on
// one core.
func BenchmarkValidateStream(b *testing.B) {
	stream := streamOf(b, 20000)
	for _, jobs := range []string{"1", "2"} {
		b.Run("jobs="+jobs, func(b *testing.B) {
			b.SetBytes(int64(len(stream)))
			for b.Loop() {
				env := &cli.Env{Stdin: bytes.NewReader(stream), Stdout: io.Discard, Stderr: io.Discard}
				if code := cli.Main(context.Background(), []string{"validate", "--ndjson", "--jobs", jobs, "-"}, env); code != 1 {
					b.Fatalf("exit %d, want 1 (every tenth message lacks an offset)", code)
				}
			}
			b.ReportMetric(float64(20000*b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}
