package httpsig

import (
	"errors"
	"sync"
	"time"
)

// ErrNonceCacheFull reports that the nonce cache holds as many live nonces as it may. The
// request must be refused (503, try later): forgetting a live nonce would let it be replayed.
var ErrNonceCacheFull = errors.New("the nonce cache is full")

// NonceCache remembers nonces until the signatures that carried them fall out of the freshness
// window, so that no signature is accepted twice. It is safe for concurrent use.
type NonceCache struct {
	mu    sync.Mutex
	max   int
	seen  map[string]time.Time // key -> when it may be forgotten
	queue []nonceEntry         // in insertion order, to forget expired entries cheaply
}

type nonceEntry struct {
	key     string
	expires time.Time
}

// NewNonceCache returns a cache holding at most max live nonces. Size it to the highest
// signed request rate times the window (the manager's default: 1,048,576).
func NewNonceCache(max int) *NonceCache {
	return &NonceCache{max: max, seen: map[string]time.Time{}}
}

// Add records key until expires. It returns false when key is already recorded and still live.
func (c *NonceCache) Add(key string, expires, now time.Time) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.queue) > 0 && !c.queue[0].expires.After(now) {
		e := c.queue[0]
		if c.seen[e.key].Equal(e.expires) {
			delete(c.seen, e.key)
		}
		c.queue[0] = nonceEntry{}
		c.queue = c.queue[1:]
	}
	if exp, ok := c.seen[key]; ok && exp.After(now) {
		return false, nil
	}
	if len(c.seen) >= c.max {
		return false, ErrNonceCacheFull
	}
	c.seen[key] = expires
	c.queue = append(c.queue, nonceEntry{key, expires})
	return true, nil
}

// Len returns the number of live nonces recorded.
func (c *NonceCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}
