package validator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/types"

	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/schema"
)

// baseV08 is a valid, realistic 2.D.V08 alert: a port scan seen by a network IDS, with a
// Base64 attachment whose sha256 Hash and Size match its content
// ("SYN 198.51.100.7:51514 -> [2001:db8::80]:443 flags S\n", 53 bytes). Every spec that
// breaks a rule starts from it and changes one thing.
const baseV08 = `{
  "Version": "2.D.V08",
  "ID": "0194608e-3c5a-7b21-9f3e-5d2c8a1b4e60",
  "CreateTime": "2025-01-14T15:58:47.125+01:00",
  "StartTime": "2025-01-14T15:40:00+01:00",
  "EndTime": "2025-01-14T15:55:00+01:00",
  "Type": ["Cyber"],
  "Category": ["Recon.Network"],
  "Cause": "Malicious",
  "Description": "Port scan of the web front end",
  "Status": ["Event"],
  "Priority": "Medium",
  "Confidence": 0.8,
  "Ref": ["https://www.example.com/advisories/2025-001"],
  "Analyzer": {
    "ID": "0194608e-3c5a-7b21-9f3e-5d2c8a1b4e61",
    "Name": "soc.paris.ids01",
    "Hostname": "ids01.example.com",
    "IP": "192.0.2.10",
    "Model": "Suricata 7.0.8",
    "Category": ["NET.NIDS"],
    "Data": ["Flow"],
    "Method": ["Signature"],
    "GeoLocation": "48.8584,2.2945"
  },
  "Sensor": [{
    "ID": "0194608e-3c5a-7b21-9f3e-5d2c8a1b4e62",
    "Name": "tap01",
    "Hostname": "tap01.example.com",
    "IP": "192.0.2.11",
    "CaptureZone": "{\"network\":\"2001:db8::/64\"}"
  }],
  "Source": [{
    "ID": "0194608e-3c5a-7b21-9f3e-5d2c8a1b4e63",
    "IP": "198.51.100.7",
    "Hostname": "scanner.example.net",
    "Port": [51514],
    "Protocol": ["tcp"],
    "TI": ["IP:Dshield"]
  }],
  "Target": [{
    "ID": "0194608e-3c5a-7b21-9f3e-5d2c8a1b4e64",
    "IP": "2001:db8::80",
    "Hostname": "www.example.com",
    "Port": [443],
    "Email": "webmaster@example.com",
    "Attachment": ["scan1"]
  }],
  "Attachment": [{
    "Name": "scan1",
    "FileName": "scan.txt",
    "ContentType": "text/plain; charset=utf-8",
    "ContentEncoding": "base64",
    "Content": "U1lOIDE5OC41MS4xMDAuNzo1MTUxNCAtPiBbMjAwMTpkYjg6OjgwXTo0NDMgZmxhZ3MgUwo=",
    "Hash": ["sha256:ae9d4ff05bcc2e4b4c7f755a84d86edb34f0575965d1e0774cbee0fa295721d0"],
    "Size": 53
  }]
}`

// baseV04 is a valid 2.D.V04 alert. In 2.D.V04 the Analyzer needs IP as well as Name,
// Source and Target have no ID, Status is a single keyword, ext-Category is a string and
// the extension keyword of Category is "ext-value".
const baseV04 = `{
  "Version": "2.D.V04",
  "ID": "0194608e-3c5a-7b21-9f3e-5d2c8a1b4e70",
  "CreateTime": "2021-06-01T08:15:00Z",
  "Category": ["Recon.Scanning"],
  "Status": "Event",
  "Priority": "Low",
  "Confidence": 0.5,
  "Analyzer": {
    "IP": "192.0.2.20",
    "Name": "plant.lyon.ids02",
    "Hostname": "ids02.example.org",
    "Category": ["NIDS"]
  },
  "Source": [{"IP": "203.0.113.9", "Port": [40000]}],
  "Target": [{"IP": "192.0.2.80", "Port": [80]}]
}`

// msg is a message under construction: a decoded copy of a base that a spec edits by JSON
// Pointer before turning it back into bytes.
type msg struct {
	root any
	raw  map[string]string // placeholder string -> raw JSON text put in its place
}

func parse(text string) *msg {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		panic(fmt.Sprintf("builder: base message: %v", err))
	}
	return &msg{root: v, raw: map[string]string{}}
}

func v08() *msg { return parse(baseV08) }
func v04() *msg { return parse(baseV04) }

// num is a JSON number literal as written, e.g. num("443.0").
func num(lit string) json.Number { return json.Number(lit) }

// set puts val at ptr, creating the member when the parent object lacks it; "-" appends to
// an array.
func (m *msg) set(ptr string, val any) *msg {
	m.root = setAt(m.root, tokens(ptr), val)
	return m
}

// setRaw puts raw JSON text at ptr, byte for byte (escapes, numbers beyond what Go's
// encoder would write).
func (m *msg) setRaw(ptr, text string) *msg {
	key := fmt.Sprintf("\x00raw%d\x00", len(m.raw))
	m.raw[key] = text
	return m.set(ptr, key)
}

// del removes the member or array element at ptr.
func (m *msg) del(ptr string) *msg {
	toks := tokens(ptr)
	parent := get(m.root, toks[:len(toks)-1])
	last := toks[len(toks)-1]
	switch p := parent.(type) {
	case map[string]any:
		if _, ok := p[last]; !ok {
			panic("builder: del: no member at " + ptr)
		}
		delete(p, last)
	case []any:
		i := index(last, len(p))
		m.root = setAt(m.root, toks[:len(toks)-1], append(p[:i:i], p[i+1:]...))
	default:
		panic("builder: del: nothing at " + ptr)
	}
	return m
}

// get returns the value at ptr.
func (m *msg) get(ptr string) any { return get(m.root, tokens(ptr)) }

func (m *msg) bytes() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m.root); err != nil {
		panic(fmt.Sprintf("builder: encode: %v", err))
	}
	out := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	for key, text := range m.raw {
		quoted, _ := json.Marshal(key)
		out = bytes.Replace(out, quoted, []byte(text), 1)
	}
	return out
}

func tokens(ptr string) []string {
	if ptr == "" {
		return nil
	}
	if !strings.HasPrefix(ptr, "/") {
		panic("builder: not a JSON Pointer: " + ptr)
	}
	toks := strings.Split(ptr[1:], "/")
	for i, t := range toks {
		toks[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(t)
	}
	return toks
}

func index(tok string, n int) int {
	i, err := strconv.Atoi(tok)
	if err != nil || i < 0 || i >= n {
		panic(fmt.Sprintf("builder: index %q out of range (%d items)", tok, n))
	}
	return i
}

func get(v any, toks []string) any {
	for _, t := range toks {
		switch c := v.(type) {
		case map[string]any:
			v = c[t]
		case []any:
			v = c[index(t, len(c))]
		default:
			panic("builder: get: cannot descend into " + t)
		}
	}
	return v
}

func setAt(v any, toks []string, val any) any {
	if len(toks) == 0 {
		return val
	}
	switch c := v.(type) {
	case map[string]any:
		c[toks[0]] = setAt(c[toks[0]], toks[1:], val)
		return c
	case []any:
		if toks[0] == "-" {
			return append(c, setAt(nil, toks[1:], val))
		}
		i := index(toks[0], len(c))
		c[i] = setAt(c[i], toks[1:], val)
		return c
	case nil:
		if len(toks) == 1 {
			return map[string]any{toks[0]: val}
		}
	}
	panic(fmt.Sprintf("builder: set: cannot descend into %q", toks[0]))
}

// The schemas compile once for the whole suite: a compiled Set is immutable and safe to
// share between specs and goroutines.
var loadSet = sync.OnceValues(schema.Load)

func newValidator(opts validator.Options) *validator.Validator {
	GinkgoHelper()
	set, err := loadSet()
	Expect(err).NotTo(HaveOccurred())
	v, err := validator.New(set, opts)
	Expect(err).NotTo(HaveOccurred())
	return v
}

// validate judges data under a profile with otherwise default options.
func validate(data []byte, p validator.Profile) validator.Result {
	GinkgoHelper()
	return newValidator(validator.Options{Profile: p}).Validate(data)
}

func (m *msg) under(p validator.Profile) validator.Result {
	GinkgoHelper()
	return validate(m.bytes(), p)
}

func (m *msg) strict() validator.Result {
	GinkgoHelper()
	return m.under(validator.Strict)
}

func (m *msg) official() validator.Result {
	GinkgoHelper()
	return m.under(validator.Official)
}

// finding matches a finding of rule at pointer with a severity.
func finding(rule, pointer string, sev validator.Severity) types.GomegaMatcher {
	return And(HaveField("Rule", rule), HaveField("Pointer", pointer), HaveField("Severity", sev))
}

// haveFinding matches a result with such a finding.
func haveFinding(rule, pointer string, sev validator.Severity) types.GomegaMatcher {
	return HaveField("Findings", ContainElement(finding(rule, pointer, sev)))
}

// haveRule matches a result with a finding of rule anywhere.
func haveRule(rule string) types.GomegaMatcher {
	return HaveField("Findings", ContainElement(HaveField("Rule", rule)))
}

// rulesOf lists the rules of a result's findings, in order.
func rulesOf(r validator.Result) []string {
	out := make([]string, len(r.Findings))
	for i, f := range r.Findings {
		out[i] = f.Rule
	}
	return out
}

// the returns the one finding of rule in r, failing when there is not exactly one.
func the(r validator.Result, rule string) validator.Finding {
	GinkgoHelper()
	var out []validator.Finding
	for _, f := range r.Findings {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	Expect(out).To(HaveLen(1), "findings of %s in %v", rule, r.Findings)
	return out[0]
}
