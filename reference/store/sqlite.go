package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver (pure Go)
)

// SQLiteOptions configure OpenSQLite. The zero value is the reference configuration.
type SQLiteOptions struct {
	// MaxBatch is the most records committed in one transaction (default 512).
	MaxBatch int
	// QueueSize bounds the records waiting for the committer (default 4096); Put blocks when
	// it is full, until its context ends.
	QueueSize int
	// Committed, when not nil, is called by the committer with the records a transaction has
	// just committed as Stored, after the commit and before any Put of the batch returns. It
	// must not block for long: the next commit waits for it.
	Committed func([]*Record)
	// CommitDelay is how long the committer waits for more Puts before committing a batch
	// smaller than MaxBatch, when the previous transaction held more than one alert
	// (DefaultCommitDelay when zero; negative never waits). A lone writer never waits: its
	// previous transaction held one alert. See commitLoop for why.
	CommitDelay time.Duration
}

// DefaultCommitDelay is the CommitDelay a zero SQLiteOptions means.
const DefaultCommitDelay = time.Millisecond

// SQLite is the embedded store: one SQLite database file in WAL mode with synchronous=FULL,
// written by a single committer goroutine that gathers the Puts waiting at the time into one
// transaction (group commit), so that one fsync serves many alerts.
//
// synchronous=FULL rather than NORMAL: in WAL mode NORMAL survives a crash of the process but
// may lose the last transactions on a power failure or kernel crash, and the profile promises
// that a 2xx means the alert survives both. Group commit pays for the extra fsync.
type SQLite struct {
	w, r   *sql.DB
	path   string
	stmts  map[string]*sql.Stmt // the committer's statements, prepared once
	opts   SQLiteOptions
	peers  map[string]bool // certificates known to be in the peers table (committer only)
	in     chan *putReq
	mu     sync.RWMutex // guards closed against Put racing Close
	closed bool
	done   chan struct{}
}

type putReq struct {
	ctx  context.Context
	rec  *Record
	done chan putResp
}

type putResp struct {
	res PutResult
	err error
}

// writeSQL are the statements the committer runs, prepared once: parsing them for each alert
// cost more than executing them. A new alert costs one statement: "insert" both checks the
// key (through the unique index it must update anyway) and writes the row; "lookup" runs
// only when the key exists, "peer" once per certificate.
var writeSQL = map[string]string{
	"insert": `INSERT INTO alerts (analyzer, id_key, id, dup, digest, received, create_time, priority, analyzer_name, analyzer_id, fields, peer, evidence, raw) ` +
		`VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id_key, analyzer, dup) DO NOTHING`,
	"lookup": `SELECT seq, digest FROM alerts WHERE id_key = ? AND analyzer = ? ORDER BY seq LIMIT 1`,
	"peer":   `INSERT INTO peers (sha256, certificate) VALUES (?, ?) ON CONFLICT (sha256) DO NOTHING`,
	"cursor": `INSERT INTO pull_cursors (source, cursor, updated) VALUES (?, ?, ?) ON CONFLICT(source) DO UPDATE SET cursor = excluded.cursor, updated = excluded.updated`,
}

// OpenSQLite opens (creating if needed) the database at path and starts its committer. The
// caller must call Close.
func OpenSQLite(path string, opts SQLiteOptions) (*SQLite, error) {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 512
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 4096
	}
	if opts.CommitDelay == 0 {
		opts.CommitDelay = DefaultCommitDelay
	}
	dsn := func(extra string) string {
		return "file:" + (&url.URL{Path: path}).EscapedPath() + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(OFF)" + extra
	}
	w, err := sql.Open("sqlite", dsn("&_txlock=immediate"))
	if err != nil {
		return nil, fmt.Errorf("store: opening %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := layout(w, path); err != nil {
		w.Close()
		return nil, err
	}
	var mode string
	if err := w.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		w.Close()
		return nil, fmt.Errorf("store: %s: journal_mode is %q, want wal (%v)", path, mode, err)
	}
	r, err := sql.Open("sqlite", dsn("&_pragma=query_only(1)"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: opening %s for reading: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	s := &SQLite{w: w, r: r, path: path, opts: opts, in: make(chan *putReq, opts.QueueSize), done: make(chan struct{}),
		stmts: map[string]*sql.Stmt{}, peers: map[string]bool{}}
	for name, q := range writeSQL {
		st, err := w.Prepare(q)
		if err != nil {
			w.Close()
			r.Close()
			return nil, fmt.Errorf("store: preparing %s: %w", name, err)
		}
		s.stmts[name] = st
	}
	go s.commitLoop()
	return s, nil
}

// Put implements Store.
func (s *SQLite) Put(ctx context.Context, rec *Record) (PutResult, error) {
	req := &putReq{ctx: ctx, rec: rec, done: make(chan putResp, 1)}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return PutResult{}, ErrClosed
	}
	select {
	case s.in <- req:
		s.mu.RUnlock()
	case <-ctx.Done():
		s.mu.RUnlock()
		return PutResult{}, fmt.Errorf("store: queueing alert %q: %w", rec.ID, ctx.Err())
	}
	// Once queued, the outcome is awaited whatever ctx says: the record may be committed,
	// and the caller must not answer before knowing.
	r := <-req.done
	return r.res, r.err
}

// Close implements Store.
func (s *SQLite) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.in)
	s.mu.Unlock()
	<-s.done
	for _, st := range s.stmts {
		st.Close()
	}
	return errors.Join(s.w.Close(), s.r.Close())
}

// commitLoop gathers the Puts waiting into one transaction at a time. When the previous
// transaction held more than one alert, writers are concurrent, and it waits up to CommitDelay
// for more before committing: most of a commit's cost is fixed (the fsync, the WAL frames of
// the index pages every commit rewrites), and under load a commit taken as soon as one alert
// is queued holds three or four, so that the store's CPU per alert was several times what a
// full batch costs. A lone writer never waits (its previous transaction held one alert), and
// the delay adds at most CommitDelay to a latency that, under that load, is longer anyway.
func (s *SQLite) commitLoop() {
	defer close(s.done)
	batch := make([]*putReq, 0, s.opts.MaxBatch)
	var timer *time.Timer
	prev := 0
	for first := range s.in {
		batch = append(batch[:0], first)
		open := true
	gather:
		for len(batch) < s.opts.MaxBatch {
			select {
			case r, ok := <-s.in:
				if !ok {
					open = false
					break gather
				}
				batch = append(batch, r)
			default:
				break gather
			}
		}
		if open && prev > 1 && s.opts.CommitDelay > 0 && len(batch) < s.opts.MaxBatch {
			if timer == nil {
				timer = time.NewTimer(s.opts.CommitDelay)
			} else {
				timer.Reset(s.opts.CommitDelay)
			}
		wait:
			for len(batch) < s.opts.MaxBatch {
				select {
				case r, ok := <-s.in:
					if !ok {
						break wait
					}
					batch = append(batch, r)
				case <-timer.C:
					break wait
				}
			}
			timer.Stop()
		}
		prev = len(batch)
		s.commit(batch)
	}
}

// commit writes a batch in one transaction; if that fails, each record in a transaction of
// its own, so that one bad record fails alone.
func (s *SQLite) commit(batch []*putReq) {
	results, stored, peers, err := s.commitTx(batch)
	for _, fp := range peers {
		s.peers[fp] = true // committed: later transactions need not write it again
	}
	if err != nil && len(batch) > 1 {
		for _, r := range batch {
			s.commit([]*putReq{r})
		}
		return
	}
	if err == nil && s.opts.Committed != nil && len(stored) > 0 {
		s.opts.Committed(stored)
	}
	for i, r := range batch {
		if err != nil {
			r.done <- putResp{err: err}
			continue
		}
		r.done <- putResp{res: results[i]}
	}
}

// commitTx writes a batch in one transaction. It returns the fingerprints of the peer
// certificates it wrote, so that later transactions skip them once this one has committed.
func (s *SQLite) commitTx(batch []*putReq) ([]PutResult, []*Record, []string, error) {
	ctx := context.Background() // a queued Put is committed even if its caller gave up
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("store: beginning a transaction: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	w := &txw{ctx: ctx, tx: tx, stmts: s.stmts, known: s.peers}
	results := make([]PutResult, len(batch))
	var stored []*Record
	for i, r := range batch {
		rec := r.rec
		// The insert is the dedup check: the unique key (id_key, analyzer, dup) refuses a
		// stored key, an earlier alert of this batch included, and only then is the existing
		// record read. AllowDuplicate gets a dup value of its own, so it always inserts.
		seq, inserted, err := w.insert(rec)
		if err != nil {
			return nil, nil, nil, err
		}
		if inserted {
			rec.Seq = seq
			results[i] = PutResult{Outcome: Stored, Seq: seq}
			stored = append(stored, rec)
			continue
		}
		var digest []byte
		if err := w.stmt("lookup").QueryRow(strings.ToLower(rec.ID), rec.Analyzer).Scan(&seq, &digest); err != nil {
			return nil, nil, nil, fmt.Errorf("store: looking up %s %q: %w", rec.Analyzer, rec.ID, err)
		}
		results[i] = PutResult{Outcome: Conflict, Seq: seq}
		if bytes.Equal(digest, rec.Digest[:]) {
			results[i].Outcome = Duplicate
		}
		if rec.Cursor != nil {
			if err := w.saveCursor(rec.Cursor); err != nil {
				return nil, nil, nil, err
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, nil, fmt.Errorf("store: committing %d alerts: %w", len(batch), err)
	}
	return results, stored, w.newPeers, nil
}

// txw writes in one transaction with the committer's prepared statements.
type txw struct {
	ctx      context.Context
	tx       *sql.Tx
	stmts    map[string]*sql.Stmt
	bound    map[string]*sql.Stmt
	known    map[string]bool // peer certificates committed before this transaction
	newPeers []string        // and those this transaction writes
}

func (w *txw) stmt(name string) *sql.Stmt {
	if st, ok := w.bound[name]; ok {
		return st
	}
	if w.bound == nil {
		w.bound = map[string]*sql.Stmt{}
	}
	st := w.tx.StmtContext(w.ctx, w.stmts[name])
	w.bound[name] = st
	return st
}

// insert writes rec unless its key is stored, and says whether it did. The peer certificate
// goes to peers, once per certificate; the evidence keeps its fingerprint.
func (w *txw) insert(rec *Record) (seq int64, inserted bool, err error) {
	f := rec.Fields
	// Queries compare addresses in their canonical form, read from these fields.
	f.SourceIPs, f.TargetIPs = canonicalIPs(f.SourceIPs), canonicalIPs(f.TargetIPs)
	fields, err := json.Marshal(f)
	if err != nil {
		return 0, false, fmt.Errorf("store: %w", err)
	}
	ev := rec.Evidence
	cert := ev.PeerCertificate
	var peer any
	if len(cert) > 0 {
		sum := sha256.Sum256(cert)
		peer = hex.EncodeToString(sum[:])
		ev.PeerCertificate = nil
	}
	evidence, err := json.Marshal(ev)
	if err != nil {
		return 0, false, fmt.Errorf("store: %w", err)
	}
	var ct any
	if !f.CreateTime.IsZero() {
		ct = timeKey(f.CreateTime)
	}
	dup := 0
	if rec.AllowDuplicate {
		dup = int(time.Now().UnixNano() & 0x7fffffffffff)
	}
	res, err := w.stmt("insert").Exec(rec.Analyzer, strings.ToLower(rec.ID), rec.ID, dup, rec.Digest[:], rec.Received.UTC().UnixNano(), ct,
		f.Priority, f.AnalyzerName, f.AnalyzerID, string(fields), peer, string(evidence), rec.Raw)
	if err != nil {
		return 0, false, fmt.Errorf("store: inserting %s %q: %w", rec.Analyzer, rec.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return 0, false, err
	}
	seq, err = res.LastInsertId()
	if err != nil {
		return 0, false, fmt.Errorf("store: %w", err)
	}
	if fp, ok := peer.(string); ok && !w.known[fp] && !slices.Contains(w.newPeers, fp) {
		if _, err := w.stmt("peer").Exec(fp, cert); err != nil {
			return 0, false, fmt.Errorf("store: saving the certificate of %s: %w", rec.Evidence.PeerIdentity, err)
		}
		w.newPeers = append(w.newPeers, fp)
	}
	if rec.Cursor != nil {
		if err := w.saveCursor(rec.Cursor); err != nil {
			return 0, false, err
		}
	}
	return seq, true, nil
}

// canonicalIPs returns ips in canonical form, ips itself when they are already.
func canonicalIPs(ips []string) []string {
	for i, ip := range ips {
		if c := CanonicalIP(ip); c != ip {
			out := slices.Clone(ips)
			for j := i; j < len(out); j++ {
				out[j] = CanonicalIP(out[j])
			}
			return out
		}
	}
	return ips
}

func (w *txw) saveCursor(c *Cursor) error {
	_, err := w.stmt("cursor").Exec(c.Source, c.Value, time.Now().UnixNano())
	if err != nil {
		return fmt.Errorf("store: saving the cursor of %s: %w", c.Source, err)
	}
	return nil
}

// CanonicalIP returns the canonical text form of an address (RFC 5952 for IPv6, IPv4-mapped
// addresses unmapped), or s unchanged when it is not an address.
func CanonicalIP(s string) string {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil {
		return s
	}
	return a.Unmap().String()
}

// recordFrom selects records (alias a) with their peer's certificate.
const recordFrom = `SELECT a.seq, a.analyzer, a.id, a.digest, a.received, a.fields, a.evidence, a.raw, p.certificate FROM alerts a LEFT JOIN peers p ON p.sha256 = a.peer`

func scanRecords(rows *sql.Rows) ([]*Record, error) {
	defer rows.Close()
	var out []*Record
	for rows.Next() {
		var rec Record
		var digest, cert []byte
		var received int64
		var fields, ev string
		if err := rows.Scan(&rec.Seq, &rec.Analyzer, &rec.ID, &digest, &received, &fields, &ev, &rec.Raw, &cert); err != nil {
			return nil, fmt.Errorf("store: reading a record: %w", err)
		}
		copy(rec.Digest[:], digest)
		rec.Received = time.Unix(0, received).UTC()
		if err := json.Unmarshal([]byte(fields), &rec.Fields); err != nil {
			return nil, fmt.Errorf("store: record %d fields: %w", rec.Seq, err)
		}
		if err := json.Unmarshal([]byte(ev), &rec.Evidence); err != nil {
			return nil, fmt.Errorf("store: record %d evidence: %w", rec.Seq, err)
		}
		rec.Evidence.PeerCertificate = cert
		out = append(out, &rec)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: reading records: %w", err)
	}
	return out, nil
}

// Get implements Store.
func (s *SQLite) Get(ctx context.Context, id, analyzer string) ([]*Record, error) {
	q := recordFrom + ` WHERE a.id_key = ?`
	args := []any{strings.ToLower(id)}
	if analyzer != "" {
		q += ` AND a.analyzer = ?`
		args = append(args, analyzer)
	}
	rows, err := s.r.QueryContext(ctx, q+` ORDER BY a.seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: looking up %q: %w", id, err)
	}
	recs, err := scanRecords(rows)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("store: %q: %w", id, ErrNotFound)
	}
	return recs, nil
}

// where builds the WHERE clause of a filter over the table aliased a.
func where(f Filter) (string, []any) {
	var conds []string
	var args []any
	add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
	if !f.From.IsZero() {
		add(`a.create_time >= ?`, timeKey(f.From))
	}
	if !f.To.IsZero() {
		add(`a.create_time < ?`, timeKey(f.To))
	}
	if f.Category != "" {
		// Categories and addresses are read from the fields (layout 2): these filters scan,
		// as free text does; the time range and the cursor use indexes.
		add(`EXISTS (SELECT 1 FROM json_each(a.fields, '$.categories') c WHERE c.value = ?)`, f.Category)
	}
	if f.Priority != "" {
		add(`a.priority = ?`, f.Priority)
	}
	if f.AnalyzerName != "" {
		add(`a.analyzer_name = ?`, f.AnalyzerName)
	}
	if f.AnalyzerID != "" {
		add(`lower(a.analyzer_id) = lower(?)`, f.AnalyzerID)
	}
	if f.Peer != "" {
		add(`a.analyzer = ?`, f.Peer)
	}
	if f.SourceIP != "" {
		add(`EXISTS (SELECT 1 FROM json_each(a.fields, '$.source_ips') i WHERE i.value = ?)`, CanonicalIP(f.SourceIP))
	}
	if f.TargetIP != "" {
		add(`EXISTS (SELECT 1 FROM json_each(a.fields, '$.target_ips') i WHERE i.value = ?)`, CanonicalIP(f.TargetIP))
	}
	if f.Text != "" {
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(f.Text)
		add(`CAST(a.raw AS TEXT) LIKE ? ESCAPE '\'`, "%"+esc+"%")
	}
	if f.After > 0 {
		add(`a.seq > ?`, f.After)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Query implements Store.
func (s *SQLite) Query(ctx context.Context, f Filter) ([]*Record, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	w, args := where(f)
	rows, err := s.r.QueryContext(ctx, recordFrom+w+` ORDER BY a.seq LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: query: %w", err)
	}
	return scanRecords(rows)
}

// Stats implements Store.
func (s *SQLite) Stats(ctx context.Context, groupBy string, f Filter) ([]Count, error) {
	f.After, f.Limit = 0, 0
	w, args := where(f)
	var q string
	switch groupBy {
	case "Category":
		q = `SELECT c.value, count(*) FROM alerts a, json_each(a.fields, '$.categories') c` + w + ` GROUP BY c.value`
	case "Priority":
		q = `SELECT coalesce(a.priority, ''), count(*) FROM alerts a` + w + ` GROUP BY a.priority`
	case "Analyzer.Name":
		q = `SELECT coalesce(a.analyzer_name, ''), count(*) FROM alerts a` + w + ` GROUP BY a.analyzer_name`
	case "Source.IP":
		q = `SELECT i.value, count(DISTINCT a.seq) FROM alerts a, json_each(a.fields, '$.source_ips') i` + w + ` GROUP BY i.value`
	default:
		return nil, fmt.Errorf("store: cannot group by %q (want one of %s)", groupBy, strings.Join(GroupBy, ", "))
	}
	rows, err := s.r.QueryContext(ctx, q+` ORDER BY 2 DESC, 1`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: stats by %s: %w", groupBy, err)
	}
	defer rows.Close()
	out := []Count{}
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.Key, &c.Count); err != nil {
			return nil, fmt.Errorf("store: stats by %s: %w", groupBy, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Cursor implements Store.
func (s *SQLite) Cursor(ctx context.Context, source string) (string, error) {
	var c string
	err := s.r.QueryRowContext(ctx, `SELECT cursor FROM pull_cursors WHERE source = ?`, source).Scan(&c)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: cursor of %s: %w", source, err)
	}
	return c, nil
}

// SetCursor implements Store.
func (s *SQLite) SetCursor(ctx context.Context, c Cursor) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: saving the cursor of %s: %w", c.Source, err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	if err := (&txw{ctx: ctx, tx: tx, stmts: s.stmts}).saveCursor(&c); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: saving the cursor of %s: %w", c.Source, err)
	}
	return nil
}

// Count implements Store.
func (s *SQLite) Count(ctx context.Context) (int64, error) {
	var n int64
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM alerts`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count: %w", err)
	}
	return n, nil
}
