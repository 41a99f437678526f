package tail_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestTail(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Tail: following files through rotation")
}
