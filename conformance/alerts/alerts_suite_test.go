package alerts_test

import (
	"sync"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/schema"
)

func TestAlerts(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Alert factory")
}

// strict is the reference validator under the strict profile, built once (it is safe for
// concurrent use and slow to build).
var strict = sync.OnceValue(func() *validator.Validator {
	set, err := schema.Load()
	Expect(err).NotTo(HaveOccurred())
	v, err := validator.New(set, validator.Options{Profile: validator.Strict})
	Expect(err).NotTo(HaveOccurred())
	return v
})
