package spool_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestSpool(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Spool: the analyzer's durable queue")
}
