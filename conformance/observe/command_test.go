package observe_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/conformance/observe"
)

var _ = Describe("Command", func() {
	BeforeEach(func() {
		if _, err := exec.LookPath("sh"); err != nil {
			Skip("no sh")
		}
	})
	sh := func(script string) *observe.Command { return &observe.Command{Argv: []string{"sh", "-c", script}} }

	It("passes the IDs sought in IDMEFCHECK_IDS and reads what it prints", func() {
		c := sh(`for id in $(echo "$IDMEFCHECK_IDS" | tr , ' '); do printf '{"ID":"%s"}\n' "$id"; done; echo '{"ID":"other"}'`)
		got, err := c.Lookup(context.Background(), "A-1", "b-2")
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(HaveKey(observe.Key("A-1")))
		Expect(got).To(HaveKey(observe.Key("b-2")))
		Expect(got).To(HaveLen(2), "only the IDs sought")
		Expect(got[observe.Key("A-1")][0].Where).To(Equal("observation command output line 1"))
	})

	It("fails with the exit status and stderr of a command that fails", func() {
		_, err := sh(`echo '{"ID":"x"}'; echo "export refused" >&2; exit 3`).Lookup(context.Background(), "x")
		Expect(err).To(MatchError(And(ContainSubstring(`observation command "sh"`), ContainSubstring("exit status 3"), ContainSubstring("export refused"))))
	})

	It("fails when nothing it printed could be read", func() {
		_, err := sh(`echo nonsense; echo '{"no":"id"}'`).Lookup(context.Background(), "x")
		Expect(err).To(MatchError(And(ContainSubstring("printed nothing readable"), ContainSubstring("line 1: not a JSON object"))))
	})

	It("keeps the unreadable lines of output as problems when others could be read", func() {
		c := sh(`echo '{"ID":"x"}'; echo; echo nonsense`)
		got, err := c.Lookup(context.Background(), "x")
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(HaveKey("x"))
		Expect(c.Problems()).To(ConsistOf(HavePrefix("observation command output line 3: not a JSON object")))
	})

	It("is stopped when the context ends", func() {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := (&observe.Command{Argv: []string{"sleep", "30"}}).Lookup(ctx, "x")
		Expect(err).To(HaveOccurred())
		Expect(time.Since(start)).To(BeNumerically("<", 10*time.Second))
	})

	It("fails cleanly without a command", func() {
		_, err := (&observe.Command{}).Lookup(context.Background(), "x")
		Expect(err).To(MatchError(ContainSubstring("no command")))
	})

	It("names a program it cannot start", func() {
		_, err := (&observe.Command{Argv: []string{filepath.Join(GinkgoT().TempDir(), "missing")}}).Lookup(context.Background(), "x")
		Expect(err).To(MatchError(ContainSubstring("missing")))
	})

	It("describes itself by its command line", func() {
		Expect(sh("x y").Describe()).To(Equal("command sh -c x y"))
	})
})
