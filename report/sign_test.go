package report_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/report"
)

var _ = Describe("Sign and Verify", func() {
	var (
		pub  ed25519.PublicKey
		key  ed25519.PrivateKey
		data []byte
		sig  []byte
	)
	BeforeEach(func() {
		var err error
		pub, key, err = ed25519.GenerateKey(rand.Reader)
		Expect(err).NotTo(HaveOccurred())
		data, err = report.Marshal(sample())
		Expect(err).NotTo(HaveOccurred())
		sig, err = report.Sign(data, key)
		Expect(err).NotTo(HaveOccurred())
	})

	It("verify the exact bytes signed, with the signer's key", func() {
		s, err := report.Verify(schemas, "report.json.sig", data, sig, pub)
		Expect(err).NotTo(HaveOccurred())
		Expect(s.KeySHA256).To(Equal(report.KeyFingerprint(pub)))
		Expect(s.Format).To(Equal(report.SignatureFormat))
	})

	It("refuse any single changed byte", func() {
		for _, i := range []int{0, len(data) / 2, len(data) - 1} {
			changed := append([]byte{}, data...)
			changed[i] ^= 0x01
			_, err := report.Verify(schemas, "report.json.sig", changed, sig, pub)
			Expect(err).To(MatchError(report.ErrChanged), "byte %d", i)
		}
		_, err := report.Verify(schemas, "report.json.sig", append(append([]byte{}, data...), '\n'), sig, pub)
		Expect(err).To(MatchError(report.ErrChanged), "a byte added")
	})

	It("refuse another key, saying so", func() {
		other, _, err := ed25519.GenerateKey(rand.Reader)
		Expect(err).NotTo(HaveOccurred())
		_, err = report.Verify(schemas, "report.json.sig", data, sig, other)
		Expect(err).To(MatchError(report.ErrOtherKey))
	})

	It("refuse a signature altered in the file, even when its hints still match", func() {
		var s map[string]any
		Expect(json.Unmarshal(sig, &s)).To(Succeed())
		raw := []byte(s["signature"].(string))
		if raw[0] == 'A' {
			raw[0] = 'B'
		} else {
			raw[0] = 'A'
		}
		s["signature"] = string(raw)
		bad, err := json.Marshal(s)
		Expect(err).NotTo(HaveOccurred())
		_, err = report.Verify(schemas, "report.json.sig", data, bad, pub)
		Expect(err).To(MatchError(report.ErrBadSig))
	})

	It("name the field of a malformed signature file", func() {
		_, err := report.Verify(schemas, "x.sig", data, []byte(`{"format":"idmefcheck-report-signature/1","algorithm":"rsa"}`), pub)
		Expect(err).To(MatchError(ContainSubstring("report: x.sig: /algorithm: ")))
	})
})
