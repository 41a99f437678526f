package observe_test

import (
	"context"
	"errors"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/conformance/observe"
)

// fakeChannel shows an ID from the visibleFrom-th lookup on, and counts lookups.
type fakeChannel struct {
	mu          sync.Mutex
	lookups     int
	times       []time.Time
	visible     map[string]int // ID -> first lookup (1-based) that shows it
	err         error
	errOnLookup int
}

func (c *fakeChannel) Lookup(_ context.Context, ids ...string) (map[string][]observe.Observation, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lookups++
	c.times = append(c.times, time.Now())
	if c.err != nil && c.lookups >= c.errOnLookup {
		return nil, c.err
	}
	out := map[string][]observe.Observation{}
	for _, id := range ids {
		if from, ok := c.visible[id]; ok && c.lookups >= from {
			out[observe.Key(id)] = []observe.Observation{{ID: id}}
		}
	}
	return out, nil
}

func (c *fakeChannel) Describe() string { return "fake" }

func (c *fakeChannel) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lookups
}

const within = 400 * time.Millisecond

var _ = Describe("Await", func() {
	It("returns as soon as every ID is observed", func() {
		ch := &fakeChannel{visible: map[string]int{"a": 1, "b": 3}}
		start := time.Now()
		got, err := observe.Await(context.Background(), ch, 10*time.Second, "a", "b")
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(HaveLen(2))
		Expect(ch.count()).To(Equal(3))
		Expect(time.Since(start)).To(BeNumerically("<", 2*time.Second))
	})

	It("keeps polling until within is over, then returns the last lookup without error", func() {
		ch := &fakeChannel{visible: map[string]int{"a": 1}}
		start := time.Now()
		got, err := observe.Await(context.Background(), ch, within, "a", "never")
		elapsed := time.Since(start)
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(HaveKey("a"))
		Expect(got).NotTo(HaveKey("never"))
		Expect(elapsed).To(BeNumerically(">=", within))
		Expect(elapsed).To(BeNumerically("<", within+time.Second))
		Expect(ch.count()).To(BeNumerically(">=", 3), "it polls, not only once at each end")
	})

	It("looks once with nothing to wait for", func() {
		ch := &fakeChannel{}
		_, err := observe.Await(context.Background(), ch, within)
		Expect(err).NotTo(HaveOccurred())
		Expect(ch.count()).To(Equal(1))
	})

	It("returns the lookup's error at once", func() {
		ch := &fakeChannel{err: errors.New("export failed"), errOnLookup: 2}
		_, err := observe.Await(context.Background(), ch, 10*time.Second, "a")
		Expect(err).To(MatchError("export failed"))
		Expect(ch.count()).To(Equal(2))
	})

	It("returns what it saw and the context's error when the context ends", func() {
		ch := &fakeChannel{visible: map[string]int{"a": 1}}
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		defer cancel()
		got, err := observe.Await(ctx, ch, 10*time.Second, "a", "never")
		Expect(err).To(MatchError(context.DeadlineExceeded))
		Expect(got).To(HaveKey("a"))
	})

	It("fails at once without a channel", func() {
		_, err := observe.Await(context.Background(), observe.None{}, within, "a")
		Expect(err).To(MatchError(observe.ErrNoChannel))
	})
})

var _ = Describe("Settled", func() {
	It("waits the whole of within, then looks once", func() {
		ch := &fakeChannel{visible: map[string]int{"a": 1}}
		start := time.Now()
		got, err := observe.Settled(context.Background(), ch, within, "a", "b")
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(HaveKey("a"))
		Expect(ch.count()).To(Equal(1))
		Expect(ch.times[0].Sub(start)).To(BeNumerically(">=", within))
		Expect(time.Since(start)).To(BeNumerically("<", within+time.Second))
	})

	It("fails at once without a channel", func() {
		start := time.Now()
		_, err := observe.Settled(context.Background(), observe.None{}, 10*time.Second, "a")
		Expect(err).To(MatchError(observe.ErrNoChannel))
		Expect(time.Since(start)).To(BeNumerically("<", time.Second))
	})

	It("stops waiting when the context ends, without looking", func() {
		ch := &fakeChannel{}
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := observe.Settled(ctx, ch, 10*time.Second, "a")
		Expect(err).To(MatchError(context.DeadlineExceeded))
		Expect(ch.count()).To(BeZero())
	})
})

var _ = Describe("None", func() {
	It("has nothing to show", func() {
		_, err := observe.None{}.Lookup(context.Background(), "a")
		Expect(err).To(MatchError(observe.ErrNoChannel))
		Expect(observe.None{}.Describe()).To(Equal("none"))
	})
})
