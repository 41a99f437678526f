package manager_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/manager"
	"github.com/idmefcheck/idmefcheck/reference/store"
)

var _ = Describe("the reference profile", func() {
	ctx := context.Background()

	Describe("duplication", Label("R4766-6.8"), func() {
		var m *running
		BeforeEach(func() { m = startManager(nil) })

		It("answers a repeat as the first delivery and keeps one record", func() {
			s := sender(m, false, manager.SenderOptions{})
			msg := alert(newID())
			for range 3 {
				a, err := s.Send(ctx, msg)
				Expect(err).NotTo(HaveOccurred())
				Expect(a.Status).To(Equal(http.StatusNoContent))
			}
			Expect(m.count()).To(BeEquivalentTo(1))
		})

		It("refuses the same ID with other content with 409, IDs compared case-insensitively", func() {
			s := sender(m, false, manager.SenderOptions{})
			id := "0190a6e2-7c1d-7b3e-9f00-abcdefabcdef"
			a, err := s.Send(ctx, alert(id))
			Expect(err).NotTo(HaveOccurred())
			Expect(a.Status).To(Equal(http.StatusNoContent))
			a, err = s.Send(ctx, alert("0190A6E2-7C1D-7B3E-9F00-ABCDEFABCDEF", `"Description":"changed"`))
			Expect(err).NotTo(HaveOccurred())
			Expect(a.Status).To(Equal(http.StatusConflict))
			Expect(a.Problem.Reason).To(Equal("conflict"))
			Expect(m.count()).To(BeEquivalentTo(1))
		})
	})

	Describe("message signatures", Label("R4766-6.3", "R4766-6.5", "R4766-6.6"), func() {
		var m *running
		BeforeEach(func() { m = startManager(nil) })

		It("verifies a signed alert, answers with a receipt bound to its signature, and keeps the signature as evidence", func() {
			msg := alert(newID())
			a, err := sender(m, true, manager.SenderOptions{}).Send(ctx, msg)
			Expect(err).NotTo(HaveOccurred())
			Expect(a.Status).To(Equal(http.StatusNoContent))
			Expect(a.Receipt).NotTo(BeNil())
			Expect(a.Receipt.Components).To(Equal([]string{`"@status"`, `"signature";key="idmef";req`}))
			recs, err := m.store.Query(ctx, store.Filter{})
			Expect(err).NotTo(HaveOccurred())
			Expect(recs).To(HaveLen(1))
			sig := recs[0].Evidence.Signature
			Expect(sig).NotTo(BeNil())
			Expect(sig.KeyID).To(Equal("analyzer"))
			Expect(sig.Identity).To(Equal(analyzerID))
			Expect(sig.ContentDigest).To(Equal(httpsig.ContentDigest(msg)))
			Expect(recs[0].Evidence.PeerIdentity).To(Equal(string(analyzerID)))
		})

		It("signs its refusals too", func() {
			a, err := sender(m, true, manager.SenderOptions{}).Send(ctx, []byte(`{}`))
			Expect(err).NotTo(HaveOccurred())
			Expect(a.Status).To(Equal(http.StatusBadRequest))
			Expect(a.Receipt.Components).To(ContainElements(`"@status"`, `"content-digest"`))
		})

		It("refuses a replayed signed request with 403", Label("R4766-6.8"), func() {
			s := sender(m, true, manager.SenderOptions{})
			msg := alert(newID())
			req, err := http.NewRequest(http.MethodPost, m.url("/"), bytes.NewReader(msg))
			Expect(err).NotTo(HaveOccurred())
			req.Header.Set("Content-Type", "application/json")
			Expect(s.Signer.SignRequest(req, msg)).To(Succeed())
			c := client(world.analyzer, false)
			for i, want := range []int{http.StatusNoContent, http.StatusForbidden} {
				replay, _ := http.NewRequest(http.MethodPost, m.url("/"), bytes.NewReader(msg))
				replay.Header = req.Header.Clone()
				res, err := c.Do(replay)
				Expect(err).NotTo(HaveOccurred())
				res.Body.Close()
				Expect(res.StatusCode).To(Equal(want), "attempt %d", i+1)
			}
		})

		It("refuses content changed after signing", func() {
			s := sender(m, true, manager.SenderOptions{})
			msg := alert(newID())
			req, _ := http.NewRequest(http.MethodPost, m.url("/"), nil)
			req.Header.Set("Content-Type", "application/json")
			Expect(s.Signer.SignRequest(req, msg)).To(Succeed())
			tampered := bytes.Replace(msg, []byte(`"Low"`), []byte(`"Info"`), 1)
			res, body := do(client(world.analyzer, false), http.MethodPost, m.url("/"), "application/json", bytes.NewReader(tampered),
				"Signature-Input", req.Header.Get("Signature-Input"), "Signature", req.Header.Get("Signature"), "Content-Digest", req.Header.Get("Content-Digest"))
			Expect(res.StatusCode).To(Equal(http.StatusBadRequest))
			Expect(body).To(ContainSubstring(`"reason":"digest"`))
			Expect(m.count()).To(BeZero())
		})

		It("refuses a key bound to another analyzer", func() {
			s := sender(m, false, manager.SenderOptions{})
			s.Signer = &httpsig.Signer{KeyID: "harness", Private: world.managerKey.Private}
			m2 := startManager(func(c *manager.Config) {
				c.Analyzers = append(c.Analyzers, manager.Analyzer{Identity: harnessID, KeyID: "harness", PublicKey: world.managerKey.Public()})
			})
			s2, err := manager.NewSender(m2.url("/"), world.analyzer.TLS(), world.roots, manager.SenderOptions{})
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(s2.Close)
			s2.Signer = s.Signer
			a, err := s2.Send(ctx, alert(newID()))
			Expect(err).NotTo(HaveOccurred())
			Expect(a.Status).To(Equal(http.StatusForbidden))
			Expect(a.Problem.Reason).To(Equal("signature-wrong-peer"))
		})

		It("lets a plain transport-draft analyzer in by default", func() {
			a, err := sender(m, false, manager.SenderOptions{}).Send(ctx, alert(newID()))
			Expect(err).NotTo(HaveOccurred())
			Expect(a.Status).To(Equal(http.StatusNoContent))
		})
	})

	DescribeTable("requiring signatures", Label("R4766-6.3"),
		func(tweak func(*manager.Config)) {
			m := startManager(tweak)
			a, err := sender(m, false, manager.SenderOptions{}).Send(ctx, alert(newID()))
			Expect(err).NotTo(HaveOccurred())
			Expect(a.Status).To(Equal(http.StatusForbidden))
			Expect(a.Problem.Reason).To(Equal("signature-required"))
			Expect(a.Header.Get("Accept-Signature")).To(HavePrefix(`idmef=("@method" "@target-uri" "content-digest" "content-type")`))
			a, err = sender(m, true, manager.SenderOptions{}).Send(ctx, alert(newID()))
			Expect(err).NotTo(HaveOccurred())
			Expect(a.Status).To(Equal(http.StatusNoContent))
		},
		Entry("for every analyzer", func(c *manager.Config) { c.RequireSignatures = true }),
		Entry("for one analyzer", func(c *manager.Config) { c.Analyzers[0].RequireSignature = true }),
	)

	Describe("the observation file", func() {
		It("gets one line per committed alert, with the bytes received, the analyzer and the time", func() {
			m := startManager(nil)
			s := sender(m, false, manager.SenderOptions{})
			msg := alert(newID())
			for range 2 {
				_, err := s.Send(ctx, msg)
				Expect(err).NotTo(HaveOccurred())
			}
			f, err := os.Open(filepath.Join(m.dir, "observed.ndjson"))
			Expect(err).NotTo(HaveOccurred())
			defer f.Close()
			var lines []manager.ObservedLine
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				var l manager.ObservedLine
				Expect(json.Unmarshal(sc.Bytes(), &l)).To(Succeed())
				lines = append(lines, l)
			}
			Expect(lines).To(HaveLen(1))
			Expect(lines[0].Message).To(Equal(string(msg)))
			Expect(lines[0].Analyzer).To(Equal(string(analyzerID)))
			Expect(lines[0].Received).NotTo(BeZero())
		})
	})
})
