package knownbad

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"

	"github.com/idmefcheck/idmefcheck/conformance/alerts"
	"github.com/idmefcheck/idmefcheck/conformance/managerlab"
)

// extCategory is the ext-Category member as the harness's alerts write it, with the comma
// before it.
var extCategory = regexp.MustCompile(`,"ext-Category":(\[[^\]]*\]|"[^"]*")`)

func extManagers() []Variant {
	return []Variant{
		{
			Name:    "manager/any-version",
			Breaks:  "a fake that validates a message of an unknown or missing Version as if it were 2.D.V08, and stores it",
			Catches: []string{"MGR-EXT-004"},
			Lab: managerlab.Options{Fake: &managerlab.Fake{Handler: storing(func(l *managerlab.Lab, body []byte) ([]byte, int) {
				var m map[string]json.RawMessage
				if json.Unmarshal(body, &m) != nil {
					return nil, http.StatusBadRequest
				}
				var v string
				_ = json.Unmarshal(m["Version"], &v)
				judged := body
				if !slices.Contains(alerts.Versions, v) {
					m["Version"] = json.RawMessage(`"2.D.V08"`)
					judged, _ = json.Marshal(m)
				}
				if !l.Validator().Validate(judged).Valid {
					return nil, http.StatusBadRequest
				}
				return body, 0
			})}},
		},
		{
			Name:    "manager/newest-version-only",
			Breaks:  "a fake that claims 2.D.V04 to 2.D.V08 but refuses (400) every alert whose Version is not 2.D.V08",
			Catches: []string{"MGR-EXT-001", "MGR-EXT-002", "MGR-EXT-003"},
			Lab: managerlab.Options{Fake: &managerlab.Fake{Handler: storing(func(l *managerlab.Lab, body []byte) ([]byte, int) {
				var m struct{ Version string }
				if json.Unmarshal(body, &m) != nil || m.Version != "2.D.V08" || !l.Validator().Validate(body).Valid {
					return nil, http.StatusBadRequest
				}
				return body, 0
			})}},
		},
		{
			Name:    "manager/drops-vendor-attachment",
			Breaks:  "a fake that stores alerts without their Attachment (data it does not model)",
			Catches: []string{"MGR-EXT-002"},
			Lab: managerlab.Options{Fake: &managerlab.Fake{Handler: storing(keptAs(func(b []byte) []byte {
				// The harness's alerts end with the Attachment member.
				if i := bytes.Index(b, []byte(`,"Attachment":`)); i >= 0 {
					return append(bytes.Clone(b[:i]), '}')
				}
				return b
			}))}},
		},
		{
			Name:    "manager/drops-ext-category",
			Breaks:  "a fake that stores alerts without ext-Category, keeping only the ext-value keyword of the standard list",
			Catches: []string{"MGR-EXT-001"},
			Lab: managerlab.Options{Fake: &managerlab.Fake{Handler: storing(keptAs(func(b []byte) []byte {
				return extCategory.ReplaceAll(b, nil)
			}))}},
		},
	}
}
