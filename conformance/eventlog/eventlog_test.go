package eventlog_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/conformance/eventlog"
	"github.com/idmefcheck/idmefcheck/schema"
)

func decode(b *bytes.Buffer) []eventlog.Event {
	var out []eventlog.Event
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if l == "" {
			continue
		}
		var e eventlog.Event
		Expect(json.Unmarshal([]byte(l), &e)).To(Succeed(), l)
		out = append(out, e)
	}
	return out
}

type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	w.n++
	return 0, errors.New("disk full")
}

var _ = Describe("Log", func() {
	It("writes one JSON object per line, with the time and the check the context names", func() {
		var b bytes.Buffer
		l := eventlog.New(&b)
		ctx := eventlog.WithCheck(context.Background(), "MGR-AUTH-001")
		l.Emit(ctx, eventlog.Event{Event: eventlog.Request, Direction: eventlog.Out, Method: "POST", URL: "https://m/", Bytes: eventlog.Int64(12)})
		l.Emit(ctx, eventlog.Event{Event: eventlog.CheckEnd, Check: "MGR-AUTH-002", Verdict: "pass", Reason: "ok"})
		evs := decode(&b)
		Expect(evs).To(HaveLen(2))
		Expect(evs[0].Check).To(Equal("MGR-AUTH-001"))
		Expect(evs[0].Time.IsZero()).To(BeFalse())
		Expect(*evs[0].Bytes).To(Equal(int64(12)))
		Expect(evs[1].Check).To(Equal("MGR-AUTH-002"), "an explicit check wins over the context's")
	})

	It("writes lines that the embedded schema accepts", func() {
		set, err := schema.Load()
		Expect(err).NotTo(HaveOccurred())
		sch, err := set.Project(eventlog.SchemaFile)
		Expect(err).NotTo(HaveOccurred())
		var b bytes.Buffer
		l := eventlog.New(&b)
		ctx := context.Background()
		l.Emit(ctx, eventlog.Event{Schema: eventlog.SchemaFile, Event: eventlog.RunStart, Role: "manager"})
		l.Emit(ctx, eventlog.Event{Event: eventlog.Probe, Check: "sanity", When: "before", OK: eventlog.Bool(true)})
		l.Emit(ctx, eventlog.Event{Event: eventlog.Close, Direction: eventlog.Out, Conn: 1, Wire: &eventlog.Wire{Out: 3, In: 4}})
		l.Emit(ctx, eventlog.Event{Event: eventlog.CheckEnd, Check: "MGR-X-001", Verdict: "fail", Reason: "accepted"})
		for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
			var v any
			Expect(json.Unmarshal([]byte(line), &v)).To(Succeed())
			Expect(sch.Validate(v)).To(Succeed(), line)
		}
		var v any
		Expect(json.Unmarshal([]byte(`{"time":"2026-01-01T00:00:00Z","event":"check-end","check":"X"}`), &v)).To(Succeed())
		Expect(sch.Validate(v)).NotTo(Succeed(), "a check-end without its verdict")
	})

	It("never interleaves lines written concurrently", func() {
		var b bytes.Buffer
		l := eventlog.New(&b)
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				l.Emit(context.Background(), eventlog.Event{Event: eventlog.Request, Message: strings.Repeat("x", i*100)})
			}()
		}
		wg.Wait()
		Expect(decode(&b)).To(HaveLen(50))
	})

	It("keeps the first write error and writes nothing after it", func() {
		w := &failingWriter{}
		l := eventlog.New(w)
		l.Emit(context.Background(), eventlog.Event{Event: eventlog.RunStart})
		l.Emit(context.Background(), eventlog.Event{Event: eventlog.RunEnd})
		Expect(l.Err()).To(MatchError("disk full"))
		Expect(w.n).To(Equal(1))
	})

	It("does nothing, and does not fail, when nil", func() {
		var l *eventlog.Log
		l.Emit(context.Background(), eventlog.Event{Event: eventlog.RunStart})
		Expect(l.Err()).NotTo(HaveOccurred())
		Expect(l.NextConn()).To(BeZero())
	})
})

var _ = Describe("Conn", func() {
	It("counts the bytes each way and writes its connect and close events once", func() {
		a, b := net.Pipe()
		DeferCleanup(b.Close)
		var buf bytes.Buffer
		l := eventlog.New(&buf)
		c := l.Track(eventlog.WithCheck(context.Background(), "MGR-DOS-001"), a, eventlog.Out)
		go func() {
			defer GinkgoRecover()
			p := make([]byte, 5)
			_, err := b.Read(p)
			Expect(err).NotTo(HaveOccurred())
			_, err = b.Write([]byte("abc"))
			Expect(err).NotTo(HaveOccurred())
		}()
		_, err := c.Write([]byte("hello"))
		Expect(err).NotTo(HaveOccurred())
		p := make([]byte, 3)
		_, err = c.Read(p)
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Close()).To(Succeed())
		_ = c.Close()
		evs := decode(&buf)
		Expect(evs).To(HaveLen(2))
		Expect(evs[0].Event).To(Equal(eventlog.Connect))
		Expect(evs[1].Event).To(Equal(eventlog.Close))
		Expect(evs[1].Conn).To(Equal(evs[0].Conn))
		Expect(evs[1].Check).To(Equal("MGR-DOS-001"))
		Expect(*evs[1].Wire).To(Equal(eventlog.Wire{Out: 5, In: 3}))
	})

	It("closes the connections still open when asked, each once, and forgets those closed", func() {
		var buf bytes.Buffer
		l := eventlog.New(&buf)
		var peers []net.Conn
		var conns []*eventlog.Conn
		for range 3 {
			a, b := net.Pipe()
			peers = append(peers, b)
			conns = append(conns, l.Track(context.Background(), a, eventlog.In))
		}
		DeferCleanup(func() {
			for _, p := range peers {
				_ = p.Close()
			}
		})
		Expect(conns[1].Close()).To(Succeed())
		Expect(l.CloseOpen()).To(Equal(2))
		Expect(l.CloseOpen()).To(Equal(0))
		closes := map[int64]int{}
		for _, e := range decode(&buf) {
			if e.Event == eventlog.Close {
				closes[e.Conn]++
			}
		}
		Expect(closes).To(Equal(map[int64]int{conns[0].ID(): 1, conns[1].ID(): 1, conns[2].ID(): 1}))
		_, err := conns[0].Write([]byte("x"))
		Expect(err).To(HaveOccurred(), "the connection itself is closed")
	})
})
