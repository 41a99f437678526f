package observe_test

import (
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gleak"
)

func TestObserve(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Observation channels")
}

const leakTimeout = 5 * time.Second

// Every spec ends with the goroutines it started: test servers, commands, polls.
var _ = BeforeEach(func() {
	before := gleak.Goroutines()
	DeferCleanup(func() {
		Eventually(gleak.Goroutines).WithTimeout(leakTimeout).ShouldNot(gleak.HaveLeaked(before))
	})
})
