package store

import (
	"context"
	"errors"
	"time"

	"github.com/idmefcheck/idmefcheck/reference/httpsig"
)

// Record is one accepted alert.
type Record struct {
	// Seq is assigned by the store: increasing in commit order, never reused.
	Seq int64 `json:"seq"`
	// Analyzer is the identity of the peer that delivered the alert (transport.Identity).
	Analyzer string `json:"analyzer"`
	// ID is the alert's ID as received; deduplication compares it case-insensitively.
	ID string `json:"id"`
	// Digest is the SHA-256 of Raw; it decides between a repeat and a conflict.
	Digest [32]byte `json:"-"`
	// Raw is the message exactly as received.
	Raw []byte `json:"-"`
	// Received is when the manager read the message, UTC.
	Received time.Time `json:"received"`

	Fields   Fields   `json:"fields"`
	Evidence Evidence `json:"evidence"`

	// Cursor, when not nil, is a pull cursor the store saves in the same transaction as the
	// record, so that a pulled alert and the acknowledgement of it commit together.
	Cursor *Cursor `json:"-"`
	// AllowDuplicate stores the record even when its key exists (the SkipDedup fault of the
	// reference manager's known-bad variants). Never set it otherwise.
	AllowDuplicate bool `json:"-"`
}

// Fields are the values of the message that queries filter and group on.
type Fields struct {
	// CreateTime is the message's CreateTime normalised to UTC; zero when it could not be read.
	CreateTime   time.Time `json:"create_time"`
	Categories   []string  `json:"categories,omitempty"`
	Priority     string    `json:"priority,omitempty"`
	AnalyzerName string    `json:"analyzer_name,omitempty"`
	AnalyzerID   string    `json:"analyzer_id,omitempty"`
	// SourceIPs and TargetIPs are canonical (netip) text forms.
	SourceIPs []string `json:"source_ips,omitempty"`
	TargetIPs []string `json:"target_ips,omitempty"`
}

// Evidence is what the manager knew of the alert's origin when it accepted it.
type Evidence struct {
	Mode            string            `json:"mode"` // "push" or "pull"
	PeerIdentity    string            `json:"peer_identity"`
	PeerFingerprint string            `json:"peer_sha256"`
	PeerCertificate []byte            `json:"peer_certificate,omitempty"` // DER
	RemoteAddr      string            `json:"remote_addr"`
	Protocol        string            `json:"protocol"` // HTTP/1.1 or HTTP/2.0
	Target          string            `json:"target"`   // the request target (push) or pull URL
	ContentType     string            `json:"content_type,omitempty"`
	Signature       *httpsig.Evidence `json:"signature,omitempty"`
}

// Cursor is the position reached in an analyzer's pull feed.
type Cursor struct {
	Source string // the pull URL
	Value  string
}

// Outcome of Put.
type Outcome int

// Outcomes.
const (
	// Stored: a new record was committed.
	Stored Outcome = iota + 1
	// Duplicate: a record with the same key and the same content exists; nothing was written.
	Duplicate
	// Conflict: a record with the same key and other content exists; nothing was written.
	Conflict
)

func (o Outcome) String() string {
	switch o {
	case Stored:
		return "stored"
	case Duplicate:
		return "duplicate"
	case Conflict:
		return "conflict"
	}
	return "unknown"
}

// PutResult is what Put did.
type PutResult struct {
	Outcome Outcome
	// Seq is the new record's sequence number, or the existing record's.
	Seq int64
}

// ErrClosed is returned by Put after Close.
var ErrClosed = errors.New("store: closed")

// ErrNotFound is returned by Get when no record matches.
var ErrNotFound = errors.New("store: no such alert")

// Filter selects records. Zero fields select everything.
type Filter struct {
	From, To     time.Time // CreateTime in [From, To), compared in UTC
	Category     string
	Priority     string
	AnalyzerName string
	AnalyzerID   string
	Peer         string // the delivering analyzer's identity
	SourceIP     string
	TargetIP     string
	Text         string // a substring of the message, ASCII case-insensitive
	After        int64  // only records with Seq > After (cursor pagination)
	Limit        int    // at most this many records (Query); 0 means 100
}

// Count is one group of Stats.
type Count struct {
	Key   string `json:"key"`
	Count int64  `json:"count"`
}

// GroupBy names the fields Stats can group on.
var GroupBy = []string{"Category", "Priority", "Analyzer.Name", "Source.IP"}

// Store keeps accepted alerts. Implementations must be safe for concurrent use, and Put must
// return only once its outcome is durable: a Stored record survives a crash of the process
// or the machine from the moment Put returns.
type Store interface {
	// Put stores rec unless a record with the same key (Analyzer, ID compared
	// case-insensitively) exists, and says which. It fills rec.Seq when it stores.
	Put(ctx context.Context, rec *Record) (PutResult, error)
	// Get returns the records with this alert ID (case-insensitively), from every analyzer
	// unless analyzer is not empty; ErrNotFound when there is none.
	Get(ctx context.Context, id, analyzer string) ([]*Record, error)
	// Query returns records in Seq order; Raw is filled.
	Query(ctx context.Context, f Filter) ([]*Record, error)
	// Stats counts records matching f by one of GroupBy.
	Stats(ctx context.Context, groupBy string, f Filter) ([]Count, error)
	// Cursor returns the saved pull cursor of source, "" when none.
	Cursor(ctx context.Context, source string) (string, error)
	// SetCursor saves a pull cursor on its own, durably (for messages refused, not stored).
	SetCursor(ctx context.Context, c Cursor) error
	// Count returns the number of records.
	Count(ctx context.Context) (int64, error)
	// Close commits what Put has queued, then releases the store. Put fails after Close.
	Close() error
}
