package manager

import (
	"encoding/json"
	"errors"
	"os"
	"sync"
	"time"

	"github.com/idmefcheck/idmefcheck/reference/store"
)

// ObservedLine is one line of the observation file: a committed alert as received.
type ObservedLine struct {
	Received time.Time `json:"received"`
	Analyzer string    `json:"analyzer"` // the delivering peer's identity
	Mode     string    `json:"mode"`     // push or pull
	Seq      int64     `json:"seq"`
	ID       string    `json:"id"`
	// Message is the message exactly as received, as a JSON string (jq: .message | fromjson).
	Message string `json:"message"`
}

// observer appends ObservedLines to the observation file. Lines are written after the alert's
// commit and before its 2xx, whole (one write call each, O_APPEND), without fsync: the store is
// the durable record, the file is a feed.
type observer struct {
	mu sync.Mutex
	f  *os.File
}

func (s *Server) observe(rec *store.Record) {
	if s.observer == nil {
		return
	}
	line, err := json.Marshal(ObservedLine{Received: rec.Received, Analyzer: rec.Analyzer, Mode: rec.Evidence.Mode, Seq: rec.Seq, ID: rec.ID, Message: string(rec.Raw)})
	if err != nil {
		s.log.Error("observation line", "error", err)
		return
	}
	s.observer.mu.Lock()
	defer s.observer.mu.Unlock()
	if s.observer.f == nil {
		return
	}
	if _, err := s.observer.f.Write(append(line, '\n')); err != nil {
		s.log.Error("writing the observation file", "error", err)
	}
}

func (o *observer) close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.f == nil {
		return nil
	}
	err := o.f.Close()
	o.f = nil
	if err != nil {
		return errors.New("manager: closing the observation file: " + err.Error())
	}
	return nil
}
