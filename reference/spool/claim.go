package spool

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// Claim tries to make this process the spool's deliverer: the one that sends its entries.
// It holds an exclusive lock on the file beside the database (path + ".lock") until Close, and
// reports false, without waiting, when another process holds it. A process that does not
// hold the claim may still Enqueue; the deliverer finds its entries (see Wait).
func (s *Spool) Claim() (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false, ErrClosed
	}
	if s.lock != nil {
		return true, nil
	}
	f, err := os.OpenFile(s.path+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return false, fmt.Errorf("spool: claiming %s: %w", s.path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return false, nil
		}
		return false, fmt.Errorf("spool: claiming %s: %w", s.path, err)
	}
	s.lock = f
	return true, nil
}
