package message

import (
	"bytes"

	"github.com/go-json-experiment/json/jsontext"
)

// Locate finds where the value at a JSON Pointer starts in a message and returns its 1-based
// line and column (in bytes). It is for error reports, so it re-reads the message rather
// than make every decode remember positions. When the pointer is not found (the message is
// broken before it, or it names a missing member), it returns the position of the nearest
// enclosing value it did find.
func Locate(data []byte, pointer string) (line, col int) {
	start := 0
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		start = 3
	}
	best := int64(start)
	dec := jsontext.NewDecoder(bytes.NewReader(data[start:]), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	for {
		before := dec.InputOffset()
		kind := dec.PeekKind()
		var err error
		isName := false
		if dec.StackDepth() > 0 {
			k, n := dec.StackIndex(dec.StackDepth())
			isName = k == '{' && n%2 == 0 && kind == '"'
		}
		if kind == '{' || kind == '[' || kind == '}' || kind == ']' {
			_, err = dec.ReadToken()
		} else {
			_, err = dec.ReadValue()
		}
		if err != nil {
			break
		}
		if isName || kind == '}' || kind == ']' {
			continue
		}
		ptr := string(dec.StackPointer())
		if ptr == pointer {
			best = int64(start) + before
			break
		}
		if len(ptr) < len(pointer) && pointer[len(ptr)] == '/' && pointer[:len(ptr)] == ptr {
			best = int64(start) + before
		}
		if dec.StackDepth() == 0 {
			break
		}
	}
	// Step over the separators the decoder had not consumed yet.
	for int(best) < len(data) && bytes.IndexByte([]byte(" \t\r\n,:"), data[best]) >= 0 {
		best++
	}
	line = 1 + bytes.Count(data[:best], []byte("\n"))
	col = int(best) - bytes.LastIndexByte(data[:best], '\n')
	return line, col
}
