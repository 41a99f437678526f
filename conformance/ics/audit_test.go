package ics_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/conformance/ics"
)

var _ = Describe("the audit channel", func() {
	withAPI := func(audit string) string {
		return edit("options:", "options: [http2, query-api]") + audit
	}

	It("reads a file channel, leaving the member names to their defaults", func() {
		s, err := ics.Parse(mustSchemas(), "ics.yaml", []byte(withAPI("audit:\n  kind: file\n  file: logs/manager.log\n")))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Audit).To(Equal(&ics.Audit{Kind: ics.AuditFile, File: "logs/manager.log"}))
	})

	It("reads a command channel with its own member names", func() {
		s, err := ics.Parse(mustSchemas(), "ics.yaml", []byte(withAPI("audit:\n  kind: command\n  command: [journalctl, -o, json]\n  operator: USER\n  path: URI\n  status: CODE\n")))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Audit.Command).To(Equal([]string{"journalctl", "-o", "json"}))
		Expect([]string{s.Audit.Operator, s.Audit.Path, s.Audit.Status}).To(Equal([]string{"USER", "URI", "CODE"}))
	})

	It("refuses a file channel without its file", func() {
		_, err := ics.Parse(mustSchemas(), "ics.yaml", []byte(withAPI("audit:\n  kind: file\n")))
		Expect(err).To(MatchError(ContainSubstring("file")))
	})

	It("refuses an audit channel without option query-api, whose records it would read", func() {
		_, err := ics.Parse(mustSchemas(), "ics.yaml", []byte(minimal+"audit:\n  kind: file\n  file: m.log\n"))
		Expect(err).To(MatchError(ContainSubstring("audit needs option query-api")))
	})
})
