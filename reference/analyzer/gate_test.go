package analyzer_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/analyzer"
)

var _ = Describe("the push gate", func() {
	It("keeps a Retry-After wait when an older request succeeds during it", func() {
		g := analyzer.NewGate(10*time.Millisecond, time.Second)
		older := time.Now()
		time.Sleep(time.Millisecond)
		Expect(g.Fail(time.Now(), 3*time.Second)).To(Equal(3 * time.Second))
		Expect(g.Closed()).To(BeTrue())
		g.Succeed(older) // in flight before the 429: says nothing of the manager now
		Expect(g.Closed()).To(BeTrue())
		g.Succeed(time.Now()) // a request sent after the 429 succeeded: the manager is back
		Expect(g.Closed()).To(BeFalse())
	})
})
