package observe

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"sync"
)

// File is an NDJSON file the manager appends one line to per stored alert. It reads only
// what was appended since it was opened (or the whole file with FromStart), incrementally,
// and starts over when the file is truncated or replaced. A File is safe for concurrent use.
type File struct {
	path string

	mu    sync.Mutex
	start int64
	pos   int64
	line  int
	ino   fileID
	// tail is the last bytes read (up to tailSize): when they are no longer there, the file
	// was rewritten in place, even if it is now longer than what was read.
	tail    []byte
	partial []byte
	// skip drops the rest of a line that was being written when the file was opened: it
	// was stored before, and its tail alone is no line.
	skip     bool
	ix       index
	problems []string
}

// tailSize is how many bytes before the read position are compared on each refresh.
const tailSize = 64

// OpenFile watches path from its current end; the file may not exist yet.
func OpenFile(path string) (*File, error) {
	f := &File{path: path, ix: index{}}
	st, err := os.Stat(path)
	switch {
	case err == nil:
		f.start, f.pos, f.ino = st.Size(), st.Size(), idOf(st)
		// Lines before the start are counted so that errors name real line numbers.
		n, tail, err := countLines(path, st.Size())
		if err != nil {
			return nil, err
		}
		f.line, f.tail = n, tail
		f.skip = len(tail) > 0 && tail[len(tail)-1] != '\n'
	case os.IsNotExist(err):
	default:
		return nil, fmt.Errorf("observation file: %w", err)
	}
	return f, nil
}

// FromStart watches path from its first line.
func FromStart(path string) *File { return &File{path: path, ix: index{}} }

// countLines counts the line breaks in the first upto bytes of path and returns the last
// tailSize of those bytes.
func countLines(path string, upto int64) (int, []byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return 0, nil, fmt.Errorf("observation file: %w", err)
	}
	defer fh.Close()
	n := 0
	var tail []byte
	buf := make([]byte, 64<<10)
	r := io.LimitReader(fh, upto)
	for {
		k, err := r.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		tail = lastBytes(append(tail, buf[:k]...))
		if err == io.EOF {
			return n, tail, nil
		}
		if err != nil {
			return 0, nil, fmt.Errorf("observation file: %w", err)
		}
	}
}

// lastBytes returns a copy of the last tailSize bytes of b.
func lastBytes(b []byte) []byte {
	return bytes.Clone(b[max(len(b)-tailSize, 0):])
}

// Describe names the channel.
func (f *File) Describe() string { return "file " + f.path }

// Problems lists lines that could not be read, with their places.
func (f *File) Problems() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.problems...)
}

// Lookup reads what was appended since the last call and returns the alerts with the IDs.
func (f *File) Lookup(_ context.Context, ids ...string) (map[string][]Observation, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.refresh(); err != nil {
		return nil, err
	}
	return f.ix.pick(ids), nil
}

func (f *File) refresh() error {
	fh, err := os.Open(f.path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("observation file: %w", err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return fmt.Errorf("observation file: %w", err)
	}
	if id := idOf(st); st.Size() < f.pos || (f.ino != (fileID{}) && id != f.ino) || !f.tailIntact(fh) {
		// Truncated, replaced or rewritten: what was there is gone from this file; read the
		// new one whole, keeping what was already seen.
		f.pos, f.line, f.partial, f.tail, f.skip = 0, 0, nil, nil, false
	}
	f.ino = idOf(st)
	if st.Size() == f.pos {
		return nil
	}
	if _, err := fh.Seek(f.pos, io.SeekStart); err != nil {
		return fmt.Errorf("observation file: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(fh, st.Size()-f.pos))
	if err != nil {
		return fmt.Errorf("observation file: %w", err)
	}
	f.pos += int64(len(data))
	f.tail = lastBytes(append(f.tail, data...))
	data = append(f.partial, data...)
	for {
		nl := bytes.IndexByte(data, '\n')
		if nl < 0 {
			// A line being written: keep it until its newline arrives.
			f.partial = bytes.Clone(data)
			return nil
		}
		line := data[:nl]
		data = data[nl+1:]
		f.line++
		if f.skip {
			f.skip = false
			continue
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		o, err := ParseLine(line, fmt.Sprintf("%s:%d", f.path, f.line))
		if err != nil {
			f.problems = append(f.problems, err.Error())
			continue
		}
		f.ix.add(o)
	}
}

// tailIntact reports whether the bytes last read are still where they were read.
func (f *File) tailIntact(fh *os.File) bool {
	if len(f.tail) == 0 {
		return true
	}
	got := make([]byte, len(f.tail))
	if _, err := fh.ReadAt(got, f.pos-int64(len(f.tail))); err != nil {
		return false
	}
	return bytes.Equal(got, f.tail)
}
