// Package eventlog writes the structured event log of a harness run: one JSON object per
// line (schema/events.schema.json) for every connection, handshake, request, answer, sanity
// probe and verdict, in the order they happened.
package eventlog

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// SchemaFile is the embedded schema every line follows.
const SchemaFile = "events.schema.json"

// Kinds of event.
const (
	RunStart   = "run-start"   // the run begins: role, implementation
	RunEnd     = "run-end"     // the run is over: the overall verdict
	CheckStart = "check-start" // a check begins
	CheckEnd   = "check-end"   // a check ended: its verdict and reason
	Probe      = "probe"       // a sanity probe ended: ok or not
	Connect    = "connect"     // a TCP connection was opened (or could not be)
	Handshake  = "tls"         // a TLS handshake ended: its parameters, or its error
	Request    = "request"     // an HTTP request went out (client) or came in (server)
	Response   = "response"    // an HTTP answer came in (client) or went out (server)
	Close      = "close"       // a connection ended: the bytes it carried each way
)

// Directions, seen from the harness.
const (
	Out = "out" // the harness sent it
	In  = "in"  // the implementation sent it
)

// Event is one line of the log. Only the fields that mean something for its kind are set.
type Event struct {
	// Schema is set on the run-start event only: SchemaFile.
	Schema string    `json:"schema,omitempty"`
	Time   time.Time `json:"time"`
	Event  string    `json:"event"`
	// Check is the ID of the check the event belongs to; "sanity" for the sanity probes;
	// empty for what happened outside any check.
	Check     string `json:"check,omitempty"`
	Direction string `json:"direction,omitempty"`
	// Conn numbers the connections of a run, so that a connection's events can be grouped.
	Conn   int64  `json:"conn,omitempty"`
	Local  string `json:"local,omitempty"`
	Remote string `json:"remote,omitempty"`
	// Label is what the check called the exchange in its evidence.
	Label  string `json:"label,omitempty"`
	Method string `json:"method,omitempty"`
	URL    string `json:"url,omitempty"`
	Proto  string `json:"proto,omitempty"`
	Status int    `json:"status,omitempty"`
	// Bytes is the size of the request's or answer's body.
	Bytes *int64 `json:"bytes,omitempty"`
	// Wire counts the bytes a connection carried each way, TLS records included.
	Wire      *Wire  `json:"wire,omitempty"`
	TLS       *TLS   `json:"tls,omitempty"`
	ElapsedMS *int64 `json:"elapsed_ms,omitempty"`
	Error     string `json:"error,omitempty"`
	// Verdict, Reason and Message end a check; OK and When a sanity probe; Role the run.
	Verdict string `json:"verdict,omitempty"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
	OK      *bool  `json:"ok,omitempty"`
	When    string `json:"when,omitempty"`
	Role    string `json:"role,omitempty"`
	Product string `json:"implementation,omitempty"`
}

// Wire is what one connection carried.
type Wire struct {
	Out int64 `json:"out"`
	In  int64 `json:"in"`
}

// TLS is what a handshake settled.
type TLS struct {
	Version     string   `json:"version"`
	CipherSuite string   `json:"cipher_suite"`
	ALPN        string   `json:"alpn,omitempty"`
	ServerName  string   `json:"server_name,omitempty"`
	Resumed     bool     `json:"resumed,omitempty"`
	PeerSubject string   `json:"peer_subject,omitempty"`
	PeerNames   []string `json:"peer_names,omitempty"`
}

// TLSOf describes a completed handshake.
func TLSOf(st *tls.ConnectionState) *TLS {
	if st == nil || !st.HandshakeComplete {
		return nil
	}
	t := &TLS{Version: tls.VersionName(st.Version), CipherSuite: tls.CipherSuiteName(st.CipherSuite),
		ALPN: st.NegotiatedProtocol, ServerName: st.ServerName, Resumed: st.DidResume}
	if len(st.PeerCertificates) > 0 {
		c := st.PeerCertificates[0]
		t.PeerSubject = c.Subject.String()
		t.PeerNames = append(t.PeerNames, c.DNSNames...)
		for _, ip := range c.IPAddresses {
			t.PeerNames = append(t.PeerNames, ip.String())
		}
	}
	return t
}

// Int64 returns a pointer to n, for the optional counters.
func Int64(n int64) *int64 { return &n }

// Bool returns a pointer to b.
func Bool(b bool) *bool { return &b }

// Log writes events to a writer, one JSON line each. A nil *Log discards everything, so that
// code with no log to write to needs no test. It is safe for concurrent use; lines are never
// interleaved. The first write error is kept (Err) and later events are dropped.
type Log struct {
	mu    sync.Mutex
	w     io.Writer
	err   error
	conns atomic.Int64
	now   func() time.Time
	// open holds the tracked connections not closed yet, so that a run can close them before
	// its last event: an HTTP transport closes a connection it is done with in a goroutine
	// of its own, which may come after the run ends.
	openMu sync.Mutex
	open   map[*Conn]struct{}
}

// New returns a log writing to w. The caller closes w after the last event.
func New(w io.Writer) *Log { return &Log{w: w, now: time.Now} }

// Emit writes e, with the time now when e.Time is zero and the check ID ctx carries when
// e.Check is empty.
func (l *Log) Emit(ctx context.Context, e Event) {
	if l == nil {
		return
	}
	if e.Time.IsZero() {
		e.Time = l.now()
	}
	if e.Check == "" && ctx != nil {
		e.Check = CheckOf(ctx)
	}
	line, err := json.Marshal(&e)
	if err != nil {
		return // every field is marshalable: cannot happen
	}
	line = append(line, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return
	}
	_, l.err = l.w.Write(line)
}

// Err returns the first write error.
func (l *Log) Err() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// NextConn numbers a new connection.
func (l *Log) NextConn() int64 {
	if l == nil {
		return 0
	}
	return l.conns.Add(1)
}

type checkKey struct{}

// WithCheck returns a context whose events belong to the check id.
func WithCheck(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, checkKey{}, id)
}

// CheckOf returns the check ID WithCheck stored, "" without one.
func CheckOf(ctx context.Context) string {
	id, _ := ctx.Value(checkKey{}).(string)
	return id
}

// Conn wraps a connection the harness opened or accepted: it counts the bytes each way and,
// when closed, writes a Close event with them. Its other methods are the connection's.
type Conn struct {
	net.Conn
	log     *Log
	ctx     context.Context
	id      int64
	dir     string
	out, in atomic.Int64
	once    sync.Once
	opened  time.Time
}

// Track wraps c, numbers it and writes its Connect event. dir is Out for a connection the
// harness dialled, In for one it accepted. With a nil log it returns c's wrapper all the
// same, counting, so that callers need no test.
func (l *Log) Track(ctx context.Context, c net.Conn, dir string) *Conn {
	tc := &Conn{Conn: c, log: l, ctx: context.WithoutCancel(ctx), id: l.NextConn(), dir: dir, opened: time.Now()}
	if l != nil {
		l.openMu.Lock()
		if l.open == nil {
			l.open = map[*Conn]struct{}{}
		}
		l.open[tc] = struct{}{}
		l.openMu.Unlock()
	}
	l.Emit(tc.ctx, Event{Event: Connect, Direction: dir, Conn: tc.id, Local: c.LocalAddr().String(), Remote: c.RemoteAddr().String()})
	return tc
}

// ID is the connection's number in the log.
func (c *Conn) ID() int64 { return c.id }

func (c *Conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.in.Add(int64(n))
	return n, err
}

func (c *Conn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.out.Add(int64(n))
	return n, err
}

// Close closes the connection and writes its Close event, once.
func (c *Conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		if c.log != nil {
			c.log.openMu.Lock()
			delete(c.log.open, c)
			c.log.openMu.Unlock()
		}
		el := time.Since(c.opened).Milliseconds()
		c.log.Emit(c.ctx, Event{Event: Close, Direction: c.dir, Conn: c.id, Local: c.LocalAddr().String(), Remote: c.RemoteAddr().String(),
			Wire: &Wire{Out: c.out.Load(), In: c.in.Load()}, ElapsedMS: &el})
	})
	return err
}

// CloseOpen closes every tracked connection still open, each writing its Close event, and
// returns how many there were. A run calls it after its last check, before its last event,
// so that every Connect in the log has its Close.
func (l *Log) CloseOpen() int {
	if l == nil {
		return 0
	}
	l.openMu.Lock()
	open := make([]*Conn, 0, len(l.open))
	for c := range l.open {
		open = append(open, c)
	}
	l.openMu.Unlock()
	for _, c := range open {
		_ = c.Close()
	}
	return len(open)
}
