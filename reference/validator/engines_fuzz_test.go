package validator_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/schema"
)

// mutationValues are the values a field-level mutation puts in place: of every JSON type,
// right and wrong for the model's types, edges included.
var mutationValues = []any{
	"", "x", "Ünïcödé", "2026-02-29T10:00:00+01:00", "2026-01-14T15:58:47", "2016-12-31T23:59:60Z", "2026-01-14T15:58:47.1234567890-12:00",
	"0194608e-3c5a-7b21-9f3e-5d2c8a1b4e60", "0194608e-3c5a-4b21-9f3e-5d2c8a1b4e60", "00000000-0000-0000-0000-000000000000", "E5F9BBAE-163E-42F9-A2F2-0DAAF78FEFB1",
	"192.0.2.1", "010.1.1.1", "2001:DB8::1", "fe80::1%eth0", "::ffff:192.0.2.1", "2001:db8::/32",
	"48.8584,2.2945", "91,0", "FR PAR", "text/plain", "x-foo/bar", "sha256:00", "md5:d41d8cd98f00b204e9800998ecf8427e",
	"https://example.com/a", "not a uri", "root@example.com", "a@b@c", "tcp", "http", "IP:Dshield", "Dshield",
	"ext-value", "Other.ext-value", "Recon.Network", "Recon.Netword", "High", "high", "Source(0).IP", "CeaseTime", "scan1", "pcap 1",
	json.Number("0"), json.Number("1"), json.Number("65535"), json.Number("70000"), json.Number("-1"), json.Number("0.5"),
	json.Number("1.5"), json.Number("443.0"), json.Number("8e1"), json.Number("1e-1"), json.Number("1e400"),
	json.Number("99999999999999999999999999"), true, false, nil,
	map[string]any{}, map[string]any{"Name": "n"}, map[string]any{"k": "v"}, []any{}, []any{"x"}, []any{json.Number("1")},
}

// FuzzEngines mutates valid messages field by field, by the model (set a field to one of
// mutationValues, delete it, add a field of another revision or an unknown one, empty or
// double a list) and holds the compiled engine to exactly the interpreter's result under
// both profiles.
func FuzzEngines(f *testing.F) {
	gomega.RegisterTestingT(f)
	f.Add(uint8(0), []byte{1, 2, 3})
	f.Add(uint8(1), []byte{9, 9, 9, 9, 0, 4})
	f.Add(uint8(0), []byte{200, 17, 3, 250, 5})
	set, err := schema.Load()
	if err != nil {
		f.Fatal(err)
	}
	var pairs [][2]*validator.Validator
	for _, p := range []validator.Profile{validator.Strict, validator.Official} {
		c, _ := validator.New(set, validator.Options{Profile: p, Engine: validator.EngineCompiled})
		i, _ := validator.New(set, validator.Options{Profile: p, Engine: validator.EngineInterpreter})
		pairs = append(pairs, [2]*validator.Validator{c, i})
	}
	f.Fuzz(func(t *testing.T, base uint8, ops []byte) {
		gomega.RegisterTestingT(t)
		m, version := v08(), "2.D.V08"
		if base%2 == 1 {
			m, version = v04(), "2.D.V04"
		}
		rev, _ := set.Model().Revision(version)
		mutate(m.root, rev.Alert, ops)
		data := m.bytes()
		for _, p := range pairs {
			got, want := p[0].Validate(data), p[1].Validate(data)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: compiled and interpreter disagree on %s\ncompiled:    %+v\ninterpreter: %+v", p[0].Options().Profile, data, got, want)
			}
		}
	})
}

// pick returns a fresh copy of one of mutationValues: a mutation may later descend into an
// object it put in place and change it, which must change neither the shared table nor any
// other place the same value was put (that made cycles, and runs that depend on earlier ones).
func pick(n int) any { return deepCopy(mutationValues[n%len(mutationValues)]) }

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(x))
		for k, e := range x {
			c[k] = deepCopy(e)
		}
		return c
	case []any:
		c := make([]any, len(x))
		for i, e := range x {
			c[i] = deepCopy(e)
		}
		return c
	}
	return v
}

// mutate applies the operations the bytes encode to a message, descending the model.
func mutate(root any, alert *schema.Class, ops []byte) {
	next := func() int {
		if len(ops) == 0 {
			return 0
		}
		b := int(ops[0])
		ops = ops[1:]
		return b
	}
	for len(ops) > 0 {
		obj, cls := root.(map[string]any), alert
		// Descend into a class instance now and then.
		for depth := 0; depth < 2 && next()%3 == 0; depth++ {
			var classFields []*schema.Field
			for _, f := range cls.Fields {
				if f.Class != nil {
					classFields = append(classFields, f)
				}
			}
			if len(classFields) == 0 {
				break
			}
			f := classFields[next()%len(classFields)]
			switch x := obj[f.Name].(type) {
			case map[string]any:
				obj, cls = x, f.Class
			case []any:
				if len(x) > 0 {
					if o, ok := x[next()%len(x)].(map[string]any); ok {
						obj, cls = o, f.Class
					}
				}
			}
		}
		f := cls.Fields[next()%len(cls.Fields)]
		switch op := next() % 6; op {
		case 0:
			delete(obj, f.Name)
		case 1:
			obj["ext-"+f.Name] = pick(next())
		case 2:
			obj[[]string{"Type", "Vector", "ReportTime", "createTime", "Bogus", "EntitySector"}[next()%6]] = pick(next())
		case 3:
			if f.List {
				obj[f.Name] = []any{pick(next()), pick(next())}
			} else {
				obj[f.Name] = pick(next())
			}
		default:
			v := pick(next())
			if f.List && next()%2 == 0 {
				v = []any{v}
			}
			obj[f.Name] = v
		}
	}
}
