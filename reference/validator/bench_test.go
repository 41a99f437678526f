package validator_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/internal/cputime"
	"github.com/idmefcheck/idmefcheck/reference/validator"
)

// BenchmarkValidate measures decode + validate of the realistic alerts in testdata/bench
// (about 1.5 KB each; 2.D.V04 and 2.D.V08, valid and with three faults), on each engine,
// under the strict profile and, for the compiled engine, the official one, on as many
// goroutines as -cpu allows (make bench runs -cpu 1,2). msgs/s is the throughput; make bench
// sets it beside ajv's on the same files. cpu-ns/msg is the process's CPU time per message
// (garbage collection included, summed over cores): on a shared machine, other work takes
// cores away and inflates ns/op, much less this process's CPU time.
func BenchmarkValidate(b *testing.B) {
	files, err := filepath.Glob("testdata/bench/*.json")
	if err != nil || len(files) == 0 {
		b.Fatalf("no bench messages: %v", err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		wantValid := strings.HasSuffix(name, "-valid")
		for _, c := range []struct {
			engine  string
			profile validator.Profile
		}{
			{validator.EngineCompiled, validator.Strict},
			{validator.EngineCompiled, validator.Official},
			{validator.EngineInterpreter, validator.Strict},
		} {
			b.Run(c.engine+"/"+string(c.profile)+"/"+name, func(b *testing.B) {
				gomega.RegisterTestingT(b)
				v := newValidator(validator.Options{Profile: c.profile, Engine: c.engine})
				if got := v.Validate(data).Valid; got != wantValid && c.profile == validator.Strict {
					b.Fatalf("%s: valid = %v, want %v", file, got, wantValid)
				}
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				b.ResetTimer()
				cpu := cputime.Process(b)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						v.Validate(data)
					}
				})
				cpu = cputime.Process(b) - cpu
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/msg")
			})
		}
	}
}
