package validator_test

import (
	"testing"

	"github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/validator"
)

// benchMessages are the realistic 2.D.V08 alert of the specs (about 1.5 KB written compactly)
// and the same alert with three faults: no UTC offset, a port out of range, a misspelt
// category.
func benchMessages(tb testing.TB) (valid, invalid []byte) {
	gomega.RegisterTestingT(tb) // the builders assert with Gomega
	valid = v08().bytes()
	invalid = v08().set("/CreateTime", "2025-01-14T15:58:47").set("/Target/0/Port/0", 70000).
		set("/Category/0", "Recon.Netword").bytes()
	if len(valid) < 1300 || len(valid) > 1700 {
		tb.Fatalf("the benchmark message is %d bytes, not about 1.5 KB", len(valid))
	}
	return valid, invalid
}

// BenchmarkValidate measures decode + validate of one message under each profile, on as
// many goroutines as -cpu allows (make bench runs -cpu 1,2). msgs/s is the throughput.
func BenchmarkValidate(b *testing.B) {
	valid, invalid := benchMessages(b)
	for _, c := range []struct {
		name    string
		data    []byte
		profile validator.Profile
		engine  string
		want    bool
	}{
		{"compiled/strict/valid", valid, validator.Strict, validator.EngineCompiled, true},
		{"compiled/strict/invalid", invalid, validator.Strict, validator.EngineCompiled, false},
		{"compiled/official/valid", valid, validator.Official, validator.EngineCompiled, true},
		{"interpreter/strict/valid", valid, validator.Strict, validator.EngineInterpreter, true},
		{"interpreter/strict/invalid", invalid, validator.Strict, validator.EngineInterpreter, false},
		{"interpreter/official/valid", valid, validator.Official, validator.EngineInterpreter, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			v := newValidator(validator.Options{Profile: c.profile, Engine: c.engine})
			if got := v.Validate(c.data).Valid; got != c.want {
				b.Fatalf("valid = %v, want %v", got, c.want)
			}
			b.SetBytes(int64(len(c.data)))
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					v.Validate(c.data)
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}
