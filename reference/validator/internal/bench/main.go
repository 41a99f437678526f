// Command bench supports `make bench`: "report" sets the validator's benchmark results
// beside ajv's on the same messages and prints the ratios docs/performance.md records;
// "stream" writes an NDJSON stream of a message repeated with distinct IDs, for measuring
// `idmefcheck validate --ndjson`.
//
// Usage:
//
//	go run ./reference/validator/internal/bench report GO_BENCH_OUTPUT AJV_JSON
//	go run ./reference/validator/internal/bench stream MESSAGE.json N > stream.ndjson
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
)

var (
	line   = regexp.MustCompile(`^BenchmarkValidate/([a-z]+)/([a-z]+)/(\S+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op.*?\s(\d+) allocs/op`)
	cpuCol = regexp.MustCompile(`\s([\d.]+) cpu-ns/msg`)
)

func main() {
	switch {
	case len(os.Args) == 4 && os.Args[1] == "report":
		report(os.Args[2], os.Args[3])
	case len(os.Args) == 4 && os.Args[1] == "stream":
		n, err := strconv.Atoi(os.Args[3])
		if err != nil {
			fail(err)
		}
		stream(os.Args[2], n)
	default:
		fmt.Fprintln(os.Stderr, "usage: bench report GO_BENCH_OUTPUT AJV_JSON | bench stream MESSAGE.json N")
		os.Exit(2)
	}
}

// stream writes n copies of a message, one per line, each with its own ID (the first
// group of the UUID counts up), every tenth without the CreateTime offset.
func stream(file string, n int) {
	var m map[string]any
	b, err := os.ReadFile(file)
	if err != nil {
		fail(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		fail(err)
	}
	id, _ := m["ID"].(string)
	created, _ := m["CreateTime"].(string)
	w := bufio.NewWriter(os.Stdout)
	for i := 0; i < n; i++ {
		m["ID"] = fmt.Sprintf("%08x%s", i, id[8:])
		m["CreateTime"] = created
		if i%10 == 9 {
			m["CreateTime"] = created[:19]
		}
		line, err := json.Marshal(m)
		if err != nil {
			fail(err)
		}
		w.Write(line)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		fail(err)
	}
}

func report(goOutput, ajvFile string) {
	f, err := os.Open(goOutput)
	if err != nil {
		fail(err)
	}
	defer f.Close()
	// Medians (and bests) over the -count runs, per benchmark and -cpu.
	samples, cpu := map[string][]float64{}, map[string][]float64{}
	allocs := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		cpus := "1"
		if m[4] != "" {
			cpus = m[4][1:]
		}
		key := m[1] + "/" + m[2] + "/" + m[3] + "/" + cpus
		ns, _ := strconv.ParseFloat(m[5], 64)
		samples[key] = append(samples[key], ns)
		allocs[key] = m[6]
		if c := cpuCol.FindStringSubmatch(sc.Text()); c != nil {
			x, _ := strconv.ParseFloat(c[1], 64)
			cpu[key] = append(cpu[key], x)
		}
	}
	var ajv map[string]struct {
		NS    float64 `json:"ns"`
		Valid bool    `json:"valid"`
	}
	b, err := os.ReadFile(ajvFile)
	if err != nil {
		fail(err)
	}
	if err := json.Unmarshal(b, &ajv); err != nil {
		fail(fmt.Errorf("%s: %w", ajvFile, err))
	}
	var files []string
	for k := range ajv {
		files = append(files, k)
	}
	sort.Strings(files)
	median := func(xs []float64) float64 {
		if len(xs) == 0 {
			return 0
		}
		ys := slices.Clone(xs)
		slices.Sort(ys)
		return ys[len(ys)/2]
	}
	best := func(xs []float64) float64 {
		if len(xs) == 0 {
			return 0
		}
		return slices.Min(xs)
	}
	fmt.Printf("%-20s %14s %14s %14s %8s %8s %10s %10s %7s\n", "message", "compiled", "interpreter", "ajv", "c/ajv", "best", "c/interp", "cpu-ns", "allocs")
	for _, file := range files {
		key := "compiled/strict/" + file + "/1"
		c := median(samples[key])
		in := median(samples["interpreter/strict/"+file+"/1"])
		a := ajv[file].NS
		if c == 0 || in == 0 || a == 0 {
			fmt.Printf("%-20s (missing results)\n", file)
			continue
		}
		fmt.Printf("%-20s %9.0f msg/s %9.0f msg/s %9.0f msg/s %7.2fx %7.2fx %9.1fx %10.0f %7s\n", file, 1e9/c, 1e9/in, 1e9/a, a/c, a/best(samples[key]), in/c, median(cpu[key]), allocs[key])
	}
	fmt.Println("(strict profile, one core. c/ajv: ajv's best of 5 rounds against the compiled engine's median of the")
	fmt.Println("-count runs; best: against its best run, like for like; above 1 the compiled engine is faster.")
	fmt.Println("cpu-ns: the compiled engine's median CPU time per message, which other work on the machine disturbs less.)")
	for _, file := range files {
		c1, c2 := median(samples["compiled/strict/"+file+"/1"]), median(samples["compiled/strict/"+file+"/2"])
		if c1 > 0 && c2 > 0 {
			fmt.Printf("%-20s compiled on 2 cores: %.2fx one core\n", file, c1/c2)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchreport:", err)
	os.Exit(1)
}
