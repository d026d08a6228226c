package benchmark

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	_ "modernc.org/sqlite" // registers the "sqlite" driver (pure Go)
)

// SQLitePeer is the peer: the same provisions in an SQLite FTS5 table with
// the trigram tokenizer, which finds any substring of three or more
// characters through its index.
type SQLitePeer struct {
	db   *sql.DB
	Path string
}

// SQLiteBuild describes the building of the peer's index.
type SQLiteBuild struct {
	Provisions int
	TextBytes  int64
	Elapsed    time.Duration
	Size       int64 // database file, bytes
}

// BuildSQLite writes the corpus's provisions into a new database at path
// (replacing any file there) in one transaction, then merges the FTS5
// b-trees ('optimize'), the peer's best layout for queries. Building is
// timed from the first insert to the end of the merge: parsing the corpus
// is not counted, as the peer would be handed text by someone else's
// parser.
func BuildSQLite(ctx context.Context, path string, c *Corpus) (*SQLitePeer, SQLiteBuild, error) {
	var b SQLiteBuild
	for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !os.IsNotExist(err) {
			return nil, b, fmt.Errorf("remove old peer database: %w", err)
		}
	}
	p, err := OpenSQLite(path)
	if err != nil {
		return nil, b, err
	}
	fail := func(err error) (*SQLitePeer, SQLiteBuild, error) {
		_ = p.Close()
		return nil, b, err
	}
	start := time.Now()
	for _, stmt := range []string{
		`PRAGMA journal_mode=OFF`,
		`PRAGMA synchronous=OFF`,
		`CREATE VIRTUAL TABLE p USING fts5(body, city UNINDEXED, year UNINDEXED, tokenize='trigram')`,
	} {
		if _, err := p.db.ExecContext(ctx, stmt); err != nil {
			return fail(fmt.Errorf("peer schema (%s): %w", stmt, err))
		}
	}
	tx, err := p.db.BeginTx(ctx, nil)
	if err != nil {
		return fail(fmt.Errorf("peer transaction: %w", err))
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO p(body, city, year) VALUES (?, ?, ?)`)
	if err != nil {
		_ = tx.Rollback()
		return fail(fmt.Errorf("peer insert: %w", err))
	}
	for i := range c.Provisions {
		pr := &c.Provisions[i]
		if _, err := ins.ExecContext(ctx, pr.Text, pr.City, pr.Year); err != nil {
			_ = tx.Rollback()
			return fail(fmt.Errorf("peer insert %s: %w", pr.ID, err))
		}
		b.Provisions++
		b.TextBytes += int64(len(pr.Text))
	}
	_ = ins.Close()
	if err := tx.Commit(); err != nil {
		return fail(fmt.Errorf("peer commit: %w", err))
	}
	if _, err := p.db.ExecContext(ctx, `INSERT INTO p(p) VALUES ('optimize')`); err != nil {
		return fail(fmt.Errorf("peer optimize: %w", err))
	}
	b.Elapsed = time.Since(start)
	st, err := os.Stat(path)
	if err != nil {
		return fail(fmt.Errorf("peer database size: %w", err))
	}
	b.Size = st.Size()
	return p, b, nil
}

// OpenSQLite opens an existing peer database.
func OpenSQLite(path string) (*SQLitePeer, error) {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return nil, fmt.Errorf("open peer database %s: %w", path, err)
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	return &SQLitePeer{db: db, Path: path}, nil
}

// Close closes the database.
func (p *SQLitePeer) Close() error { return p.db.Close() }

// Name implements Target.
func (p *SQLitePeer) Name() string { return "SQLite FTS5 trigram" }

// Supports implements Target.
func (p *SQLitePeer) Supports(kind string) bool { return textKind(kind) }

// Do implements Target: the count of matches, as a search's total, and
// the ten best by FTS5's bm25 rank, as a first page. A term shorter than
// three characters cannot use a trigram index; it becomes a LIKE
// condition, which SQLite answers by reading every row.
func (p *SQLitePeer) Do(ctx context.Context, q Query) (int, error) {
	if !textKind(q.Kind) {
		return 0, ErrUnsupported
	}
	where, args := sqliteWhere(q)
	var n int
	if err := p.db.QueryRowContext(ctx, `SELECT count(*) FROM p WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("peer count %s: %w", q, err)
	}
	order := ""
	if strings.Contains(where, "p MATCH") {
		order = " ORDER BY rank"
	}
	rows, err := p.db.QueryContext(ctx, `SELECT rowid FROM p WHERE `+where+order+` LIMIT 10`, args...)
	if err != nil {
		return 0, fmt.Errorf("peer search %s: %w", q, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return 0, fmt.Errorf("peer search %s: %w", q, err)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("peer search %s: %w", q, err)
	}
	return n, nil
}

// sqliteWhere turns a query into an SQL condition over table p.
func sqliteWhere(q Query) (string, []any) {
	var conds, match []string
	var args []any
	for _, t := range q.Terms {
		if utf8.RuneCountInString(t) >= 3 {
			match = append(match, `"`+strings.ReplaceAll(t, `"`, `""`)+`"`)
			continue
		}
		conds = append(conds, `body LIKE ?`)
		args = append(args, "%"+t+"%")
	}
	if len(match) > 0 {
		conds = append([]string{`p MATCH ?`}, conds...)
		args = append([]any{strings.Join(match, " AND ")}, args...)
	}
	if q.City != "" {
		conds = append(conds, `city = ?`)
		args = append(args, q.City)
	}
	if q.Year != 0 {
		conds = append(conds, `year = ?`)
		args = append(args, q.Year)
	}
	if len(conds) == 0 {
		return "1", nil
	}
	return strings.Join(conds, " AND "), args
}
