package knownbad_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestKnownBad(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Known-bad implementations (honesty)")
}
