package tlsprobe_test

import (
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gleak"
)

func TestTLSProbe(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Raw TLS ClientHello probe")
}

const leakTimeout = 5 * time.Second

// Every spec ends with the goroutines it started: the test servers' and their handshakes.
var _ = BeforeEach(func() {
	before := gleak.Goroutines()
	DeferCleanup(func() {
		Eventually(gleak.Goroutines).WithTimeout(leakTimeout).ShouldNot(gleak.HaveLeaked(before))
	})
})
