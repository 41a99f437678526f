package manager

import (
	"mime"
	"strconv"
	"strings"
)

// MediaType is the only serialization the reference manager supports (transport draft 4.3
// and 5): JSON, application/json.
const MediaType = "application/json"

// contentTypeOK reports whether a Content-Type names application/json, whose only meaningful
// parameter is charset, which must then be UTF-8 (RFC 8259 section 8.1).
func contentTypeOK(v string) bool {
	mt, params, err := mime.ParseMediaType(v)
	if err != nil || mt != MediaType {
		return false
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return false
	}
	return true
}

// acceptsJSON reports whether an Accept field (RFC 9110 section 12.5.1) allows
// application/json: absent or empty means anything (the draft: default to application/json);
// otherwise the most specific matching range decides, and q=0 refuses.
func acceptsJSON(values []string) bool {
	if len(values) == 0 {
		return true
	}
	best, bestQ := -1, 0.0
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			mt, params, err := mime.ParseMediaType(part)
			if err != nil {
				continue
			}
			spec := -1
			switch {
			case mt == MediaType:
				spec = 2
			case mt == "application/*":
				spec = 1
			case mt == "*/*":
				spec = 0
			}
			if spec < best || spec < 0 {
				continue
			}
			q := 1.0
			if qs, ok := params["q"]; ok {
				if f, err := strconv.ParseFloat(qs, 64); err == nil {
					q = f
				}
			}
			if spec > best || q > bestQ {
				best, bestQ = spec, q
			}
		}
	}
	return best >= 0 && bestQ > 0
}
