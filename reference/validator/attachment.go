package validator

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"hash"
	"math/big"
	"strconv"
	"strings"
)

// hashFunctions are the functions whose results idmefcheck can recompute, by the names
// (lower-cased, hyphens dropped) senders write.
var hashFunctions = map[string]func() hash.Hash{
	"md5":       md5.New,
	"sha1":      sha1.New,
	"sha224":    sha256.New224,
	"sha256":    sha256.New,
	"sha384":    sha512.New384,
	"sha512":    sha512.New,
	"sha512224": sha512.New512_224,
	"sha512256": sha512.New512_256,
	"sha3224":   func() hash.Hash { return sha3.New224() },
	"sha3256":   func() hash.Hash { return sha3.New256() },
	"sha3384":   func() hash.Hash { return sha3.New384() },
	"sha3512":   func() hash.Hash { return sha3.New512() },
}

// checkAttachment judges one attachment: its encoding, whether its content decodes, and
// whether Hash and Size agree with the content.
func (c *checker) checkAttachment(at loc, obj val) {
	encoding := "json"
	if e, ok := obj.member("ContentEncoding").str(); ok {
		switch {
		case strings.EqualFold(e, "json"), strings.EqualFold(e, "base64"):
			if strings.EqualFold(e, "base64") {
				encoding = "base64"
			}
			if e != encoding {
				// Section 4.2 writes "JSON" while 5.7 defines "json": accept both, say so.
				c.add(RuleAttachEncCase, nil, at.field("ContentEncoding").ptr(), "%s.ContentEncoding %s is written in capitals; the draft defines %s (section 4.2's example says JSON, section 5.7 json)", at.where(), quote(e), quote(encoding))
			}
		default:
			c.add(RuleAttachEncoding, []string{"IDMEF2-5.7-6"}, at.field("ContentEncoding").ptr(), "%s.ContentEncoding %s is not an encoding the draft defines (json or base64)", at.where(), quote(e))
			return
		}
	} else if obj.has("ContentEncoding") {
		return // not a string: the schema has said so, and the content's encoding is unknown
	}
	content := obj.member("Content")
	var raw []byte // the content before encoding, when it has a byte form
	switch content.kind() {
	case '"':
		x, _ := content.str()
		if encoding == "base64" {
			b, err := c.decodeBase64(x)
			if err != nil {
				c.add(RuleAttachBase64, nil, at.field("Content").ptr(), "%s.Content is not Base64 (RFC 4648), though ContentEncoding says base64: %v", at.where(), err)
				return
			}
			raw = b
		} else {
			if !json.Valid(unsafeBytes(x)) {
				c.add(RuleAttachJSON, nil, at.field("Content").ptr(), "%s.Content is a string that is not a JSON text, though the encoding is json (ContentEncoding absent or json); binary or plain text needs ContentEncoding base64", at.where())
				return
			}
			raw = unsafeBytes(x)
		}
	case '{':
		if encoding == "base64" {
			c.add(RuleAttachBase64, nil, at.field("Content").ptr(), "%s.Content is a JSON object, though ContentEncoding says base64", at.where())
		}
		return
	default:
		return
	}
	for it := obj.member("Hash").items(); it.next(); {
		if s, ok := it.v.str(); ok {
			c.checkHash(at, it.i, s, raw)
		}
	}
	if n, ok := obj.member("Size").num(); ok && !sizeIs(n, len(raw)) {
		c.add(RuleAttachSize, nil, at.field("Size").ptr(), "%s.Size says %s bytes but the content is %d bytes (counted after decoding)", at.where(), quoteValue(n), len(raw))
	}
}

// sizeIs reports whether a Size literal states exactly n; literals that are not integers
// are the schema's business and count as agreeing.
func sizeIs(n json.Number, size int) bool {
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return i == int64(size)
	}
	r, ok := new(big.Rat).SetString(string(n))
	return !ok || !r.IsInt() || r.Num().Cmp(big.NewInt(int64(size))) == 0
}

// decodeBase64 decodes into the checker's buffer, reused across the attachments of a
// message.
func (c *checker) decodeBase64(s string) ([]byte, error) {
	// RFC 4648 section 3.1 forbids line breaks unless a specification allows them; the draft
	// does not, but MIME-wrapped Base64 is common enough to accept quietly.
	if strings.IndexByte(s, '\n') >= 0 || strings.IndexByte(s, '\r') >= 0 {
		s = strings.NewReplacer("\r", "", "\n", "").Replace(s)
	}
	need := base64.StdEncoding.DecodedLen(len(s))
	if cap(c.buf) < need {
		c.buf = make([]byte, need)
	}
	n, err := base64.StdEncoding.Strict().Decode(c.buf[:need], unsafeBytes(s))
	return c.buf[:n], err
}

// checkHash judges Hash[i] of the attachment at at.
func (c *checker) checkHash(at loc, i int, s string, raw []byte) {
	item := func() loc { return at.field("Hash").item(i) }
	fn, hexDigest, ok := strings.Cut(s, ":")
	if !ok {
		return
	}
	key := hashKey(fn)
	if key == "md5" || key == "sha1" {
		c.add(RuleAttachWeakHash, nil, item().ptr(), "%s.Hash[%d] uses %s; the draft recommends a SHA-2 or SHA-3 function", at.where(), i, fn)
	}
	var sum []byte
	if key == "sha256" {
		d := sha256.Sum256(raw) // the common case, without allocating
		sum = d[:]
	} else {
		newHash, known := hashFunctions[key]
		if !known {
			return // a function idmefcheck cannot compute: nothing to compare
		}
		h := newHash()
		h.Write(raw)
		sum = h.Sum(nil)
	}
	if !hexEqual(hexDigest, sum) {
		c.add(RuleAttachHash, nil, item().ptr(), "%s.Hash[%d] %s does not match the content, whose %s is %s (computed over the content before encoding)", at.where(), i, quote(s), fn, hex.EncodeToString(sum))
	}
}

// hexEqual compares hexadecimal digits, in either case, with bytes.
func hexEqual(digits string, sum []byte) bool {
	if len(digits) != 2*len(sum) {
		return false
	}
	const hexd = "0123456789abcdef"
	for i, b := range sum {
		hi, lo := digits[2*i]|0x20, digits[2*i+1]|0x20 // lower-case letters; digits unchanged
		if hi != hexd[b>>4] || lo != hexd[b&0xf] {
			return false
		}
	}
	return true
}

// checkAttachmentNames checks that attachment names are unique and that every reference
// to an attachment names one.
func (c *checker) checkAttachmentNames(obj val) {
	atts := obj.member("Attachment")
	// Alerts carry a handful of attachments: a linear search allocates nothing.
	named := func(name string, before int) (int, bool) {
		for it := atts.items(); it.next() && (before < 0 || it.i < before); {
			if n, ok := it.v.member("Name").str(); ok && n == name {
				return it.i, true
			}
		}
		return 0, false
	}
	for it := atts.items(); it.next(); {
		name, ok := it.v.member("Name").str()
		if !ok {
			continue
		}
		if first, dup := named(name, it.i); dup {
			c.add(RuleAttachDupName, nil, "/Attachment/"+strconv.Itoa(it.i)+"/Name", "Attachment[%d].Name %s is already the name of Attachment[%d]; names are unique within an alert", it.i, quote(name), first)
		}
	}
	for _, r := range c.revRules.attachRefs {
		class, ref := r.class, r.ref
		for it := obj.member(class).items(); it.next(); {
			for rt := it.v.member("Attachment").items(); rt.next(); {
				s, ok := rt.v.str()
				if !ok {
					continue
				}
				if _, found := named(s, -1); !found {
					c.add(RuleAttachRef, ref.Requirements(), "/"+class+"/"+strconv.Itoa(it.i)+"/Attachment/"+strconv.Itoa(rt.i),
						"%s[%d].Attachment[%d] names %s, but the alert has no attachment of that name", class, it.i, rt.i, quote(s))
				}
			}
		}
	}
}

// hashKey normalises a hash function's name as hashFunctions spells it: lower case, no
// hyphens, without allocating for names already in that form.
func hashKey(fn string) string {
	clean := true
	for i := 0; i < len(fn); i++ {
		if c := fn[i]; c == '-' || c >= 'A' && c <= 'Z' {
			clean = false
			break
		}
	}
	if clean {
		return fn
	}
	return strings.ReplaceAll(strings.ToLower(fn), "-", "")
}
