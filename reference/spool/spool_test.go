package spool_test

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gleak"

	"github.com/idmefcheck/idmefcheck/reference/spool"
)

// Named timeouts.
const (
	waitTimeout = 5 * time.Second
	// notYet is how long a spec watches something that must not happen.
	notYet = 200 * time.Millisecond
)

var _ = BeforeEach(func() {
	snapshot := gleak.Goroutines()
	DeferCleanup(func() {
		Eventually(gleak.Goroutines).WithTimeout(waitTimeout).ShouldNot(gleak.HaveLeaked(snapshot))
	})
})

func msgs(prefix string, n int) []spool.Message {
	out := make([]spool.Message, n)
	for i := range out {
		id := fmt.Sprintf("%s-%d", prefix, i)
		out[i] = spool.Message{ID: id, Data: []byte(`{"ID":"` + id + `"}`)}
	}
	return out
}

func ids(es []spool.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

var _ = Describe("Spool", func() {
	ctx := context.Background()
	var path string
	open := func(o spool.Options) *spool.Spool {
		s, err := spool.Open(path, o)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		return s
	}
	BeforeEach(func() { path = filepath.Join(GinkgoT().TempDir(), "spool.db") })

	It("returns entries in enqueue order with their exact bytes", func() {
		s := open(spool.Options{})
		seqs, err := s.Enqueue(ctx, msgs("a", 3), nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(seqs).To(Equal([]int64{1, 2, 3}))
		es, err := s.After(ctx, 0, 10)
		Expect(err).NotTo(HaveOccurred())
		Expect(ids(es)).To(Equal([]string{"a-0", "a-1", "a-2"}))
		Expect(string(es[1].Data)).To(Equal(`{"ID":"a-1"}`))
		es, err = s.After(ctx, 2, 10)
		Expect(err).NotTo(HaveOccurred())
		Expect(ids(es)).To(Equal([]string{"a-2"}))
	})

	It("keeps what Enqueue returned for, and its checkpoint, after it is reopened", Label("R4766-6.1"), func() {
		s, err := spool.Open(path, spool.Options{})
		Expect(err).NotTo(HaveOccurred())
		_, err = s.Enqueue(ctx, msgs("a", 2), &spool.Checkpoint{Source: "events:/x", Position: []byte(`{"offset":42}`)})
		Expect(err).NotTo(HaveOccurred())
		epoch := s.Epoch()
		Expect(s.Close()).To(Succeed())

		s = open(spool.Options{})
		es, err := s.After(ctx, 0, 10)
		Expect(err).NotTo(HaveOccurred())
		Expect(ids(es)).To(Equal([]string{"a-0", "a-1"}))
		Expect(s.Checkpoint(ctx, "events:/x")).To(Equal([]byte(`{"offset":42}`)))
		Expect(s.Checkpoint(ctx, "events:/y")).To(BeNil())
		Expect(s.Epoch()).To(Equal(epoch), "the epoch is the file's, not the process's")
		n, size := s.Len()
		Expect(n).To(Equal(2))
		Expect(size).To(BeEquivalentTo(2 * len(`{"ID":"a-0"}`)))
	})

	It("gives a new file a new epoch", func() {
		a := open(spool.Options{})
		path = filepath.Join(GinkgoT().TempDir(), "other.db")
		b := open(spool.Options{})
		Expect(a.Epoch()).NotTo(Equal(b.Epoch()))
		Expect(a.Epoch()).To(MatchRegexp(`^[0-9a-f]{16}$`))
	})

	It("removes acknowledged entries once, and never reuses their sequence numbers", func() {
		s, err := spool.Open(path, spool.Options{})
		Expect(err).NotTo(HaveOccurred())
		_, err = s.Enqueue(ctx, msgs("a", 3), nil)
		Expect(err).NotTo(HaveOccurred())
		s.Ack(2, 2, 3)
		Expect(s.Flush()).To(Succeed())
		n, _ := s.Len()
		Expect(n).To(Equal(1))
		Expect(s.Close()).To(Succeed())

		s = open(spool.Options{})
		seqs, err := s.Enqueue(ctx, msgs("b", 1), nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(seqs).To(Equal([]int64{4}), "3 was used, even though it is gone")
		Expect(s.LastSeq(ctx)).To(BeEquivalentTo(4))
		es, err := s.After(ctx, 0, 10)
		Expect(err).NotTo(HaveOccurred())
		Expect(ids(es)).To(Equal([]string{"a-0", "b-0"}))
	})

	It("writes acknowledgements by itself within the ack delay", func() {
		s := open(spool.Options{AckDelay: time.Millisecond})
		_, err := s.Enqueue(ctx, msgs("a", 2), nil)
		Expect(err).NotTo(HaveOccurred())
		s.Ack(1)
		Eventually(func() ([]spool.Entry, error) { return s.After(ctx, 0, 10) }).WithTimeout(waitTimeout).Should(HaveLen(1))
	})

	It("removes everything up to a pull cursor with AckThrough", Label("R4766-6.2"), func() {
		s := open(spool.Options{})
		_, err := s.Enqueue(ctx, msgs("a", 5), nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(s.AckThrough(ctx, 3)).To(Succeed())
		Expect(s.AckThrough(ctx, 3)).To(Succeed())
		es, err := s.After(ctx, 0, 10)
		Expect(err).NotTo(HaveOccurred())
		Expect(ids(es)).To(Equal([]string{"a-3", "a-4"}))
		n, _ := s.Len()
		Expect(n).To(Equal(2))
	})

	When("it is full", func() {
		It("makes Enqueue wait until acknowledgements make room", func() {
			s := open(spool.Options{MaxMessages: 2})
			_, err := s.Enqueue(ctx, msgs("a", 2), nil)
			Expect(err).NotTo(HaveOccurred())
			done := make(chan error, 1)
			go func() {
				_, err := s.Enqueue(ctx, msgs("b", 1), nil)
				done <- err
			}()
			Consistently(done).WithTimeout(notYet).ShouldNot(Receive())
			s.Ack(1)
			Expect(s.Flush()).To(Succeed())
			Eventually(done).WithTimeout(waitTimeout).Should(Receive(BeNil()))
		})

		It("gives up when the context ends", func() {
			s := open(spool.Options{MaxBytes: 20})
			_, err := s.Enqueue(ctx, msgs("a", 1), nil)
			Expect(err).NotTo(HaveOccurred())
			short, cancel := context.WithTimeout(ctx, notYet)
			defer cancel()
			_, err = s.Enqueue(short, msgs("b", 1), nil)
			Expect(err).To(MatchError(context.DeadlineExceeded))
		})

		It("refuses a batch larger than the spool can ever hold", func() {
			s := open(spool.Options{MaxMessages: 2})
			_, err := s.Enqueue(ctx, msgs("a", 3), nil)
			Expect(err).To(MatchError(spool.ErrTooLarge))
		})
	})

	Describe("Wait", func() {
		It("returns as soon as this process enqueues", func() {
			s := open(spool.Options{Poll: time.Hour})
			done := make(chan error, 1)
			go func() { done <- s.Wait(ctx, 0) }()
			Consistently(done).WithTimeout(notYet).ShouldNot(Receive())
			_, err := s.Enqueue(ctx, msgs("a", 1), nil)
			Expect(err).NotTo(HaveOccurred())
			Eventually(done).WithTimeout(waitTimeout).Should(Receive(BeNil()))
		})

		It("sees what another process enqueues into the same file", func() {
			s := open(spool.Options{Poll: 10 * time.Millisecond})
			other := open(spool.Options{})
			done := make(chan error, 1)
			go func() { done <- s.Wait(ctx, 0) }()
			_, err := other.Enqueue(ctx, msgs("a", 1), nil)
			Expect(err).NotTo(HaveOccurred())
			Eventually(done).WithTimeout(waitTimeout).Should(Receive(BeNil()))
		})

		It("fails once the spool is closed", func() {
			s, err := spool.Open(path, spool.Options{})
			Expect(err).NotTo(HaveOccurred())
			done := make(chan error, 1)
			go func() { done <- s.Wait(ctx, 0) }()
			Expect(s.Close()).To(Succeed())
			Eventually(done).WithTimeout(waitTimeout).Should(Receive(MatchError(spool.ErrClosed)))
		})
	})

	Describe("Value", func() {
		It("stores the first value and returns it ever after", func() {
			s := open(spool.Options{})
			Expect(s.Value(ctx, "analyzer-id", func() string { return "first" })).To(Equal("first"))
			Expect(s.Value(ctx, "analyzer-id", func() string { return "second" })).To(Equal("first"))
		})
	})
})

var _ = Describe("Claim", func() {
	It("lets one spool of a file be its deliverer at a time, until it closes", func() {
		path := filepath.Join(GinkgoT().TempDir(), "spool.db")
		a, err := spool.Open(path, spool.Options{})
		Expect(err).NotTo(HaveOccurred())
		b, err := spool.Open(path, spool.Options{})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(b.Close)
		Expect(a.Claim()).To(BeTrue())
		Expect(a.Claim()).To(BeTrue(), "claiming again is harmless")
		Expect(b.Claim()).To(BeFalse())
		Expect(a.Close()).To(Succeed())
		Expect(b.Claim()).To(BeTrue())
	})
})
