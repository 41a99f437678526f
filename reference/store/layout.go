package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Layout versions of the database file, kept in its header (PRAGMA user_version).
//
//   - 1: the first layout, which left user_version at 0: categories and addresses in tables of
//     their own (alert_categories, alert_ips), one row each, and the peer's certificate inside
//     every alert's evidence. Five statements and about 1 KB of certificate per alert.
//   - 2: one row per alert: categories and addresses only in the alert's fields (JSON, read
//     with json_each), each peer certificate once in peers, keyed by its SHA-256, and the
//     dedup key's index led by id_key so that it also serves Get.
//   - 3: create_time in microseconds since the Unix epoch, not nanoseconds: nanoseconds in an
//     INTEGER reach only the years 1678 to 2262, and a CreateTime outside them (RFC 3339 allows
//     0000 to 9999) wrapped around and fell outside every time range it belonged to.
//     Microseconds reach about ±292,000 years.
//
// OpenSQLite creates layout 3, migrates a layout 1 or 2 file in place, and refuses any other.
const (
	layoutFirst   = 1
	layoutVersion = 3
)

// timeKey is the stored form of a CreateTime and of a time range's bounds: microseconds since
// the Unix epoch, rounded down, so a range compares to the microsecond.
func timeKey(t time.Time) int64 { return t.UnixMicro() }

const schemaSQL = `
CREATE TABLE alerts (
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
	peer TEXT,
	evidence TEXT NOT NULL,
	raw BLOB NOT NULL
);
CREATE UNIQUE INDEX alerts_key ON alerts(id_key, analyzer, dup);
CREATE INDEX alerts_create_time ON alerts(create_time);
CREATE TABLE peers (sha256 TEXT PRIMARY KEY, certificate BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE pull_cursors (source TEXT PRIMARY KEY, cursor TEXT NOT NULL, updated INTEGER NOT NULL);
PRAGMA user_version = 3;
`

// migrateSQL turns layout 1 into layout 2, after the evidence has been rewritten row by row.
// The categories and addresses of layout 1's tables are in every alert's fields already.
const migrateSQL = `
DROP TABLE alert_categories;
DROP TABLE alert_ips;
DROP INDEX alerts_key;
DROP INDEX alerts_id;
CREATE UNIQUE INDEX alerts_key ON alerts(id_key, analyzer, dup);
PRAGMA user_version = 2;
`

// ErrLayout reports a database file whose layout this build cannot use.
var ErrLayout = errors.New("store: unknown database layout")

// layout brings the database at path to layoutVersion: it creates an empty one, migrates a
// layout 1 file in one transaction (so a failure leaves it as it was), and refuses the rest.
func layout(db *sql.DB, path string) error {
	ctx := context.Background()
	var version, tables int
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return fmt.Errorf("store: reading the layout version of %s: %w", path, err)
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'alerts'`).Scan(&tables); err != nil {
		return fmt.Errorf("store: reading the layout of %s: %w", path, err)
	}
	switch {
	case version == layoutVersion:
		return nil
	case version == 0 && tables == 0:
		// In one transaction, so that a crash cannot leave tables without their version.
		if err := inTx(ctx, db, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, schemaSQL)
			return err
		}); err != nil {
			return fmt.Errorf("store: creating the schema in %s: %w", path, err)
		}
		return nil
	case version == 0:
		if err := inTx(ctx, db, func(tx *sql.Tx) error {
			if err := migrate1Tx(ctx, tx); err != nil {
				return err
			}
			return migrate2Tx(ctx, tx)
		}); err != nil {
			return fmt.Errorf("store: migrating %s from layout version %d to %d: %w", path, layoutFirst, layoutVersion, err)
		}
		return nil
	case version == 2:
		if err := inTx(ctx, db, func(tx *sql.Tx) error { return migrate2Tx(ctx, tx) }); err != nil {
			return fmt.Errorf("store: migrating %s from layout version 2 to %d: %w", path, layoutVersion, err)
		}
		return nil
	}
	return fmt.Errorf("%w: %s has layout version %d; this build reads versions %d to %d (the older ones migrated on open)",
		ErrLayout, path, version, layoutFirst, layoutVersion)
}

func inTx(ctx context.Context, db *sql.DB, f func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// migrate1Tx moves layout 1's per-alert certificates into peers and finishes with migrateSQL.
func migrate1Tx(ctx context.Context, tx *sql.Tx) error {
	stmts := []string{
		`CREATE TABLE peers (sha256 TEXT PRIMARY KEY, certificate BLOB NOT NULL) WITHOUT ROWID`,
		`ALTER TABLE alerts ADD COLUMN peer TEXT`,
	}
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	type row struct {
		seq              int64
		fields, evidence string
	}
	var rows []row
	rs, err := tx.QueryContext(ctx, `SELECT seq, fields, evidence FROM alerts`)
	if err != nil {
		return err
	}
	for rs.Next() {
		var r row
		if err := rs.Scan(&r.seq, &r.fields, &r.evidence); err != nil {
			rs.Close()
			return err
		}
		rows = append(rows, r)
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return err
	}
	for _, r := range rows {
		var ev Evidence
		if err := json.Unmarshal([]byte(r.evidence), &ev); err != nil {
			return fmt.Errorf("alert %d: evidence: %w", r.seq, err)
		}
		var f Fields
		if err := json.Unmarshal([]byte(r.fields), &f); err != nil {
			return fmt.Errorf("alert %d: fields: %w", r.seq, err)
		}
		// Layout 1 canonicalised addresses in alert_ips only; queries now read them from the
		// fields.
		f.SourceIPs, f.TargetIPs = canonicalIPs(f.SourceIPs), canonicalIPs(f.TargetIPs)
		fields, err := json.Marshal(f)
		if err != nil {
			return err
		}
		var peer any
		if len(ev.PeerCertificate) > 0 {
			sum := sha256.Sum256(ev.PeerCertificate)
			fp := hex.EncodeToString(sum[:])
			if _, err := tx.ExecContext(ctx, writeSQL["peer"], fp, ev.PeerCertificate); err != nil {
				return err
			}
			peer, ev.PeerCertificate = fp, nil
		}
		evidence, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE alerts SET fields = ?, peer = ?, evidence = ? WHERE seq = ?`, string(fields), peer, string(evidence), r.seq); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, migrateSQL)
	return err
}

// migrate2Tx recomputes every create_time from the alert's fields, in microseconds: layout 2's
// nanoseconds cannot be trusted outside 1678 to 2262, where they wrapped around.
func migrate2Tx(ctx context.Context, tx *sql.Tx) error {
	type row struct {
		seq int64
		ct  any
	}
	var rows []row
	rs, err := tx.QueryContext(ctx, `SELECT seq, fields FROM alerts`)
	if err != nil {
		return err
	}
	for rs.Next() {
		var seq int64
		var fields string
		if err := rs.Scan(&seq, &fields); err != nil {
			rs.Close()
			return err
		}
		var f Fields
		if err := json.Unmarshal([]byte(fields), &f); err != nil {
			rs.Close()
			return fmt.Errorf("alert %d: fields: %w", seq, err)
		}
		r := row{seq: seq}
		if !f.CreateTime.IsZero() {
			r.ct = timeKey(f.CreateTime)
		}
		rows = append(rows, r)
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return err
	}
	for _, r := range rows {
		if _, err := tx.ExecContext(ctx, `UPDATE alerts SET create_time = ? WHERE seq = ?`, r.ct, r.seq); err != nil {
			return fmt.Errorf("alert %d: %w", r.seq, err)
		}
	}
	_, err = tx.ExecContext(ctx, `PRAGMA user_version = 3`)
	return err
}
