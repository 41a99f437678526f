package ics_test

import (
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/conformance/ics"
)

// roleOptions lists the options of role in the order the template writes them.
func roleOptions(role string) []string {
	var out []string
	for _, o := range ics.OptionList() {
		if slices.Contains(o.Roles, role) {
			out = append(out, o.Name)
		}
	}
	return out
}

var _ = Describe("Template", func() {
	for _, role := range []string{"manager", "analyzer"} {
		Context("for the "+role+" role", func() {
			It("parses as written, claiming the default options", func() {
				data, err := ics.Template(role, ics.TemplateParams{})
				Expect(err).NotTo(HaveOccurred())
				s, err := ics.Parse(mustSchemas(), role+".yaml", data)
				Expect(err).NotTo(HaveOccurred(), "%s", data)
				Expect(s.Role).To(Equal(role))
				Expect(s.Options).To(Equal([]string{"http2", "ipv4", "ipv6"}))
				Expect(s.Signing).To(BeNil())
				Expect(s.Connect.Cert).To(Equal("pki/" + map[string]string{"manager": "analyzer.crt", "analyzer": "manager.crt"}[role]))
			})

			It("parses with every combination of options the template allows, claiming exactly those", func() {
				all := roleOptions(role)
				// Each combination on its own goroutine's share: there are thousands.
				var refused atomic.Int32
				var wg sync.WaitGroup
				workers := runtime.GOMAXPROCS(0)
				for w := range workers {
					wg.Go(func() {
						defer GinkgoRecover()
						for mask := w; mask < 1<<len(all); mask += workers {
							claimed := []string{}
							for i, o := range all {
								if mask&(1<<i) != 0 {
									claimed = append(claimed, o)
								}
							}
							data, err := ics.Template(role, ics.TemplateParams{Options: claimed})
							if slices.Contains(claimed, "require-signatures") && !slices.Contains(claimed, "signatures") {
								Expect(err).To(MatchError(ContainSubstring("require-signatures needs signatures")), "%v", claimed)
								refused.Add(1)
								continue
							}
							Expect(err).NotTo(HaveOccurred(), "%v", claimed)
							s, err := ics.Parse(mustSchemas(), "t.yaml", data)
							Expect(err).NotTo(HaveOccurred(), "options %v:\n%s", claimed, data)
							Expect(s.Options).To(Equal(claimed))
							Expect(s.Signing != nil).To(Equal(slices.Contains(claimed, "signatures")), "%v", claimed)
							if role == "manager" {
								limits := slices.Contains(claimed, "max-body") || slices.Contains(claimed, "rate-limit")
								Expect(s.Limits != ics.Limits{}).To(Equal(limits), "%v", claimed)
							}
						}
					})
				}
				wg.Wait()
				Expect(refused.Load()).To(BeEquivalentTo(1 << (len(all) - 2)))
			})

			It("names the PKI's files when given the directory", func() {
				data, err := ics.Template(role, ics.TemplateParams{PKI: "/etc/pki dir", Options: []string{"signatures"}})
				Expect(err).NotTo(HaveOccurred())
				s, err := ics.Parse(mustSchemas(), "t.yaml", data)
				Expect(err).NotTo(HaveOccurred())
				Expect(s.Connect.CA).To(Equal(filepath.Join("/etc/pki dir", "ca.crt")))
				Expect(s.Identities.Issuer.Key).To(Equal(filepath.Join("/etc/pki dir", "ca.key")))
				Expect(s.Signing.Key).To(HavePrefix("/etc/pki dir/"))
			})

			It("keeps names with quotes, backslashes and line breaks exactly", func() {
				odd := "Acme \"Q\" \\ Co.\nDivision\t2 é"
				data, err := ics.Template(role, ics.TemplateParams{Vendor: odd, Product: "p: #1", Version: "2026-01-02"})
				Expect(err).NotTo(HaveOccurred())
				s, err := ics.Parse(mustSchemas(), "t.yaml", data)
				Expect(err).NotTo(HaveOccurred(), "%s", data)
				Expect(s.Implementation).To(Equal(ics.Implementation{Vendor: odd, Product: "p: #1", Version: "2026-01-02"}))
			})

			It("refuses an option of another role or none at all", func() {
				other := map[string]string{"manager": "spool", "analyzer": "dedup"}[role]
				_, err := ics.Template(role, ics.TemplateParams{Options: []string{other}})
				Expect(err).To(MatchError(ContainSubstring(fmt.Sprintf("option %q is not an option of the %s role", other, role))))
				_, err = ics.Template(role, ics.TemplateParams{Options: []string{"telepathy"}})
				Expect(err).To(MatchError(ContainSubstring(`"telepathy"`)))
			})

			It("comments out the options not claimed, so that one can claim them by uncommenting", func() {
				data, err := ics.Template(role, ics.TemplateParams{Options: []string{"ipv4"}})
				Expect(err).NotTo(HaveOccurred())
				for _, o := range roleOptions(role) {
					mark := "# - "
					if o == "ipv4" {
						mark = "- "
					}
					Expect(string(data)).To(MatchRegexp(`(?m)^  %s%s +# `, regexpQuote(mark), regexpQuote(o)))
				}
			})
		})
	}

	It("fills in the manager's targets, server name and observation file", func() {
		data, err := ics.Template("manager", ics.TemplateParams{Targets: []string{"https://[::1]:9/x"}, ServerName: "mgr.example.net",
			ObserveFile: "/var/obs.ndjson"})
		Expect(err).NotTo(HaveOccurred())
		s, err := ics.Parse(mustSchemas(), "t.yaml", data)
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Connect.Targets).To(Equal([]string{"https://[::1]:9/x"}))
		Expect(s.Connect.ServerName).To(Equal("mgr.example.net"))
		Expect(s.Observe).To(Equal(ics.Observe{Kind: ics.ObserveFile, File: "/var/obs.ndjson"}))
	})

	It("fills in the analyzer role's listening addresses", func() {
		data, err := ics.Template("analyzer", ics.TemplateParams{Listen: []string{"[::1]:7"}})
		Expect(err).NotTo(HaveOccurred())
		s, err := ics.Parse(mustSchemas(), "t.yaml", data)
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Connect.Listen).To(Equal([]string{"[::1]:7"}))
	})

	It("refuses an unknown role", func() {
		_, err := ics.Template("sensor", ics.TemplateParams{})
		Expect(err).To(MatchError(`role "sensor": want manager or analyzer`))
	})
})

func regexpQuote(s string) string {
	return strings.NewReplacer(`-`, `\-`, `#`, `\#`, ` `, `\ `).Replace(s)
}
