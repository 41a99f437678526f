package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/idmefcheck/idmefcheck/reference/message"
	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/schema"
)

func validateCommand() *Command {
	return &Command{
		Name:  "validate",
		Usage: "validate [--profile strict|official] [--format text|json] [--ndjson] [--version V] [FILE|-]...",
		Short: "validate IDMEFv2 messages against the schemas and the drafts' rules",
		Long: `Validates IDMEFv2 alert messages. A FILE ending in .ndjson or .jsonl holds one message
per line, and so does every input with --ndjson; any other FILE holds one message. "-", or no
FILE at all, reads standard input. Streams are read in constant memory, whatever their length.

Each message is judged against the schema of the revision its Version names (--version V
judges every message against V instead). The strict profile (the default) adds every rule of
the drafts and of the requirements that a schema cannot express: RFC 3339 timestamps with an
offset and a real date, ports 1-65535, the ext-value rule, attachment references, hashes and
sizes, IDMEF paths, UTF-8 without BOM, unique member names and one JSON value per message. The
official profile gives exactly the published schema's verdict and reports what the drafts
forbid as warnings. docs/validator.md lists every rule.

--format text (the default) prints, for each message with findings, one line per finding
("source:line: pointer: sentence [severity rule; requirements]") and a verdict line, then a
summary with counts and messages per second. --format json prints one JSON object per message
per line:
  {"source":"a.ndjson","index":0,"line":1,"version":"2.D.V08","valid":false,
   "findings":[{"rule":"time.offset-missing","requirement":["R4766-7.14","IDMEF2-3.3.2-1"],
                "severity":"error","pointer":"/CreateTime","message":"..."}]}
"index" counts messages from 0 within their source, "line" is the line the message starts on,
"version" is the revision judged against (null when none could be chosen), "requirement" lists
catalogue IDs; the summary then goes to standard error.

--engine interpreter runs the schemas with the jsonschema/v5 interpreter only, instead of the
checks compiled from them; the findings are the same (a differential test holds them to it), only
slower. It is there to diagnose.

Exit codes: 0 every message valid; 1 at least one message invalid; 2 bad flags, or an input
that could not be read (the other inputs are still validated and reported).`,
		Setup: func(fs *pflag.FlagSet) RunFunc {
			o := &validateOptions{}
			fs.StringVar(&o.profile, "profile", "strict", "strict (drafts and requirements) or official (published schema only)")
			fs.StringVar(&o.format, "format", "text", "text for people, json for one JSON object per message")
			fs.BoolVar(&o.ndjson, "ndjson", false, "read every input as NDJSON, one message per line")
			fs.StringVar(&o.version, "version", "", "judge every message against this revision (e.g. 2.D.V08), whatever its Version says")
			fs.IntVar(&o.maxSize, "max-size", message.DefaultLimits().MaxBytes, "largest message accepted, in bytes; longer ones are reported invalid without being held in memory")
			fs.IntVar(&o.jobs, "jobs", runtime.GOMAXPROCS(0), "messages validated in parallel")
			fs.StringVar(&o.engine, "engine", validator.EngineCompiled, "compiled (checks compiled from the schemas, the default) or interpreter (jsonschema/v5 only, for diagnosis); both give the same findings")
			return o.run
		},
	}
}

type validateOptions struct {
	profile, format, version, engine string
	ndjson                           bool
	maxSize, jobs                    int
}

func (o *validateOptions) run(ctx context.Context, env *Env, args []string) error {
	profile, err := validator.ParseProfile(o.profile)
	if err != nil {
		return usageError("--profile %q: want strict or official", o.profile)
	}
	if o.format != "text" && o.format != "json" {
		return usageError("--format %q: want text or json", o.format)
	}
	if o.maxSize <= 0 {
		return usageError("--max-size must be positive, got %d", o.maxSize)
	}
	if o.jobs <= 0 {
		return usageError("--jobs must be positive, got %d", o.jobs)
	}
	set, err := schema.Load()
	if err != nil {
		return err
	}
	if o.version != "" {
		if _, ok := set.IDMEFv2(o.version); !ok {
			return usageError("--version %q: supported revisions are %s", o.version, strings.Join(set.Versions(), ", "))
		}
	}
	lim := message.DefaultLimits()
	lim.MaxBytes = o.maxSize
	if o.engine != validator.EngineCompiled && o.engine != validator.EngineInterpreter {
		return usageError("--engine %q: want compiled or interpreter", o.engine)
	}
	v, err := validator.New(set, validator.Options{Profile: profile, Version: o.version, Limits: lim, Engine: o.engine})
	if err != nil {
		return err
	}
	if len(args) == 0 {
		args = []string{"-"}
	}
	out := bufio.NewWriterSize(env.Stdout, 64<<10)
	rep := &reporter{format: o.format, w: out, profile: profile}
	start := time.Now()
	inputErrors := 0
	for _, src := range args {
		if err := o.validateSource(ctx, env, v, lim, src, rep); err != nil {
			inputErrors++
			rep.flush()
			fmt.Fprintf(env.Stderr, "idmefcheck validate: %v\n", err)
		}
		if ctx.Err() != nil {
			break
		}
	}
	summary := rep.summary(len(args), time.Since(start))
	if o.format == "json" {
		fmt.Fprintln(env.Stderr, summary)
	} else {
		fmt.Fprintln(out, summary)
	}
	if err := out.Flush(); err != nil {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("writing the report: %w", err)}
	}
	switch {
	case inputErrors > 0:
		return &ExitError{Code: ExitUsage}
	case ctx.Err() != nil:
		return &ExitError{Code: ExitUsage, Err: ctx.Err()}
	case rep.invalid > 0:
		return &ExitError{Code: ExitFail}
	}
	return nil
}

func (o *validateOptions) validateSource(ctx context.Context, env *Env, v *validator.Validator, lim message.Limits, src string, rep *reporter) error {
	var r io.Reader
	ndjson := o.ndjson
	if src == "-" {
		r = env.Stdin
	} else {
		f, err := os.Open(src)
		if err != nil {
			return err
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return fmt.Errorf("%s is a directory; name the files to validate", src)
		}
		r = f
		switch strings.ToLower(filepath.Ext(src)) {
		case ".ndjson", ".jsonl":
			ndjson = true
		}
	}
	return runPipeline(ctx, v, message.NewReader(r, ndjson, lim), ndjson, o.jobs, func(oc outcome) {
		oc.source = src
		rep.message(oc)
	})
}

// outcome is the verdict on one message, with the lines its findings point at.
type outcome struct {
	seq    int
	source string
	index  int
	line   int
	single bool // the source holds one message, so findings get lines of their own
	res    validator.Result
	lines  []int
}

type job struct {
	seq  int
	item message.Item
	data []byte
}

// batch is a run of messages handed to a worker at once: channel operations and
// allocations are then paid per batch, not per message.
type batch struct {
	seq  int
	jobs []job
	out  []outcome
}

const (
	batchMessages = 64
	batchBytes    = 1 << 20
)

// runPipeline reads messages, validates them on `workers` goroutines and hands the outcomes
// to emit in input order. Memory stays bounded: at most two batches per worker are in
// flight, each of at most batchMessages messages or batchBytes bytes (or one larger message).
func runPipeline(ctx context.Context, v *validator.Validator, r *message.Reader, ndjson bool, workers int, emit func(outcome)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan *batch, 2*workers)
	results := make(chan *batch, 2*workers)
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		b := &batch{}
		size := 0
		send := func() bool {
			if len(b.jobs) == 0 {
				return true
			}
			select {
			case batches <- b:
			case <-ctx.Done():
				return false
			}
			b, size = &batch{seq: b.seq + 1}, 0
			return true
		}
		for seq := 0; ; seq++ {
			it, err := r.Next()
			if errors.Is(err, io.EOF) {
				if !send() {
					readErr <- ctx.Err()
					return
				}
				readErr <- nil
				return
			}
			if err != nil {
				send()
				readErr <- err
				return
			}
			b.jobs = append(b.jobs, job{seq: seq, item: it, data: append([]byte(nil), it.Data...)})
			size += len(it.Data)
			if len(b.jobs) >= batchMessages || size >= batchBytes {
				if !send() {
					readErr <- ctx.Err()
					return
				}
			}
		}
	}()
	done := make(chan struct{})
	for range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			for b := range batches {
				b.out = make([]outcome, len(b.jobs))
				for i, j := range b.jobs {
					b.out[i] = judgeJob(v, j, ndjson)
				}
				results <- b
			}
		}()
	}
	go func() {
		for range workers {
			<-done
		}
		close(results)
	}()
	pending := map[int]*batch{}
	next := 0
	for b := range results {
		pending[b.seq] = b
		for {
			nb, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			for _, o := range nb.out {
				emit(o)
			}
			next++
		}
	}
	return <-readErr
}

func judgeJob(v *validator.Validator, j job, ndjson bool) outcome {
	oc := outcome{seq: j.seq, index: j.item.Index, line: j.item.Line, single: !ndjson}
	if j.item.Oversize != nil {
		oc.res = v.ValidateProblem(*j.item.Oversize)
	} else {
		oc.res = v.Validate(j.data)
	}
	oc.lines = make([]int, len(oc.res.Findings))
	for i, f := range oc.res.Findings {
		switch {
		case !oc.single || j.item.Oversize != nil:
			oc.lines[i] = j.item.Line
		case f.Offset >= 0:
			oc.lines[i] = 1 + strings.Count(string(j.data[:min(int(f.Offset), len(j.data))]), "\n")
		default:
			oc.lines[i], _ = message.Locate(j.data, f.Pointer)
		}
	}
	return oc
}

// reporter writes outcomes as they come and keeps the counts for the summary.
type reporter struct {
	format  string
	w       *bufio.Writer
	profile validator.Profile

	messages, valid, invalid, errors, warnings int
}

type jsonOutcome struct {
	Source   string              `json:"source"`
	Index    int                 `json:"index"`
	Line     int                 `json:"line"`
	Version  *string             `json:"version"`
	Valid    bool                `json:"valid"`
	Findings []validator.Finding `json:"findings"`
}

func (r *reporter) message(oc outcome) {
	r.messages++
	if oc.res.Valid {
		r.valid++
	} else {
		r.invalid++
	}
	e, w := oc.res.Counts()
	r.errors += e
	r.warnings += w
	if r.format == "json" {
		jo := jsonOutcome{Source: oc.source, Index: oc.index, Line: oc.line, Valid: oc.res.Valid, Findings: oc.res.Findings}
		if oc.res.Version != "" {
			jo.Version = &oc.res.Version
		}
		if jo.Findings == nil {
			jo.Findings = []validator.Finding{}
		}
		enc := json.NewEncoder(r.w)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(jo) // write errors surface at Flush
		return
	}
	if len(oc.res.Findings) == 0 && !oc.single {
		return
	}
	for i, f := range oc.res.Findings {
		ptr := f.Pointer
		if ptr == "" {
			ptr = "(message)"
		}
		fmt.Fprintf(r.w, "%s:%d: %s: %s [%s %s; %s]\n", oc.source, oc.lines[i], ptr, f.Message, f.Severity, f.Rule, strings.Join(f.Requirement, ", "))
	}
	name := oc.source
	if !oc.single {
		name = fmt.Sprintf("%s:%d", oc.source, oc.line)
	}
	verdict := "valid"
	if !oc.res.Valid {
		verdict = "invalid"
	}
	against := "no revision could be chosen"
	if oc.res.Version != "" {
		against = oc.res.Version
	}
	fmt.Fprintf(r.w, "%s: %s under %s (%s): %s\n", name, verdict, r.profile, against, plural(e, "error")+", "+plural(w, "warning"))
}

func (r *reporter) flush() { _ = r.w.Flush() }

func (r *reporter) summary(sources int, elapsed time.Duration) string {
	rate := ""
	if s := elapsed.Seconds(); s > 0 && r.messages > 0 {
		rate = fmt.Sprintf(", %.0f messages/s", float64(r.messages)/s)
	}
	return fmt.Sprintf("%s in %s: %d valid, %d invalid (%s, %s) under the %s profile; %s%s",
		plural(r.messages, "message"), plural(sources, "source"), r.valid, r.invalid,
		plural(r.errors, "error"), plural(r.warnings, "warning"), r.profile, elapsed.Round(time.Millisecond), rate)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
