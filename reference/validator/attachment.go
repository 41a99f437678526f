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
func (c *checker) checkAttachment(at *loc, obj map[string]any) {
	encoding := "json"
	if e, ok := obj["ContentEncoding"].(string); ok {
		switch strings.ToLower(e) {
		case "json", "base64":
			encoding = strings.ToLower(e)
			if e != encoding {
				// Section 4.2 writes "JSON" while 5.7 defines "json": accept both, say so.
				c.add(RuleAttachEncCase, nil, at.field("ContentEncoding").ptr(), "%s.ContentEncoding %s is written in capitals; the draft defines %s (section 4.2's example says JSON, section 5.7 json)", at.where(), quote(e), quote(encoding))
			}
		default:
			c.add(RuleAttachEncoding, []string{"IDMEF2-5.7-6"}, at.field("ContentEncoding").ptr(), "%s.ContentEncoding %s is not an encoding the draft defines (json or base64)", at.where(), quote(e))
			return
		}
	}
	content, hasContent := obj["Content"]
	if !hasContent {
		return
	}
	var raw []byte // the content before encoding, when it has a byte form
	switch x := content.(type) {
	case string:
		if encoding == "base64" {
			b, err := decodeBase64(x)
			if err != nil {
				c.add(RuleAttachBase64, nil, at.field("Content").ptr(), "%s.Content is not Base64 (RFC 4648), though ContentEncoding says base64: %v", at.where(), err)
				return
			}
			raw = b
		} else {
			if !json.Valid([]byte(x)) {
				c.add(RuleAttachJSON, nil, at.field("Content").ptr(), "%s.Content is a string that is not a JSON text, though the encoding is json (ContentEncoding absent or json); binary or plain text needs ContentEncoding base64", at.where())
				return
			}
			raw = []byte(x)
		}
	case map[string]any:
		if encoding == "base64" {
			c.add(RuleAttachBase64, nil, at.field("Content").ptr(), "%s.Content is a JSON object, though ContentEncoding says base64", at.where())
		}
		return
	default:
		return
	}
	if hashes, ok := obj["Hash"].([]any); ok {
		for i, h := range hashes {
			if s, ok := h.(string); ok {
				c.checkHash(at, i, s, raw)
			}
		}
	}
	if n, ok := obj["Size"].(json.Number); ok {
		if r, ok := new(big.Rat).SetString(string(n)); ok && r.IsInt() && r.Num().Cmp(big.NewInt(int64(len(raw)))) != 0 {
			c.add(RuleAttachSize, nil, at.field("Size").ptr(), "%s.Size says %s bytes but the content is %d bytes (counted after decoding)", at.where(), quoteValue(n), len(raw))
		}
	}
}

func decodeBase64(s string) ([]byte, error) {
	// RFC 4648 section 3.1 forbids line breaks unless a specification allows them; the draft
	// does not, but MIME-wrapped Base64 is common enough to accept quietly.
	s = strings.NewReplacer("\r", "", "\n", "").Replace(s)
	return base64.StdEncoding.Strict().DecodeString(s)
}

// checkHash judges Hash[i] of the attachment at at.
func (c *checker) checkHash(at *loc, i int, s string, raw []byte) {
	hashes := at.field("Hash")
	item := hashes.item(i)
	fn, hexDigest, ok := strings.Cut(s, ":")
	if !ok {
		return
	}
	key := strings.ReplaceAll(strings.ToLower(fn), "-", "")
	if key == "md5" || key == "sha1" {
		c.add(RuleAttachWeakHash, nil, item.ptr(), "%s.Hash[%d] uses %s; the draft recommends a SHA-2 or SHA-3 function", at.where(), i, fn)
	}
	newHash, known := hashFunctions[key]
	if !known {
		return // a function idmefcheck cannot compute: nothing to compare
	}
	h := newHash()
	h.Write(raw)
	sum := hex.EncodeToString(h.Sum(nil))
	if !strings.EqualFold(sum, hexDigest) {
		c.add(RuleAttachHash, nil, item.ptr(), "%s.Hash[%d] %s does not match the content, whose %s is %s (computed over the content before encoding)", at.where(), i, quote(s), fn, sum)
	}
}

// checkAttachmentNames checks that attachment names are unique and that every reference
// to an attachment names one.
func (c *checker) checkAttachmentNames(obj map[string]any) {
	names := map[string]int{}
	if list, ok := obj["Attachment"].([]any); ok {
		for i, a := range list {
			ao, ok := a.(map[string]any)
			if !ok {
				continue
			}
			name, ok := ao["Name"].(string)
			if !ok {
				continue
			}
			if first, dup := names[name]; dup {
				c.add(RuleAttachDupName, nil, "/Attachment/"+strconv.Itoa(i)+"/Name", "Attachment[%d].Name %s is already the name of Attachment[%d]; names are unique within an alert", i, quote(name), first)
				continue
			}
			names[name] = i
		}
	}
	for _, class := range []string{"Source", "Target", "Vector"} {
		f, ok := c.rev.Alert.Field(class)
		if !ok || f.Class == nil {
			continue
		}
		ref, ok := f.Class.Field("Attachment")
		if !ok {
			continue
		}
		list, _ := obj[class].([]any)
		for i, item := range list {
			io, ok := item.(map[string]any)
			if !ok {
				continue
			}
			refs, _ := io["Attachment"].([]any)
			for j, r := range refs {
				s, ok := r.(string)
				if !ok {
					continue
				}
				if _, found := names[s]; !found {
					c.add(RuleAttachRef, ref.Requirements(), "/"+class+"/"+strconv.Itoa(i)+"/Attachment/"+strconv.Itoa(j),
						"%s[%d].Attachment[%d] names %s, but the alert has no attachment of that name", class, i, j, quote(s))
				}
			}
		}
	}
}
