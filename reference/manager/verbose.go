package manager

import (
	"encoding/json"
	"net/http"
	"runtime"
)

// verboseError is the Faults.VerboseErrors answer: the problem body with a debugging dump
// added, the request's headers echoed and the stack traces of every goroutine, as a debug
// mode left on in production would answer. A small bad request then draws an answer many
// times its size.
func verboseError(body []byte, r *http.Request) []byte {
	var p map[string]any
	if json.Unmarshal(body, &p) != nil || p == nil {
		p = map[string]any{}
	}
	stack := make([]byte, 1<<20)
	stack = stack[:runtime.Stack(stack, true)]
	p["debug"] = map[string]any{"method": r.Method, "target": r.URL.RequestURI(), "headers": r.Header, "goroutines": string(stack)}
	out, _ := json.Marshal(p)
	return append(out, '\n')
}
