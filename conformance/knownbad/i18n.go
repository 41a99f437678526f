package knownbad

import (
	"bytes"
	"net/http"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/idmefcheck/idmefcheck/conformance/managerlab"
)

func i18nManagers() []Variant {
	return []Variant{
		{
			Name:    "manager/nfc-text",
			Breaks:  "a fake that stores text normalised to Unicode NFC: decomposed combining marks and conjoining jamo come back composed",
			Catches: []string{"MGR-I18N-001"},
			Lab:     managerlab.Options{Fake: &managerlab.Fake{Handler: storing(keptAs(norm.NFC.Bytes))}},
		},
		{
			Name:    "manager/bmp-only",
			Breaks:  "a fake that stores text in a 3-byte UTF-8 column (MySQL utf8mb3): characters outside the Basic Multilingual Plane are dropped",
			Catches: []string{"MGR-I18N-001"},
			Lab: managerlab.Options{Fake: &managerlab.Fake{Handler: storing(keptAs(func(b []byte) []byte {
				out := make([]byte, 0, len(b))
				for len(b) > 0 {
					r, n := utf8.DecodeRune(b)
					if r <= 0xFFFF {
						out = append(out, b[:n]...)
					}
					b = b[n:]
				}
				return out
			}))}},
		},
		{
			Name:    "manager/lossy-utf8",
			Breaks:  "a fake that repairs bytes that are not UTF-8 with U+FFFD, then validates and stores the repaired alert",
			Catches: []string{"MGR-I18N-002"},
			Lab: managerlab.Options{Fake: &managerlab.Fake{Handler: storing(func(l *managerlab.Lab, body []byte) ([]byte, int) {
				fixed := bytes.ToValidUTF8(body, []byte("\uFFFD"))
				if !l.Validator().Validate(fixed).Valid {
					return nil, http.StatusBadRequest
				}
				return fixed, 0
			})}},
		},
	}
}
