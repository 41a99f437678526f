// Command floor reads the output of `make bench-manager` and says how close the reference
// manager can come to half the ceiling: it sets the CPU per alert of the bare case beside the
// manager's, and beside the sum of what each guarantee costs when measured on its own
// (signature verification, the receipt, the durable commit, strict validation, the query
// fields), the floor that no faster HTTP stack or runtime could go below. docs/performance.md.
//
//	go run ./reference/manager/internal/floor FILE...
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"golang.org/x/perf/benchfmt"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(2)
	}
}

// key names one measurement: a benchmark (its full name without the GOMAXPROCS suffix) and
// a unit.
type key struct{ name, unit string }

// figure is a measurement the floor needs; scale turns it into µs.
type figure struct {
	key
	scale float64
}

var (
	bare        = figure{key{"Ingest/bare", "cpu-µs/alert"}, 1}
	bareRate    = figure{key{"Ingest/bare", "alerts/s"}, 1}
	manager     = figure{key{"Ingest/manager", "cpu-µs/alert"}, 1}
	managerRate = figure{key{"Ingest/manager", "alerts/s"}, 1}
	verify      = figure{key{"VerifyRequest", "sec/op"}, 1e6}
	receipt     = figure{key{"Receipt", "sec/op"}, 1e6}
	edVerify    = figure{key{"Ed25519/verify", "sec/op"}, 1e6}
	edSign      = figure{key{"Ed25519/sign", "sec/op"}, 1e6}
	commit      = figure{key{"Put/writers=64", "cpu-µs/alert"}, 1}
	validate    = figure{key{"ValidateAlert", "sec/op"}, 1e6}
	fields      = figure{key{"Extract/tape", "sec/op"}, 1e6}
)

func run(files []string, out io.Writer) error {
	if len(files) == 0 {
		return errors.New("usage: floor FILE... (the output of the benchmarks make bench-manager runs)")
	}
	values := map[key][]float64{}
	for _, f := range files {
		if err := read(f, values); err != nil {
			return err
		}
	}
	med := func(f figure) (float64, error) {
		vs := values[f.key]
		if len(vs) == 0 {
			return 0, fmt.Errorf("no %s of Benchmark%s in %s", f.unit, f.name, strings.Join(files, ", "))
		}
		slices.Sort(vs)
		m := vs[len(vs)/2]
		if len(vs)%2 == 0 {
			m = (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2
		}
		return m * f.scale, nil
	}
	var errs []error
	get := func(f figure) float64 {
		v, err := med(f)
		errs = append(errs, err)
		return v
	}
	b, br, m, mr := get(bare), get(bareRate), get(manager), get(managerRate)
	ver, rec, ev, es := get(verify), get(receipt), get(edVerify), get(edSign)
	com, val, fld := get(commit), get(validate), get(fields)
	if err := errors.Join(errs...); err != nil {
		return err
	}
	floor := b + ver + rec + com + val + fld
	primitives := b + ev + es + com + val + fld
	p := func(format string, a ...any) { fmt.Fprintf(out, format, a...) }
	p("medians of %d files' runs; CPU time of the whole process per alert (loader and server)\n", len(files))
	p("%-46s %7.1f µs  %8.0f alerts/s\n", "the ceiling: the bare TLS handler", b, br)
	p("%-46s %7.1f µs  %8.0f alerts/s  %4.1f %% of the ceiling\n", "the manager, every guarantee on", m, mr, 100*mr/br)
	p("%-46s %7.1f µs\n", "half the ceiling's rate allows at most", 2*b)
	p("what the guarantees cost, each measured on its own:\n")
	p("  %-44s %7.1f µs  (Ed25519 alone %.1f)\n", "verifying the request's signature", ver, ev)
	p("  %-44s %7.1f µs  (Ed25519 alone %.1f)\n", "signing the receipt", rec, es)
	p("  %-44s %7.1f µs\n", "the durable commit (64 writers)", com)
	p("  %-44s %7.1f µs\n", "strict validation", val)
	p("  %-44s %7.1f µs\n", "the query fields", fld)
	p("%-46s %7.1f µs  at most %4.1f %% of the ceiling\n", "the floor: the ceiling plus all of these", floor, 100*b/floor)
	p("%-46s %7.1f µs  at most %4.1f %% of the ceiling\n", "  with the signatures at Ed25519 alone", primitives, 100*b/primitives)
	p("%-46s %7.1f µs\n", "the manager above its floor (HTTP/2, runtime)", m-floor)
	return nil
}

// read adds the values of the benchmark results in file to values, by name and unit.
func read(file string, values map[key][]float64) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	r := benchfmt.NewReader(f, file)
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.SyntaxError:
			return rec // it names the file and the line
		case *benchfmt.Result:
			name := string(rec.Name.Full())
			if i := strings.LastIndexByte(name, '-'); i > 0 && strings.Trim(name[i+1:], "0123456789") == "" {
				name = name[:i]
			}
			for _, v := range rec.Values {
				k := key{name, v.Unit}
				values[k] = append(values[k], v.Value)
			}
		}
	}
	if err := r.Err(); err != nil {
		return fmt.Errorf("reading %s: %w", file, err)
	}
	return nil
}
