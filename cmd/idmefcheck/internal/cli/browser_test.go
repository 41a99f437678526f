package cli_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/chromedp/chromedp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/report"
)

// The HTML pages opened in a real browser: headless Chromium driven over the DevTools
// protocol by chromedp, so that the filters, the expandable evidence and the page's
// Content-Security-Policy are checked as a reader meets them, not as markup. CI installs
// Debian's chromium and sets IDMEFCHECK_REQUIRE_BROWSER, so these specs never skip there.

// browserTimeout bounds everything one spec asks of the browser.
const browserTimeout = 60 * time.Second

// findChromium returns the browser's path, skipping the spec when there is none and CI did
// not ask for one.
func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("IDMEFCHECK_REQUIRE_BROWSER") != "" {
		Fail("IDMEFCHECK_REQUIRE_BROWSER is set but no chromium is on PATH (apt-get install chromium)")
	}
	Skip("no chromium on PATH: the HTML pages are not checked in a browser (apt-get install chromium, or set IDMEFCHECK_REQUIRE_BROWSER=1 to make this a failure)")
	return ""
}

// browse opens a headless browser tab for the spec and closes it when the spec ends.
func browse() context.Context {
	path := findChromium()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // CI containers run as root, where Chromium's sandbox cannot start
		chromedp.DisableGPU,
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(GinkgoT().TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, browserTimeout)
	DeferCleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
	})
	return ctx
}

// get runs one action that yields a value, failing the spec on error.
func get[T any](ctx context.Context, a chromedp.Action[T]) T {
	GinkgoHelper()
	v, err := chromedp.Run(ctx, a)
	Expect(err).NotTo(HaveOccurred())
	return v
}

// shownRows counts the rows of a table the reader can see (offsetParent is null for an
// element that is not rendered).
func shownRows(ctx context.Context, rows string) []string {
	GinkgoHelper()
	return get(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(`+"`"+rows+"`"+`)].filter(r => r.offsetParent !== null).map(r => r.id || r.dataset.text)`))
}

var _ = Describe("the HTML pages in a browser", Ordered, func() {
	var dir, matrix string
	BeforeAll(func() {
		findChromium()
		lab := labFor("manager/accept-tls12")
		var code int
		code, _, _, dir = runSuite(lab.StatementFile, "--only", "MGR-CONF-001,MGR-CONF-003,MGR-AUTH-007")
		Expect(code).To(Equal(report.ExitMustFailure))
		ref := labFor("reference")
		var refDir string
		code, _, _, refDir = runSuite(ref.StatementFile, "--only", "MGR-CONF-001,MGR-CONF-003,MGR-AUTH-007", "--formats", "json")
		Expect(code).To(Equal(0))
		matrix = filepath.Join(GinkgoT().TempDir(), "matrix.html")
		code, _, stderr := run("", "report", "compare", filepath.Join(refDir, "report.json"), filepath.Join(dir, "report.json"), "-o", matrix)
		Expect(code).To(Equal(0), stderr)
	})

	It("show the report's verdict, hide rows by filter, expand evidence, and can be captured", func() {
		ctx := browse()
		Expect(chromedp.Do(ctx,
			chromedp.Navigate("file://"+filepath.Join(dir, "report.html")),
			chromedp.WaitVisible(chromedp.CSS("#verdict-word")),
		)).To(Succeed())
		Expect(get(ctx, chromedp.Text(chromedp.CSS("#verdict-word")))).To(Equal("Not conformant"))
		// The style sheet applied, which the page's policy admits by hash only.
		Expect(get(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector(".verdict")).borderTopStyle`))).To(Equal("solid"))
		// The script ran, which the policy admits by hash only: the filter counts the rows.
		Expect(get(ctx, chromedp.Text(chromedp.CSS(`form.filters[data-for="checks"] output`)))).To(Equal("3 of 3 shown"))
		Expect(shownRows(ctx, "#checks tbody.row")).To(HaveLen(3))

		By("clicking the fail tile, which sets the verdict filter")
		Expect(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("a.tile.t-fail")))).To(Succeed())
		Expect(shownRows(ctx, "#checks tbody.row")).To(Equal([]string{"check-MGR-CONF-001"}))
		Expect(get(ctx, chromedp.Text(chromedp.CSS(`form.filters[data-for="checks"] output`)))).To(Equal("1 of 3 shown"))
		Expect(get(ctx, chromedp.Value(chromedp.CSS("#filter-verdict")))).To(Equal("fail"))

		By("opening the failed check's evidence")
		open := `document.querySelector("#check-MGR-CONF-001 details").open`
		Expect(get(ctx, chromedp.Evaluate[bool](open))).To(BeFalse())
		// checkVisibility, not offsetHeight: Chromium lays out a closed <details>'s content and
		// hides it with content-visibility.
		seen := `document.querySelector("#check-MGR-CONF-001 details pre").checkVisibility({contentVisibilityAuto: true})`
		Expect(get(ctx, chromedp.Evaluate[bool](seen))).To(BeFalse())
		Expect(chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#check-MGR-CONF-001 details > summary")))).To(Succeed())
		Expect(get(ctx, chromedp.Evaluate[bool](open))).To(BeTrue())
		Expect(get(ctx, chromedp.Evaluate[bool](seen))).To(BeTrue(), "the evidence shows once expanded")

		By("taking a screenshot")
		shot := get(ctx, chromedp.FullScreenshot(100))
		file := filepath.Join(GinkgoT().TempDir(), "report.png")
		Expect(os.WriteFile(file, shot, 0o644)).To(Succeed())
		Expect(len(shot)).To(BeNumerically(">", 0))
		img, err := png.Decode(bytes.NewReader(shot))
		Expect(err).NotTo(HaveOccurred())
		Expect(img.Bounds().Dx()).To(BeNumerically(">=", 1000))
		GinkgoWriter.Printf("screenshot: %s (%d bytes)\n", file, len(shot))
	})

	It("show the comparison with its differences, and keep only them on request", func() {
		ctx := browse()
		Expect(chromedp.Do(ctx,
			chromedp.Navigate("file://"+matrix),
			chromedp.WaitVisible(chromedp.CSS("#checks")),
		)).To(Succeed())
		Expect(get(ctx, chromedp.Title())).To(Equal("Comparison of 2 reports"))
		Expect(shownRows(ctx, "#checks tr[data-row]")).To(HaveLen(3))
		Expect(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form.filters[data-for="checks"] input[name="differs"]`)))).To(Succeed())
		Expect(shownRows(ctx, "#checks tr[data-row]")).To(Equal([]string{"mgr-conf-001 tls 1.2 is refused"}))
	})
})
