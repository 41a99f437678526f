package analyzerrole_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestAnalyzerRole(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Analyzer-role checks")
}
