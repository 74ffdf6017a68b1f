package data

import (
	"context"
	"database/sql"
	"strings"
)

// batchRows is how many rows one INSERT of a batch carries: with the
// widest of the store's batched tables (communes, 16 columns) well under SQLite's
// 32,766 and PostgreSQL's 65,535 parameters.
const batchRows = 250

// batch inserts rows a batch at a time, one statement for batchRows rows:
// on PostgreSQL each statement is a round trip to the server, and a
// recompute writes thousands of rows.
type batch struct {
	ctx  context.Context
	tx   *sql.Tx
	head string // INSERT INTO t (a, b) VALUES
	tail string // e.g. ON CONFLICT … DO NOTHING
	row  string // (?, ?)
	args []any
	n    int
}

func newBatch(ctx context.Context, tx *sql.Tx, head string, cols int, tail string) *batch {
	return &batch{ctx: ctx, tx: tx, head: head, tail: tail, row: "(?" + strings.Repeat(", ?", cols-1) + ")"}
}

// add queues a row, writing the batch when it is full.
func (b *batch) add(vals ...any) error {
	b.args = append(b.args, vals...)
	b.n++
	if b.n == batchRows {
		return b.flush()
	}
	return nil
}

// flush writes the rows queued; call it after the last add.
func (b *batch) flush() error {
	if b.n == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString(b.head)
	q.WriteByte(' ')
	for i := range b.n {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(b.row)
	}
	if b.tail != "" {
		q.WriteByte(' ')
		q.WriteString(b.tail)
	}
	_, err := b.tx.ExecContext(b.ctx, q.String(), b.args...)
	b.args, b.n = b.args[:0], 0
	return err
}
