package message

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Item is one message as read from a stream, not yet decoded.
type Item struct {
	Index int    // 0-based position among the messages of the stream
	Line  int    // 1-based line where the message starts
	Data  []byte // the message's bytes; valid only until the next call to Next
	// Oversize is set, and Data is empty, when the message was longer than the limit: it was
	// skipped without being held in memory.
	Oversize *Problem
}

// Reader streams messages. With NDJSON framing each non-blank line is a message; otherwise
// the whole input is one message. Memory use is bounded by Limits.MaxBytes whatever the
// input: a longer line is skipped and reported, never buffered.
type Reader struct {
	br     *bufio.Reader
	ndjson bool
	lim    Limits
	index  int
	line   int
	done   bool
	single []byte
}

// NewReader reads messages from r. ndjson selects line framing.
func NewReader(r io.Reader, ndjson bool, lim Limits) *Reader {
	size := lim.MaxBytes + 2 // room for the line's end
	if lim.MaxBytes <= 0 {
		size = 64 << 10
	}
	if !ndjson {
		size = 64 << 10
	}
	return &Reader{br: bufio.NewReaderSize(r, size), ndjson: ndjson, lim: lim}
}

// Next returns the next message, or io.EOF after the last one. Any other error is an I/O
// error of the underlying reader; messages returned before it stay valid.
func (r *Reader) Next() (Item, error) {
	if r.done {
		return Item{}, io.EOF
	}
	if !r.ndjson {
		return r.nextSingle()
	}
	for {
		r.line++
		line, err := r.br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			n, err2 := r.skipLine(int64(len(line)))
			it := Item{Index: r.index, Line: r.line, Oversize: &Problem{Code: TooLarge, Fatal: true,
				Detail: fmt.Sprintf("line %d is %s long, more than the limit of %d bytes; it was skipped", r.line, byteCount(n), r.lim.MaxBytes)}}
			r.index++
			if err2 != nil && !errors.Is(err2, io.EOF) {
				return it, err2
			}
			if errors.Is(err2, io.EOF) {
				r.done = true
			}
			return it, nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return Item{}, err
		}
		if errors.Is(err, io.EOF) {
			r.done = true
			if len(line) == 0 {
				return Item{}, io.EOF
			}
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(bytes.TrimSpace(line)) == 0 {
			if r.done {
				return Item{}, io.EOF
			}
			continue
		}
		if r.lim.MaxBytes > 0 && len(line) > r.lim.MaxBytes {
			// The buffer has a floor of 16 bytes, so a tiny limit is enforced here.
			it := Item{Index: r.index, Line: r.line, Oversize: &Problem{Code: TooLarge, Fatal: true,
				Detail: fmt.Sprintf("line %d is %s long, more than the limit of %d bytes; it was skipped", r.line, byteCount(int64(len(line))), r.lim.MaxBytes)}}
			r.index++
			return it, nil
		}
		it := Item{Index: r.index, Line: r.line, Data: line}
		r.index++
		return it, nil
	}
}

// skipLine discards the rest of an overlong line and returns its full length.
func (r *Reader) skipLine(n int64) (int64, error) {
	for {
		chunk, err := r.br.ReadSlice('\n')
		n += int64(len(chunk))
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return n, err
	}
}

func (r *Reader) nextSingle() (Item, error) {
	r.done = true
	limit := int64(r.lim.MaxBytes)
	if limit <= 0 {
		limit = 1<<63 - 1
	}
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r.br, limit+1))
	if err != nil {
		return Item{}, err
	}
	if n > limit {
		total, err := io.Copy(io.Discard, r.br)
		if err != nil {
			return Item{}, err
		}
		return Item{Line: 1, Oversize: &Problem{Code: TooLarge, Fatal: true,
			Detail: fmt.Sprintf("the message is %s long, more than the limit of %d bytes", byteCount(n+total), r.lim.MaxBytes)}}, nil
	}
	r.single = buf.Bytes()
	return Item{Line: 1, Data: r.single}, nil
}

func byteCount(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
