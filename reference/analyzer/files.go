package analyzer

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/idmefcheck/idmefcheck/reference/validator"
)

// ndjsonFile appends one JSON object per line, synced after each: dead letters and receipts
// are few and must not be lost once written.
type ndjsonFile struct {
	mu   sync.Mutex
	path string
	f    *os.File
}

func openNDJSON(path string) (*ndjsonFile, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("analyzer: %w", err)
	}
	return &ndjsonFile{path: path, f: f}, nil
}

func (n *ndjsonFile) write(v any) error {
	if n == nil {
		return nil
	}
	line, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("analyzer: %s: %w", n.path, err)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, err := n.f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("analyzer: %s: %w", n.path, err)
	}
	if err := n.f.Sync(); err != nil {
		return fmt.Errorf("analyzer: %s: %w", n.path, err)
	}
	return nil
}

func (n *ndjsonFile) close() error {
	if n == nil {
		return nil
	}
	return n.f.Close()
}

// deadLetter is one line of the dead-letter file (docs/analyzer.md, "Dead letters").
type deadLetter struct {
	Time time.Time `json:"time"`
	// Reason: invalid (fails the strict profile), unreadable (an input line that makes no
	// alert), too-large, or refused (a manager answered 4xx).
	Reason     string              `json:"reason"`
	ID         string              `json:"id,omitempty"`
	Origin     string              `json:"origin,omitempty"`
	Error      string              `json:"error,omitempty"`
	Findings   []validator.Finding `json:"findings,omitempty"`
	Status     int                 `json:"status,omitempty"`      // the manager's answer, for refused
	Answer     json.RawMessage     `json:"answer,omitempty"`      // its body when JSON
	AnswerText string              `json:"answer_text,omitempty"` // its body otherwise
	// Message is the message (or input line) as text; MessageBase64 holds it instead when it
	// is not UTF-8.
	Message       string `json:"message,omitempty"`
	MessageBase64 []byte `json:"message_base64,omitempty"`
}

func (a *Analyzer) deadLetter(d deadLetter, data []byte) {
	d.Time = time.Now().UTC()
	if utf8.Valid(data) {
		d.Message = string(data)
	} else {
		d.MessageBase64 = data
	}
	a.stats.deadLettered.Add(1)
	a.log.Warn("dead letter", "reason", d.Reason, "id", d.ID, "origin", d.Origin, "error", d.Error, "status", d.Status, "findings", len(d.Findings))
	if err := a.dead.write(d); err != nil {
		a.log.Error("writing a dead letter", "error", err)
	}
}

// receiptRecord is one line of the receipts file.
type receiptRecord struct {
	Time           time.Time `json:"time"`
	ID             string    `json:"id"`
	Seq            int64     `json:"seq"`
	Status         int       `json:"status"`
	KeyID          string    `json:"keyid"`
	Created        time.Time `json:"created"`
	SignatureInput string    `json:"signature_input"`
	Signature      string    `json:"signature"`
	// Request is the Signature member of the request the receipt is bound to.
	Request string `json:"request_signature,omitempty"`
}
