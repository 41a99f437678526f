package spool

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver (pure Go)
)

// Message is one alert handed to Enqueue: its final bytes, sent unchanged on every attempt.
type Message struct {
	// ID is the alert's ID, kept beside the bytes for logs and dead letters; the spool does
	// not interpret it.
	ID   string
	Data []byte
}

// Entry is a spooled message.
type Entry struct {
	// Seq numbers entries in enqueue order. It is assigned at commit, increases, and is never
	// reused, even after the entry is removed (pull cursors rely on it).
	Seq      int64
	ID       string
	Data     []byte
	Enqueued time.Time
}

// Checkpoint is how far an input has been read, saved in the same transaction as the
// messages made from what it read: after a crash, the input resumes exactly after the last
// message spooled, so that nothing is read twice (and sent twice under new IDs) or skipped.
type Checkpoint struct {
	// Source names the input, for example "eve:/var/log/suricata/eve.json".
	Source string
	// Position is the input's own resume state; the spool keeps it as given.
	Position []byte
}

// Options configure Open. Zero fields take the defaults.
type Options struct {
	// MaxMessages bounds the entries the spool holds (default 100,000). Enqueue waits while
	// the spool is full.
	MaxMessages int
	// MaxBytes bounds the bytes of the entries the spool holds (default 1 GiB). A batch larger
	// than MaxBytes on its own is refused.
	MaxBytes int64
	// AckDelay is how long acknowledgements may wait to be written together (default 5 ms).
	AckDelay time.Duration
	// Poll is how often Wait looks for entries another process enqueued (default 250 ms).
	Poll time.Duration
}

func (o Options) withDefaults() Options {
	if o.MaxMessages <= 0 {
		o.MaxMessages = 100_000
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 1 << 30
	}
	if o.AckDelay <= 0 {
		o.AckDelay = 5 * time.Millisecond
	}
	if o.Poll <= 0 {
		o.Poll = 250 * time.Millisecond
	}
	return o
}

// Errors callers branch on with errors.Is.
var (
	// ErrClosed: the spool was closed.
	ErrClosed = errors.New("spool: closed")
	// ErrTooLarge: a batch is larger than the spool may ever hold.
	ErrTooLarge = errors.New("spool: batch larger than the spool's bounds")
)

// Spool is a durable queue of outgoing messages in one SQLite database file (WAL mode,
// synchronous=FULL). Enqueue returns only once its messages are on stable storage. Entries
// are read in Seq order and removed by Ack (push: one delivered message) or AckThrough (pull:
// everything up to a cursor). Acknowledgements are written in groups, a few milliseconds
// late: one lost in a crash only makes its message be sent again, with the same bytes, which
// a manager of the reference profile answers as a repeat.
//
// Several processes may open the same file (an emitting command beside a running analyzer);
// the bounds are then kept per process, counted from what the file held when it was opened
// and what this process did since. A Spool is safe for concurrent use; the caller must call
// Close.
type Spool struct {
	path  string
	opts  Options
	w, r  *sql.DB
	epoch string

	mu       sync.Mutex
	closed   bool
	count    int
	bytes    int64
	changed  chan struct{} // closed and replaced whenever entries are added or removed
	acks     []int64
	ackTimer *time.Timer
	ackErr   error
	lock     *os.File // held by Claim

	wg sync.WaitGroup
}

const schemaSQL = `
CREATE TABLE IF NOT EXISTS messages (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	id TEXT NOT NULL,
	enqueued INTEGER NOT NULL,
	data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS checkpoints (source TEXT PRIMARY KEY, position BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`

// Open opens (creating if needed) the spool at path.
func Open(path string, o Options) (*Spool, error) {
	o = o.withDefaults()
	dsn := func(extra string) string {
		return "file:" + (&url.URL{Path: path}).EscapedPath() + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)" + extra
	}
	w, err := sql.Open("sqlite", dsn("&_txlock=immediate"))
	if err != nil {
		return nil, fmt.Errorf("spool: opening %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if _, err := w.Exec(schemaSQL); err != nil {
		w.Close()
		return nil, fmt.Errorf("spool: creating the schema in %s: %w", path, err)
	}
	var mode string
	if err := w.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		w.Close()
		return nil, fmt.Errorf("spool: %s: journal_mode is %q, want wal (%v)", path, mode, err)
	}
	r, err := sql.Open("sqlite", dsn("&_pragma=query_only(1)"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("spool: opening %s for reading: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	s := &Spool{path: path, opts: o, w: w, r: r, changed: make(chan struct{})}
	fail := func(err error) (*Spool, error) {
		w.Close()
		r.Close()
		return nil, err
	}
	if s.epoch, err = s.Value(context.Background(), "epoch", randomHex); err != nil {
		return fail(err)
	}
	if err := w.QueryRow(`SELECT count(*), coalesce(sum(length(data)), 0) FROM messages`).Scan(&s.count, &s.bytes); err != nil {
		return fail(fmt.Errorf("spool: counting %s: %w", path, err))
	}
	return s, nil
}

func randomHex() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand does not fail
	return hex.EncodeToString(b)
}

// Epoch identifies this spool file: random, chosen when the file was created. Pull cursors
// carry it, so that a cursor from a spool that was lost and recreated is recognised as unknown.
func (s *Spool) Epoch() string { return s.epoch }

// Value returns the value stored under key, storing init() first if there is none. The
// analyzer keeps there what must survive restarts, such as its own Analyzer.ID.
func (s *Spool) Value(ctx context.Context, key string, init func() string) (string, error) {
	var v string
	err := s.w.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if err == nil {
		return v, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("spool: %s: reading %q: %w", s.path, key, err)
	}
	v = init()
	if _, err := s.w.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING`, key, v); err != nil {
		return "", fmt.Errorf("spool: %s: storing %q: %w", s.path, key, err)
	}
	// Another process may have stored it first: read what won.
	if err := s.w.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v); err != nil {
		return "", fmt.Errorf("spool: %s: reading %q: %w", s.path, key, err)
	}
	return v, nil
}

// Enqueue appends msgs, and saves cp when it is not nil, in one transaction, and returns their
// sequence numbers once it has committed to stable storage. It waits while the spool is full,
// until ctx ends.
func (s *Spool) Enqueue(ctx context.Context, msgs []Message, cp *Checkpoint) ([]int64, error) {
	var size int64
	for _, m := range msgs {
		size += int64(len(m.Data))
	}
	if len(msgs) > s.opts.MaxMessages || size > s.opts.MaxBytes {
		return nil, fmt.Errorf("spool: %d messages of %d bytes: %w", len(msgs), size, ErrTooLarge)
	}
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return nil, ErrClosed
		}
		if len(msgs) == 0 || (s.count+len(msgs) <= s.opts.MaxMessages && s.bytes+size <= s.opts.MaxBytes) {
			// Reserve the room now, so that concurrent Enqueues cannot overfill.
			s.count += len(msgs)
			s.bytes += size
			s.mu.Unlock()
			break
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, fmt.Errorf("spool: waiting for room for %d messages: %w", len(msgs), ctx.Err())
		}
	}
	seqs, err := s.insert(msgs, cp)
	s.mu.Lock()
	if err != nil {
		s.count -= len(msgs)
		s.bytes -= size
	}
	s.signalLocked()
	s.mu.Unlock()
	return seqs, err
}

func (s *Spool) insert(msgs []Message, cp *Checkpoint) ([]int64, error) {
	// A transaction that began is committed or rolled back whatever the caller's context
	// says: the caller must learn whether its messages are spooled.
	ctx := context.Background()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("spool: %s: beginning a transaction: %w", s.path, err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	now := time.Now().UnixNano()
	seqs := make([]int64, len(msgs))
	if len(msgs) > 0 {
		st, err := tx.PrepareContext(ctx, `INSERT INTO messages (id, enqueued, data) VALUES (?, ?, ?)`)
		if err != nil {
			return nil, fmt.Errorf("spool: %s: %w", s.path, err)
		}
		defer st.Close()
		for i, m := range msgs {
			res, err := st.ExecContext(ctx, m.ID, now, m.Data)
			if err != nil {
				return nil, fmt.Errorf("spool: %s: inserting %q: %w", s.path, m.ID, err)
			}
			if seqs[i], err = res.LastInsertId(); err != nil {
				return nil, fmt.Errorf("spool: %s: %w", s.path, err)
			}
		}
	}
	if cp != nil {
		if _, err := tx.ExecContext(ctx, `INSERT INTO checkpoints (source, position) VALUES (?, ?) ON CONFLICT(source) DO UPDATE SET position = excluded.position`,
			cp.Source, cp.Position); err != nil {
			return nil, fmt.Errorf("spool: %s: saving the checkpoint of %s: %w", s.path, cp.Source, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("spool: %s: committing %d messages: %w", s.path, len(msgs), err)
	}
	return seqs, nil
}

// Checkpoint returns the position saved for source, nil when there is none.
func (s *Spool) Checkpoint(ctx context.Context, source string) ([]byte, error) {
	var p []byte
	err := s.r.QueryRowContext(ctx, `SELECT position FROM checkpoints WHERE source = ?`, source).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("spool: %s: reading the checkpoint of %s: %w", s.path, source, err)
	}
	return p, nil
}

// After returns up to max entries with Seq greater than after, in Seq order. Entries
// acknowledged but not yet removed may still appear.
func (s *Spool) After(ctx context.Context, after int64, max int) ([]Entry, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT seq, id, enqueued, data FROM messages WHERE seq > ? ORDER BY seq LIMIT ?`, after, max)
	if err != nil {
		return nil, fmt.Errorf("spool: %s: reading: %w", s.path, err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var enq int64
		if err := rows.Scan(&e.Seq, &e.ID, &enq, &e.Data); err != nil {
			return nil, fmt.Errorf("spool: %s: reading: %w", s.path, err)
		}
		e.Enqueued = time.Unix(0, enq)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("spool: %s: reading: %w", s.path, err)
	}
	return out, nil
}

// LastSeq returns the highest sequence number ever assigned, 0 before the first Enqueue.
func (s *Spool) LastSeq(ctx context.Context) (int64, error) {
	var n int64
	err := s.r.QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = 'messages'`).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("spool: %s: %w", s.path, err)
	}
	return n, nil
}

// Wait returns once an entry with Seq greater than after exists, or ctx ends. It wakes on
// this process's Enqueues at once and looks for other processes' every Options.Poll.
func (s *Spool) Wait(ctx context.Context, after int64) error {
	t := time.NewTicker(s.opts.Poll)
	defer t.Stop()
	for {
		s.mu.Lock()
		ch, closed := s.changed, s.closed
		s.mu.Unlock()
		if closed {
			return ErrClosed
		}
		es, err := s.After(ctx, after, 1)
		if err != nil {
			return err
		}
		if len(es) > 0 {
			return nil
		}
		select {
		case <-ch:
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Len returns the number of entries and their bytes, as this process counts them: entries
// acknowledged are no longer counted.
func (s *Spool) Len() (int, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count, s.bytes
}

// Ack removes delivered entries. The removal is written with others within Options.AckDelay
// (or by Flush); an entry acknowledged twice is removed once.
func (s *Spool) Ack(seqs ...int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.acks = append(s.acks, seqs...)
	if s.ackTimer == nil {
		s.wg.Add(1)
		s.ackTimer = time.AfterFunc(s.opts.AckDelay, func() {
			defer s.wg.Done()
			s.mu.Lock()
			s.ackTimer = nil
			s.mu.Unlock()
			_ = s.flush()
		})
	}
}

// Flush writes the acknowledgements Ack has gathered, and returns the first error an earlier
// group write met, if any.
func (s *Spool) Flush() error {
	err := s.flush()
	s.mu.Lock()
	defer s.mu.Unlock()
	return errors.Join(err, s.ackErr)
}

func (s *Spool) flush() error {
	s.mu.Lock()
	acks := s.acks
	s.acks = nil
	s.mu.Unlock()
	if len(acks) == 0 {
		return nil
	}
	n, size, err := s.remove(`DELETE FROM messages WHERE seq = ? RETURNING length(data)`, acks)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.ackErr = err
		s.acks = append(s.acks, acks...) // try again with the next group
	}
	s.count -= n
	s.bytes -= size
	s.signalLocked()
	return err
}

// AckThrough removes every entry whose Seq is at most seq, durably, before it returns: a
// manager's pull cursor acknowledges them (docs/profile.md section 9.1).
func (s *Spool) AckThrough(ctx context.Context, seq int64) error {
	n, size, err := s.remove(`DELETE FROM messages WHERE seq <= ? RETURNING length(data)`, []int64{seq})
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count -= n
	s.bytes -= size
	s.signalLocked()
	return err
}

// remove runs a DELETE ... RETURNING length(data) for each argument in one transaction and
// returns how many entries, of how many bytes, it removed.
func (s *Spool) remove(q string, args []int64) (int, int64, error) {
	ctx := context.Background()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("spool: %s: beginning a transaction: %w", s.path, err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	st, err := tx.PrepareContext(ctx, q)
	if err != nil {
		return 0, 0, fmt.Errorf("spool: %s: %w", s.path, err)
	}
	defer st.Close()
	n, size := 0, int64(0)
	for _, a := range args {
		rows, err := st.QueryContext(ctx, a)
		if err != nil {
			return 0, 0, fmt.Errorf("spool: %s: removing %d: %w", s.path, a, err)
		}
		for rows.Next() {
			var l int64
			if err := rows.Scan(&l); err != nil {
				rows.Close()
				return 0, 0, fmt.Errorf("spool: %s: removing %d: %w", s.path, a, err)
			}
			n++
			size += l
		}
		if err := rows.Close(); err != nil {
			return 0, 0, fmt.Errorf("spool: %s: removing %d: %w", s.path, a, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, fmt.Errorf("spool: %s: committing the removal of %d entries: %w", s.path, n, err)
	}
	return n, size, nil
}

func (s *Spool) signalLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Close writes the pending acknowledgements and closes the database. Enqueue and Wait fail
// after Close; Ack is ignored.
func (s *Spool) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	if s.ackTimer != nil && s.ackTimer.Stop() {
		s.ackTimer = nil
		s.wg.Done()
	}
	s.signalLocked()
	s.mu.Unlock()
	s.wg.Wait()
	err := s.flush()
	if s.lock != nil {
		err = errors.Join(err, s.lock.Close()) // closing releases the lock
	}
	return errors.Join(err, s.w.Close(), s.r.Close())
}
