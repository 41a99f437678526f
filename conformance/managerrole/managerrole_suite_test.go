package managerrole_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestManagerRole(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Manager-role checks")
}
