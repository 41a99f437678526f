package designs_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestDesigns(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Designs Suite")
}
