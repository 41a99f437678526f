package target_test

import (
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gleak"
)

func TestTarget(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Target client")
}

const leakTimeout = 5 * time.Second

// Every spec ends with the goroutines it started: test servers, client connections.
var _ = BeforeEach(func() {
	before := gleak.Goroutines()
	DeferCleanup(func() {
		Eventually(gleak.Goroutines).WithTimeout(leakTimeout).ShouldNot(gleak.HaveLeaked(before))
	})
})
