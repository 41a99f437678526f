package ics_test

import (
	"sync"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/schema"
)

func TestICS(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Implementation statements")
}

// schemas loads the embedded schemas once: they are immutable and take a while to compile.
var schemas = sync.OnceValues(schema.Load)

func mustSchemas() *schema.Set {
	set, err := schemas()
	Expect(err).NotTo(HaveOccurred())
	return set
}
