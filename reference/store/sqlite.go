package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
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
}

// SQLite is the embedded store: one SQLite database file in WAL mode with synchronous=FULL,
// written by a single committer goroutine that gathers the Puts waiting at the time into one
// transaction (group commit), so that one fsync serves many alerts.
//
// synchronous=FULL rather than NORMAL: in WAL mode NORMAL survives a crash of the process but
// may lose the last transactions on a power failure or kernel crash, and the profile promises
// that a 2xx means the alert survives both. Group commit pays for the extra fsync.
type SQLite struct {
	w, r   *sql.DB
	stmts  map[string]*sql.Stmt // the committer's statements, prepared once
	opts   SQLiteOptions
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

// writeSQL are the statements the committer runs for every alert, prepared once: parsing them
// for each alert cost more than executing them.
var writeSQL = map[string]string{
	"lookup":   `SELECT seq, digest FROM alerts WHERE analyzer = ? AND id_key = ? ORDER BY seq LIMIT 1`,
	"insert":   `INSERT INTO alerts (analyzer, id_key, id, dup, digest, received, create_time, priority, analyzer_name, analyzer_id, fields, evidence, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	"category": `INSERT INTO alert_categories (seq, category) VALUES (?, ?)`,
	"ip":       `INSERT INTO alert_ips (seq, role, ip) VALUES (?, ?, ?)`,
	"cursor":   `INSERT INTO pull_cursors (source, cursor, updated) VALUES (?, ?, ?) ON CONFLICT(source) DO UPDATE SET cursor = excluded.cursor, updated = excluded.updated`,
}

const schemaSQL = `
CREATE TABLE IF NOT EXISTS alerts (
	seq INTEGER PRIMARY KEY,
	analyzer TEXT NOT NULL,
	id_key TEXT NOT NULL,
	id TEXT NOT NULL,
	dup INTEGER NOT NULL DEFAULT 0,
	digest BLOB NOT NULL,
	received INTEGER NOT NULL,
	create_time INTEGER,
	priority TEXT,
	analyzer_name TEXT,
	analyzer_id TEXT,
	fields TEXT NOT NULL,
	evidence TEXT NOT NULL,
	raw BLOB NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS alerts_key ON alerts(analyzer, id_key, dup);
CREATE INDEX IF NOT EXISTS alerts_id ON alerts(id_key);
CREATE INDEX IF NOT EXISTS alerts_create_time ON alerts(create_time);
CREATE TABLE IF NOT EXISTS alert_categories (seq INTEGER NOT NULL, category TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS alert_categories_category ON alert_categories(category, seq);
CREATE INDEX IF NOT EXISTS alert_categories_seq ON alert_categories(seq);
CREATE TABLE IF NOT EXISTS alert_ips (seq INTEGER NOT NULL, role TEXT NOT NULL, ip TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS alert_ips_ip ON alert_ips(role, ip, seq);
CREATE INDEX IF NOT EXISTS alert_ips_seq ON alert_ips(seq);
CREATE TABLE IF NOT EXISTS pull_cursors (source TEXT PRIMARY KEY, cursor TEXT NOT NULL, updated INTEGER NOT NULL);
`

// OpenSQLite opens (creating if needed) the database at path and starts its committer. The
// caller must call Close.
func OpenSQLite(path string, opts SQLiteOptions) (*SQLite, error) {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 512
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 4096
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
	if _, err := w.Exec(schemaSQL); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: creating the schema in %s: %w", path, err)
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
	s := &SQLite{w: w, r: r, opts: opts, in: make(chan *putReq, opts.QueueSize), done: make(chan struct{}), stmts: map[string]*sql.Stmt{}}
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

func (s *SQLite) commitLoop() {
	defer close(s.done)
	batch := make([]*putReq, 0, s.opts.MaxBatch)
	for first := range s.in {
		batch = append(batch[:0], first)
	gather:
		for len(batch) < s.opts.MaxBatch {
			select {
			case r, ok := <-s.in:
				if !ok {
					break gather
				}
				batch = append(batch, r)
			default:
				break gather
			}
		}
		s.commit(batch)
	}
}

// commit writes a batch in one transaction; if that fails, each record in a transaction of
// its own, so that one bad record fails alone.
func (s *SQLite) commit(batch []*putReq) {
	results, stored, err := s.commitTx(batch)
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

type keyState struct {
	digest []byte
	seq    int64
}

func (s *SQLite) commitTx(batch []*putReq) ([]PutResult, []*Record, error) {
	ctx := context.Background() // a queued Put is committed even if its caller gave up
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("store: beginning a transaction: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	w := &txw{ctx: ctx, tx: tx, stmts: s.stmts}
	results := make([]PutResult, len(batch))
	var stored []*Record
	inBatch := map[[2]string]keyState{}
	for i, r := range batch {
		rec := r.rec
		k := [2]string{rec.Analyzer, strings.ToLower(rec.ID)}
		if !rec.AllowDuplicate {
			st, ok := inBatch[k]
			if !ok {
				err := w.stmt("lookup").QueryRow(k[0], k[1]).Scan(&st.seq, &st.digest)
				switch {
				case err == nil:
					ok = true
				case !errors.Is(err, sql.ErrNoRows):
					return nil, nil, fmt.Errorf("store: looking up %s %q: %w", k[0], rec.ID, err)
				}
			}
			if ok {
				results[i] = PutResult{Outcome: Conflict, Seq: st.seq}
				if bytes.Equal(st.digest, rec.Digest[:]) {
					results[i].Outcome = Duplicate
				}
				if rec.Cursor != nil {
					if err := w.saveCursor(rec.Cursor); err != nil {
						return nil, nil, err
					}
				}
				continue
			}
		}
		seq, err := w.insert(rec)
		if err != nil {
			return nil, nil, err
		}
		rec.Seq = seq
		inBatch[k] = keyState{digest: rec.Digest[:], seq: seq}
		results[i] = PutResult{Outcome: Stored, Seq: seq}
		stored = append(stored, rec)
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, fmt.Errorf("store: committing %d alerts: %w", len(batch), err)
	}
	return results, stored, nil
}

// txw writes in one transaction with the committer's prepared statements.
type txw struct {
	ctx   context.Context
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
	bound map[string]*sql.Stmt
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

func (w *txw) insert(rec *Record) (int64, error) {
	fields, err := json.Marshal(rec.Fields)
	if err != nil {
		return 0, fmt.Errorf("store: %w", err)
	}
	ev, err := json.Marshal(rec.Evidence)
	if err != nil {
		return 0, fmt.Errorf("store: %w", err)
	}
	var ct any
	if !rec.Fields.CreateTime.IsZero() {
		ct = rec.Fields.CreateTime.UTC().UnixNano()
	}
	dup := 0
	if rec.AllowDuplicate {
		dup = int(time.Now().UnixNano() & 0x7fffffffffff)
	}
	res, err := w.stmt("insert").Exec(rec.Analyzer, strings.ToLower(rec.ID), rec.ID, dup, rec.Digest[:], rec.Received.UTC().UnixNano(), ct,
		rec.Fields.Priority, rec.Fields.AnalyzerName, rec.Fields.AnalyzerID, string(fields), string(ev), rec.Raw)
	if err != nil {
		return 0, fmt.Errorf("store: inserting %s %q: %w", rec.Analyzer, rec.ID, err)
	}
	seq, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("store: %w", err)
	}
	for _, c := range rec.Fields.Categories {
		if _, err := w.stmt("category").Exec(seq, c); err != nil {
			return 0, fmt.Errorf("store: inserting categories of %q: %w", rec.ID, err)
		}
	}
	for role, ips := range map[string][]string{"source": rec.Fields.SourceIPs, "target": rec.Fields.TargetIPs} {
		for _, ip := range ips {
			if _, err := w.stmt("ip").Exec(seq, role, CanonicalIP(ip)); err != nil {
				return 0, fmt.Errorf("store: inserting addresses of %q: %w", rec.ID, err)
			}
		}
	}
	if rec.Cursor != nil {
		if err := w.saveCursor(rec.Cursor); err != nil {
			return 0, err
		}
	}
	return seq, nil
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

const recordColumns = `seq, analyzer, id, digest, received, fields, evidence, raw`

func scanRecords(rows *sql.Rows) ([]*Record, error) {
	defer rows.Close()
	var out []*Record
	for rows.Next() {
		var rec Record
		var digest []byte
		var received int64
		var fields, ev string
		if err := rows.Scan(&rec.Seq, &rec.Analyzer, &rec.ID, &digest, &received, &fields, &ev, &rec.Raw); err != nil {
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
		out = append(out, &rec)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: reading records: %w", err)
	}
	return out, nil
}

// Get implements Store.
func (s *SQLite) Get(ctx context.Context, id, analyzer string) ([]*Record, error) {
	q := `SELECT ` + recordColumns + ` FROM alerts WHERE id_key = ?`
	args := []any{strings.ToLower(id)}
	if analyzer != "" {
		q += ` AND analyzer = ?`
		args = append(args, analyzer)
	}
	rows, err := s.r.QueryContext(ctx, q+` ORDER BY seq`, args...)
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
		add(`a.create_time >= ?`, f.From.UTC().UnixNano())
	}
	if !f.To.IsZero() {
		add(`a.create_time < ?`, f.To.UTC().UnixNano())
	}
	if f.Category != "" {
		add(`EXISTS (SELECT 1 FROM alert_categories c WHERE c.seq = a.seq AND c.category = ?)`, f.Category)
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
		add(`EXISTS (SELECT 1 FROM alert_ips i WHERE i.seq = a.seq AND i.role = 'source' AND i.ip = ?)`, CanonicalIP(f.SourceIP))
	}
	if f.TargetIP != "" {
		add(`EXISTS (SELECT 1 FROM alert_ips i WHERE i.seq = a.seq AND i.role = 'target' AND i.ip = ?)`, CanonicalIP(f.TargetIP))
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
	rows, err := s.r.QueryContext(ctx, `SELECT `+recordColumns+` FROM alerts a`+w+` ORDER BY a.seq LIMIT ?`, append(args, f.Limit)...)
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
		q = `SELECT c.category, count(*) FROM alerts a JOIN alert_categories c ON c.seq = a.seq` + w + ` GROUP BY c.category`
	case "Priority":
		q = `SELECT coalesce(a.priority, ''), count(*) FROM alerts a` + w + ` GROUP BY a.priority`
	case "Analyzer.Name":
		q = `SELECT coalesce(a.analyzer_name, ''), count(*) FROM alerts a` + w + ` GROUP BY a.analyzer_name`
	case "Source.IP":
		q = `SELECT i.ip, count(DISTINCT a.seq) FROM alerts a JOIN alert_ips i ON i.seq = a.seq AND i.role = 'source'` + w + ` GROUP BY i.ip`
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
