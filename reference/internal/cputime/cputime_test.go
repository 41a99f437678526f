package cputime_test

import (
	"crypto/sha256"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/internal/cputime"
)

var _ = Describe("the process's CPU time", func() {
	It("grows with the work the process does, not with the time it waits", func() {
		t := GinkgoT()
		before := cputime.Process(t)
		Expect(before).To(BeNumerically(">", 0))
		// Work until 20 ms of CPU have been used: this ends only if the figure grows.
		sum := sha256.Sum256(nil)
		for cputime.Process(t)-before < 20*time.Millisecond {
			for range 1000 {
				sum = sha256.Sum256(sum[:])
			}
		}
		afterWork := cputime.Process(t)
		time.Sleep(50 * time.Millisecond)
		Expect(cputime.Process(t)-afterWork).To(BeNumerically("<", 40*time.Millisecond), "sleeping is not CPU time")
	})
})
