package validator_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/validator"
)

// Attachments: unique names that references resolve to, content in its declared encoding,
// and Hash and Size that match the content before encoding.

const (
	contentSHA1   = "d0272b9d183882db465b86fc70376d871c43e82a"
	contentMD5    = "4dca4bbdf2be15465893016446a0effa"
	contentSHA256 = "ae9d4ff05bcc2e4b4c7f755a84d86edb34f0575965d1e0774cbee0fa295721d0"
	contentSHA512 = "083330218e556804c204dc2b65d75cf80aa20cbc116c130988b33b02b201383f6ce7bda9d5c61815f6d100e09ac163ab55f6222369dd324ac7f123d8a04d1495"
	contentSHA3   = "1b919057408ac1a76524745bd56f11a9b1c956bcfcfbcdc8382fb8cc818ca55e"
)

// secondAttachment is a valid JSON attachment to add beside the base's.
func secondAttachment(name string) map[string]any {
	return map[string]any{"Name": name, "ContentType": "application/json", "Content": map[string]any{"rule": "ET SCAN"}}
}

var _ = describeRule("attachment.duplicate-name", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("two attachments are named scan1", v08().set("/Attachment/-", secondAttachment("scan1")).bytes(), "/Attachment/1/Name")
	r.ignores("the names differ only in case", v08().set("/Attachment/-", secondAttachment("Scan1")).bytes())
})

var _ = describeRule("attachment.unresolved", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("Target[0] refers to an attachment the alert lacks", v08().set("/Target/0/Attachment/0", "pcap2").bytes(), "/Target/0/Attachment/0")
	r.reports("Source[0] refers to an attachment in a message without any", v08().del("/Attachment").del("/Target/0/Attachment").set("/Source/0/Attachment", []any{"scan1"}).bytes(), "/Source/0/Attachment/0")
	r.reports("a 2.D.V04 Vector refers to an attachment the alert lacks", v04().set("/Vector", []any{map[string]any{"Category": []any{"Drone"}, "Attachment": []any{"img1"}}}).bytes(), "/Vector/0/Attachment/0")
	r.ignores("Target[0] refers to the attachment scan1", v08().bytes())
	r.ignores("Source[0] refers to a second attachment", v08().set("/Attachment/-", secondAttachment("rule1")).set("/Source/0/Attachment", []any{"rule1"}).bytes())
})

var _ = Describe("attachment.unresolved's requirement", func() {
	It("cites the Target's attachment requirement for a Target", Label("IDMEF2-5.6-3"), func() {
		f := the(v08().set("/Target/0/Attachment/0", "pcap2").strict(), "attachment.unresolved")
		Expect(f.Requirement).To(Equal([]string{"IDMEF2-5.6-3"}))
	})
})

var _ = describeRule("attachment.encoding", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("ContentEncoding is gzip", v08().set("/Attachment/0/ContentEncoding", "gzip").bytes(), "/Attachment/0/ContentEncoding")
	r.reports("ContentEncoding is x-json", v08().set("/Attachment/0/ContentEncoding", "x-json").bytes(), "/Attachment/0/ContentEncoding")
	r.ignores("ContentEncoding is json for JSON content", v08().set("/Attachment/-", secondAttachment("rule1")).set("/Attachment/1/ContentEncoding", "json").bytes())
	r.ignores("ContentEncoding is BASE64 in capitals", v08().set("/Attachment/0/ContentEncoding", "BASE64").bytes())
})

var _ = describeRule("attachment.encoding-case", validator.Warning, validator.Warning, func(r ruleSpec) {
	r.reports("ContentEncoding is BASE64 in capitals", v08().set("/Attachment/0/ContentEncoding", "BASE64").bytes(), "/Attachment/0/ContentEncoding")
	r.reports("ContentEncoding is JSON, as section 4.2 writes it", v08().set("/Attachment/-", secondAttachment("rule1")).set("/Attachment/1/ContentEncoding", "JSON").bytes(), "/Attachment/1/ContentEncoding")
	r.ignores("ContentEncoding is base64", v08().bytes())
})

var _ = describeRule("attachment.content-json", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("Base64 content has no ContentEncoding", v08().del("/Attachment/0/ContentEncoding").bytes(), "/Attachment/0/Content")
	r.reports("plain text content says json", v08().set("/Attachment/0/ContentEncoding", "json").set("/Attachment/0/Content", "SYN scan").del("/Attachment/0/Hash").del("/Attachment/0/Size").bytes(), "/Attachment/0/Content")
	r.ignores("ContentEncoding is a number, which the schema reports, so the content's encoding is unknown",
		v08().set("/Attachment/0/ContentEncoding", num("64")).bytes())
	r.ignores("a string content is a JSON text", v08().del("/Attachment/0/ContentEncoding").set("/Attachment/0/Content", `{"flags":"S"}`).del("/Attachment/0/Hash").set("/Attachment/0/Size", num("13")).bytes())
})

var _ = describeRule("attachment.content-base64", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("base64 content holds characters outside the alphabet", v08().set("/Attachment/0/Content", "not base64!").bytes(), "/Attachment/0/Content")
	r.reports("base64 content lacks its padding", v08().set("/Attachment/0/Content", "U1lOIDE5OC41MS4xMDAuNzo1MTUxNCAtPiBbMjAwMTpkYjg6OjgwXTo0NDMgZmxhZ3MgUwo").bytes(), "/Attachment/0/Content")
	r.reports("base64 content is a JSON object", v08().set("/Attachment/0/Content", map[string]any{"flags": "S"}).bytes(), "/Attachment/0/Content")
	r.ignores("base64 content is wrapped in MIME lines",
		v08().set("/Attachment/0/Content", "U1lOIDE5OC41MS4xMDAuNzo1MTUxNCAtPiBbMjAw\r\nMTpkYjg6OjgwXTo0NDMgZmxhZ3MgUwo=").bytes())
})

var _ = describeRule("attachment.hash-mismatch", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("the sha256 Hash is of other content", v08().set("/Attachment/0/Hash/0", "sha256:"+contentSHA512[:64]).bytes(), "/Attachment/0/Hash/0")
	r.reports("the second Hash, a sha512, does not match", v08().set("/Attachment/0/Hash/-", "sha512:"+contentSHA256+contentSHA256).bytes(), "/Attachment/0/Hash/1")
	r.reports("the Hash is of the Base64 text rather than the decoded bytes",
		v08().set("/Attachment/0/Hash/0", "sha256:91f416b4bd0de9a27dd9452a323f28c2a3466fb902b9cb20c9e496554057511a").bytes(), "/Attachment/0/Hash/0")
	r.ignores("the digest is written SHA-256 in upper case", v08().set("/Attachment/0/Hash/0", "SHA-256:AE9D4FF05BCC2E4B4C7F755A84D86EDB34F0575965D1E0774CBEE0FA295721D0").bytes())
	r.ignores("sha512 and sha3-256 hashes match too", v08().set("/Attachment/0/Hash/-", "sha512:"+contentSHA512).set("/Attachment/0/Hash/-", "sha3-256:"+contentSHA3).bytes())
	r.ignores("the hash function is one idmefcheck cannot compute", v08().set("/Attachment/0/Hash/-", "blake2b256:"+contentSHA256).bytes())
})

var _ = describeRule("attachment.hash-weak", validator.Warning, validator.Warning, func(r ruleSpec) {
	r.reports("the only Hash is a matching md5", v08().set("/Attachment/0/Hash/0", "md5:"+contentMD5).bytes(), "/Attachment/0/Hash/0")
	r.reports("a second Hash is a matching sha1", v08().set("/Attachment/0/Hash/-", "sha1:"+contentSHA1).bytes(), "/Attachment/0/Hash/1")
	r.ignores("the Hash is sha256", v08().bytes())
})

var _ = describeRule("attachment.size-mismatch", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("Size is one more than the decoded content", v08().set("/Attachment/0/Size", num("54")).bytes(), "/Attachment/0/Size")
	r.reports("Size counts the Base64 text, not the bytes", v08().set("/Attachment/0/Size", num("72")).bytes(), "/Attachment/0/Size")
	r.ignores("Size counts the bytes of a JSON text content",
		v08().del("/Attachment/0/ContentEncoding").set("/Attachment/0/Content", `{"flags":"S"}`).del("/Attachment/0/Hash").set("/Attachment/0/Size", num("13")).bytes())
	r.ignores("Size is given without content", withoutContent(v08()).set("/Attachment/0/Size", num("1234")).bytes())
})

var _ = Describe("Attachment content", Label("IDMEF2-5.7-2", "IDMEF2-5.7-4", "IDMEF2-5.7-6"), func() {
	When("the content is not Base64", func() {
		It("judges neither Hash nor Size", func() {
			expectVerdict(v08().set("/Attachment/0/Content", "not base64!").bytes(), false, true, "attachment.content-base64")
		})
	})

	When("the hash does not match", func() {
		It("gives the digest of the content", func() {
			f := the(v08().set("/Attachment/0/Hash/0", "sha256:00").strict(), "attachment.hash-mismatch")
			Expect(f.Message).To(ContainSubstring(contentSHA256))
		})
	})

	When("the hash is md5 and wrong", func() {
		It("reports both the weak function and the mismatch", func() {
			expectVerdict(v08().set("/Attachment/0/Hash/0", "md5:"+contentSHA256[:32]).bytes(), false, true, "attachment.hash-weak", "attachment.hash-mismatch")
		})
	})
})
