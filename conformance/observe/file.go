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
// and starts over when the file is truncated or replaced.
type File struct {
	path string

	mu       sync.Mutex
	start    int64
	pos      int64
	line     int
	ino      fileID
	partial  []byte
	ix       index
	problems []string
}

// OpenFile watches path from its current end; the file may not exist yet.
func OpenFile(path string) (*File, error) {
	f := &File{path: path, ix: index{}}
	st, err := os.Stat(path)
	switch {
	case err == nil:
		f.start, f.pos, f.ino = st.Size(), st.Size(), idOf(st)
		// Lines before the start are counted so that errors name real line numbers.
		n, err := countLines(path, st.Size())
		if err != nil {
			return nil, err
		}
		f.line = n
	case os.IsNotExist(err):
	default:
		return nil, fmt.Errorf("observation file: %w", err)
	}
	return f, nil
}

// FromStart watches path from its first line.
func FromStart(path string) *File { return &File{path: path, ix: index{}} }

func countLines(path string, upto int64) (int, error) {
	fh, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("observation file: %w", err)
	}
	defer fh.Close()
	n := 0
	buf := make([]byte, 64<<10)
	r := io.LimitReader(fh, upto)
	for {
		k, err := r.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return 0, fmt.Errorf("observation file: %w", err)
		}
	}
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
	if id := idOf(st); st.Size() < f.pos || (f.ino != (fileID{}) && id != f.ino) {
		// Truncated or replaced: what was there is gone from this file; read the new one
		// whole, keeping what was already seen.
		f.pos, f.line, f.partial = 0, 0, nil
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
