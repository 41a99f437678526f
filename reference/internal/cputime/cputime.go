// Package cputime reads the CPU time the process has used, for the benchmarks that report CPU
// per message or per alert: on a machine shared with other work, that figure moves far less
// than a rate does, since other work takes cores but not this process's CPU time.
package cputime

import (
	"syscall"
	"time"
)

// TB is the part of testing.TB that Process uses (Ginkgo's GinkgoT has it too).
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
}

// Process is the CPU time (user and system, every thread) the process has used so far. It
// fails tb when the kernel does not say.
func Process(tb TB) time.Duration {
	tb.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatalf("cputime: getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
