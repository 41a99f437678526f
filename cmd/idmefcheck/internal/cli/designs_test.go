package cli_test

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"

	"github.com/chromedp/chromedp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("idmefcheck designs", func() {
	It("lists the four designs with their counts", func() {
		code, stdout, stderr := run("", "designs", "list")
		Expect(code).To(Equal(0), stderr)
		Expect(stdout).To(MatchRegexp(`(?m)^idmefv2-v06 +2\.D\.V06 +\d+ +\d+ +\d+ +\d+  IDMEFv2 2\.D\.V06 over HTTPS transport 05$`))
		Expect(stdout).To(ContainSubstring("reference-profile"))
	})

	It("shows one design's assessment of every requirement", func() {
		code, stdout, stderr := run("", "designs", "show", "idmefv2-v08")
		Expect(code).To(Equal(0), stderr)
		Expect(stdout).To(MatchRegexp(`(?m)^R4766-7\.7 +no +none: the model has no impact field`))
		code, stdout, _ = run("", "designs", "show", "--format", "json", "reference-profile")
		Expect(code).To(Equal(0))
		var d struct {
			Version     string `json:"version"`
			Assessments []any  `json:"assessments"`
		}
		Expect(json.Unmarshal([]byte(stdout), &d)).To(Succeed())
		Expect(d.Version).To(Equal("2.D.V08"))
		Expect(d.Assessments).NotTo(BeEmpty())
	})

	It("refuses an unknown design, naming the known ones", func() {
		code, _, stderr := run("", "designs", "show", "idmefv2-v99")
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring(`no design "idmefv2-v99" (have idmefv2-v06, idmefv2-v07, idmefv2-v08, reference-profile)`))
	})

	It("compares designs, listing what none of them meets", Label("R4766-7.7", "R4766-7.8"), func() {
		code, stdout, stderr := run("", "designs", "compare", "idmefv2-v06", "idmefv2-v07", "idmefv2-v08")
		Expect(code).To(Equal(0), stderr)
		Expect(stdout).To(ContainSubstring("met by none of the designs"))
		Expect(stdout).To(MatchRegexp(`(?m)^  R4766-7\.8 +MUST +The alert reports automatic responses`))
		Expect(stdout).To(MatchRegexp(`(?m)^R4766-7\.1 +partial +yes +yes `))
		Expect(stdout).To(ContainSubstring("schema 2.D.V06 -> 2.D.V08"))
	})

	It("writes the comparison as Markdown and JSON, by -o's extension", func() {
		dir := GinkgoT().TempDir()
		md, js := filepath.Join(dir, "matrix.md"), filepath.Join(dir, "matrix.json")
		code, _, stderr := run("", "designs", "compare", "idmefv2-v08", "reference-profile", "-o", md)
		Expect(code).To(Equal(0), stderr)
		Expect(string(must(os.ReadFile(md)))).To(ContainSubstring("| ≠ | R4766-6.6 | SHOULD |"))
		code, _, stderr = run("", "designs", "compare", "-o", js)
		Expect(code).To(Equal(0), stderr)
		var c struct {
			Designs []struct{ ID string } `json:"designs"`
			Unmet   []string              `json:"unmet"`
			Diffs   []struct {
				From, To string
			} `json:"schema_differences"`
		}
		Expect(json.Unmarshal(must(os.ReadFile(js)), &c)).To(Succeed())
		Expect(c.Designs).To(HaveLen(4))
		Expect(c.Unmet).To(ContainElement("R4766-7.7"))
		Expect(c.Diffs).To(HaveLen(3))
	})

	It("prints the schema differences between two revisions, as text and JSON", func() {
		code, stdout, stderr := run("", "designs", "diff", "2.D.V07", "2.D.V08")
		Expect(code).To(Equal(0), stderr)
		Expect(stdout).To(ContainSubstring("value renamed  AlertCategory: Recon.Netword -> Recon.Network (edit distance 1)"))
		Expect(stdout).To(ContainSubstring("field added    ReportTime: TIMESTAMP"))
		code, stdout, _ = run("", "designs", "diff", "--format", "json", "2.D.V06", "2.D.V07")
		Expect(code).To(Equal(0))
		var d struct {
			Classes []struct{ Path, Kind string } `json:"classes"`
		}
		Expect(json.Unmarshal([]byte(stdout), &d)).To(Succeed())
		Expect(d.Classes).To(ContainElement(struct{ Path, Kind string }{"Vector", "removed"}))
	})

	It("refuses an unknown revision", func() {
		code, _, stderr := run("", "designs", "diff", "2.D.V06", "2.D.V10")
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring(`no IDMEFv2 revision "2.D.V10"`))
	})
})

var _ = Describe("the designs comparison in a browser", func() {
	It("shows the summary, hides rows by filter, and can be captured", func() {
		findChromium()
		page := filepath.Join(GinkgoT().TempDir(), "matrix.html")
		code, _, stderr := run("", "designs", "compare", "-o", page)
		Expect(code).To(Equal(0), stderr)
		ctx := browse()
		Expect(chromedp.Do(ctx,
			chromedp.Navigate("file://"+page),
			chromedp.WaitVisible(chromedp.CSS("#matrix")),
		)).To(Succeed())
		Expect(get(ctx, chromedp.Title())).To(Equal("Comparison of 4 designs"))
		Expect(get(ctx, chromedp.Evaluate[bool](`document.querySelector("#unmet").checkVisibility()`))).To(BeTrue())
		Expect(get(ctx, chromedp.Text(chromedp.CSS("#unmet")))).To(ContainSubstring("R4766-7.7"))
		all := shownRows(ctx, "#matrix tr[data-row]")
		Expect(len(all)).To(BeNumerically(">", 200))

		By("keeping only the differences")
		Expect(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form.filters[data-for="matrix"] input[name="differs"]`)))).To(Succeed())
		differing := shownRows(ctx, "#matrix tr[data-row]")
		Expect(len(differing)).To(BeNumerically("<", len(all)))
		Expect(differing).To(ContainElement("req-R4766-6.6"))
		Expect(differing).NotTo(ContainElement("req-R4766-7.7"), "every design says no: not a difference")

		By("searching for one requirement")
		Expect(chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`form.filters[data-for="matrix"] input[name="q"]`), "cross firewalls"))).To(Succeed())
		Eventually(func() []string { return shownRows(ctx, "#matrix tr[data-row]") }).WithTimeout(browserTimeout).Should(Equal([]string{"req-R4766-6.2"}))

		By("taking a screenshot")
		shot := get(ctx, chromedp.FullScreenshot(100))
		img, err := png.Decode(bytes.NewReader(shot))
		Expect(err).NotTo(HaveOccurred())
		Expect(img.Bounds().Dx()).To(BeNumerically(">=", 1000))
		file := filepath.Join(GinkgoT().TempDir(), "designs.png")
		Expect(os.WriteFile(file, shot, 0o644)).To(Succeed())
		GinkgoWriter.Printf("screenshot: %s (%d bytes)\n", file, len(shot))
	})
})
