package cli_test

import (
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("idmefcheck pki", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	It("init writes the PKI and refuses to overwrite it without --force", func() {
		code, stdout, _ := run("", "pki", "init", "--dir", dir, "--hosts", "localhost,::1")
		Expect(code).To(Equal(0))
		Expect(stdout).To(ContainSubstring("hosts localhost, ::1"))
		Expect(filepath.Join(dir, "analyzer-signing.pub")).To(BeAnExistingFile())
		code, _, stderr := run("", "pki", "init", "--dir", dir)
		Expect(code).To(Equal(1))
		Expect(stderr).To(ContainSubstring("already holds a PKI"))
		code, _, _ = run("", "pki", "init", "--dir", dir, "--force")
		Expect(code).To(Equal(0))
	})

	It("issue makes each kind of identity and refuses an unknown kind", func() {
		code, _, _ := run("", "pki", "init", "--dir", dir)
		Expect(code).To(Equal(0))
		for _, kind := range []string{"good", "expired", "other-ca", "wildcard", "cn-only"} {
			code, _, stderr := run("", "pki", "issue", "--dir", dir, "--name", "x-"+kind, "--kind", kind)
			Expect(code).To(Equal(0), stderr)
			Expect(filepath.Join(dir, "x-"+kind+".crt")).To(BeAnExistingFile())
		}
		code, _, stderr := run("", "pki", "issue", "--dir", dir, "--name", "y", "--kind", "revoked")
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("want one of good, expired, other-ca, wildcard, cn-only"))
	})
})

var _ = Describe("idmefcheck manager", func() {
	It("exits 2 without a TLS identity", func() {
		code, _, stderr := run("", "manager", "--db", filepath.Join(GinkgoT().TempDir(), "m.db"))
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("tls.cert, tls.key and tls.client_ca are required"))
	})

	It("exits 2 for an unknown key in its configuration file", func() {
		dir := GinkgoT().TempDir()
		code, _, stderr := run("", "manager", "--config", writeFile(dir, "m.yaml", "listen: [\"127.0.0.1:0\"]\nfaults:\n  skip_dedup: true\n"))
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("field faults not found"))
	})
})
