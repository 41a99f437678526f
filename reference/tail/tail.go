package tail

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Position is where reading stopped: which file (device and inode, so that a rotated file
// is recognised) and the offset of the first byte not yet returned. Its JSON form is what
// an analyzer checkpoints.
type Position struct {
	Dev    uint64 `json:"dev"`
	Ino    uint64 `json:"ino"`
	Offset int64  `json:"offset"`
}

// Line is one line, without its line end.
type Line struct {
	Data []byte // valid until the next call that returns lines
	// Number is the line's 1-based number in its file since the reader opened or switched
	// to it (not since the file began, when reading resumed from a Position).
	Number int
	// End is the position just after the line; saving it resumes after this line.
	End Position
	// TooLong is set, and Data is empty, when the line was longer than the limit: it was
	// skipped without being held in memory.
	TooLong bool
}

// Options configure a Reader. Zero fields take the defaults.
type Options struct {
	// Follow keeps reading at the end of the file, waiting for more and following rotation
	// and truncation. Without it the reader stops at the end of the file with io.EOF.
	Follow bool
	// Poll is how often a following reader looks for more data or a rotation (default
	// 250 ms).
	Poll time.Duration
	// MaxLine is the longest line returned (default 8 MiB); longer lines are skipped.
	MaxLine int
}

// ErrNotFile reports a path that is a directory or another non-regular file.
var ErrNotFile = errors.New("not a regular file")

// Reader reads lines. It is not safe for concurrent use; the caller must call Close.
type Reader struct {
	path    string
	opts    Options
	f       *os.File
	id      Position // Dev and Ino of f; Offset unused
	pos     int64    // offset in f of buf[0]
	buf     []byte
	line    int
	skip    bool // discarding an overlong line up to its end
	eof     bool // f returned EOF since the last successful read
	stream  bool // reading a stream: no positions, no rotation
	streamR io.Reader
}

// Open reads the file at path from the saved position from, or from its beginning when from
// is nil. When the file at path is no longer the one from names, the rest of that file is
// read first if it can still be found in the same directory (a rotated log), then path from
// its beginning. With Options.Follow, a missing file is waited for.
func Open(ctx context.Context, path string, from *Position, o Options) (*Reader, error) {
	if o.Poll <= 0 {
		o.Poll = 250 * time.Millisecond
	}
	if o.MaxLine <= 0 {
		o.MaxLine = 8 << 20
	}
	r := &Reader{path: path, opts: o}
	for {
		err := r.open(from)
		if err == nil {
			return r, nil
		}
		if !o.Follow || !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		if err := r.sleep(ctx); err != nil {
			return nil, fmt.Errorf("tail: waiting for %s to appear: %w", path, err)
		}
	}
}

// NewStream reads lines from a stream (standard input): no positions, no rotation, io.EOF at
// its end.
func NewStream(rd io.Reader, o Options) *Reader {
	if o.MaxLine <= 0 {
		o.MaxLine = 8 << 20
	}
	return &Reader{path: "-", opts: o, stream: true, streamR: rd}
}

func identity(fi os.FileInfo) Position {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return Position{Dev: uint64(st.Dev), Ino: uint64(st.Ino)} //nolint:unconvert // widths differ by platform
	}
	return Position{}
}

func (r *Reader) open(from *Position) error {
	f, err := os.Open(r.path)
	if err != nil {
		return fmt.Errorf("tail: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("tail: %w", err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return fmt.Errorf("tail: %s: %w", r.path, ErrNotFile)
	}
	id := identity(fi)
	if from != nil && (from.Dev != id.Dev || from.Ino != id.Ino) {
		// Rotated while nobody was reading: finish the old file first if it is still here.
		if old := findByIdentity(filepath.Dir(r.path), *from); old != nil {
			f.Close()
			r.f, r.id = old, *from
			r.pos = r.seek(old, from.Offset)
			return nil
		}
		from = nil
	}
	r.f, r.id = f, id
	if from != nil {
		r.pos = r.seek(f, from.Offset)
	}
	return nil
}

// seek moves to offset, or to the beginning when the file is now shorter (truncated).
func (r *Reader) seek(f *os.File, offset int64) int64 {
	fi, err := f.Stat()
	if err != nil || fi.Size() < offset {
		offset = 0
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return 0
	}
	return offset
}

// findByIdentity opens the file of dir whose device and inode are id's, if any.
func findByIdentity(dir string, id Position) *os.File {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		p := filepath.Join(dir, e.Name())
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		if got := identity(fi); got.Dev == id.Dev && got.Ino == id.Ino {
			if f, err := os.Open(p); err == nil {
				return f
			}
		}
	}
	return nil
}

// Path returns the path the reader was opened with ("-" for a stream).
func (r *Reader) Path() string { return r.path }

// Position returns the position after the last line returned.
func (r *Reader) Position() Position {
	return Position{Dev: r.id.Dev, Ino: r.id.Ino, Offset: r.pos}
}

// MarshalPosition returns p's JSON form, for a checkpoint.
func MarshalPosition(p Position) []byte {
	b, _ := json.Marshal(p) // a struct of integers always marshals
	return b
}

// UnmarshalPosition reads a checkpoint; nil or empty data gives nil.
func UnmarshalPosition(data []byte) (*Position, error) {
	if len(data) == 0 {
		return nil, nil
	}
	var p Position
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("tail: checkpoint %q: %w", data, err)
	}
	return &p, nil
}

// Next returns up to max lines: it waits for the first one (following, or until the end of
// the input), then adds those that are there without waiting. It returns io.EOF at the end
// of an input it does not follow, and ctx's error when ctx ends while it waits.
func (r *Reader) Next(ctx context.Context, max int) ([]Line, error) {
	var out []Line
	for len(out) < max {
		l, err := r.next(ctx, len(out) == 0)
		if errors.Is(err, errWouldWait) {
			break
		}
		if err != nil {
			if len(out) > 0 && (errors.Is(err, io.EOF) || ctx.Err() != nil) {
				break
			}
			return out, err
		}
		out = append(out, l)
	}
	return out, nil
}

var errWouldWait = errors.New("tail: no complete line without waiting")

// next returns one line. Without wait it returns errWouldWait instead of waiting for data.
func (r *Reader) next(ctx context.Context, wait bool) (Line, error) {
	for {
		if i := bytes.IndexByte(r.buf, '\n'); i >= 0 {
			if r.skip || i > r.opts.MaxLine {
				r.consume(i + 1)
				r.skip = false
				r.line++
				return Line{Number: r.line, End: r.Position(), TooLong: true}, nil
			}
			data := bytes.TrimSuffix(r.buf[:i], []byte("\r"))
			r.consume(i + 1)
			r.line++
			return Line{Data: data, Number: r.line, End: r.Position()}, nil
		}
		if len(r.buf) > r.opts.MaxLine {
			// Too long: forget what is buffered, keep skipping to the line's end.
			r.consume(len(r.buf))
			r.skip = true
		}
		n, err := r.read()
		if n > 0 {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return Line{}, fmt.Errorf("tail: reading %s: %w", r.path, err)
		}
		// At the end of what is there.
		if !r.opts.Follow || r.stream {
			if len(r.buf) > 0 || r.skip {
				// The last line has no line end: it is complete all the same.
				r.buf = append(r.buf, '\n')
				continue
			}
			return Line{}, io.EOF
		}
		switched, err := r.rotated()
		if err != nil {
			return Line{}, err
		}
		if switched {
			continue
		}
		if !wait {
			return Line{}, errWouldWait
		}
		if err := r.sleep(ctx); err != nil {
			return Line{}, err
		}
	}
}

// consume drops n bytes from the front of the buffer.
func (r *Reader) consume(n int) {
	r.pos += int64(n)
	r.buf = r.buf[n:]
	if len(r.buf) == 0 {
		r.buf = r.buf[:0:0]
	}
}

func (r *Reader) read() (int, error) {
	var chunk [64 << 10]byte
	var n int
	var err error
	if r.stream {
		n, err = r.streamR.Read(chunk[:])
	} else {
		n, err = r.f.Read(chunk[:])
	}
	r.buf = append(r.buf, chunk[:n]...)
	return n, err
}

// rotated looks at the path after the end of the open file was reached: when the path names
// another file (rotation), or the open file is now shorter than what was read (truncation),
// it switches and reports true. An unfinished last line of a rotated file is returned as a
// line (it will not grow any more).
func (r *Reader) rotated() (bool, error) {
	read := r.pos + int64(len(r.buf))
	if fi, err := r.f.Stat(); err == nil && fi.Size() < read {
		// Truncated in place: start again from its beginning.
		if _, err := r.f.Seek(0, io.SeekStart); err != nil {
			return false, fmt.Errorf("tail: %s: %w", r.path, err)
		}
		r.pos, r.buf, r.skip = 0, nil, false
		return true, nil
	}
	fi, err := os.Stat(r.path)
	if err != nil {
		return false, nil // gone for now (rotation under way): keep the old file, look again later
	}
	id := identity(fi)
	if id.Dev == r.id.Dev && id.Ino == r.id.Ino {
		return false, nil
	}
	// The path names a new file. Read what was appended to the old one since, first.
	if n, _ := r.read(); n > 0 {
		return true, nil
	}
	if len(r.buf) > 0 {
		r.buf = append(r.buf, '\n')
		return true, nil
	}
	f, err := os.Open(r.path)
	if err != nil {
		return false, nil
	}
	if fi, err := f.Stat(); err == nil {
		id = identity(fi)
	}
	r.f.Close()
	r.f, r.id, r.pos, r.buf, r.skip, r.line = f, id, 0, nil, false, 0
	return true, nil
}

func (r *Reader) sleep(ctx context.Context) error {
	t := time.NewTimer(r.opts.Poll)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Close releases the file.
func (r *Reader) Close() error {
	if r.stream || r.f == nil {
		return nil
	}
	return r.f.Close()
}
