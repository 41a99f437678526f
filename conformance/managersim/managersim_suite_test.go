package managersim_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestManagerSim(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "managersim")
}
