package harness_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	. "github.com/onsi/gomega/gstruct"

	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/report"
)

const (
	leakTimeout = 5 * time.Second
	// short is a check deadline or grace long enough for a check that returns at once and
	// short enough to keep the suite fast.
	short = 100 * time.Millisecond
	// settle is how long Consistently watches for a bound to be broken.
	settle = 150 * time.Millisecond
)

// check builds a check definition for the runner; the runner does not validate.
func check(id string, run func(ctx context.Context, t *harness.T) harness.Outcome) harness.Check {
	return harness.Check{ID: id, Title: "title " + id, Requirements: []string{"R-" + id}, Level: "MUST", Role: harness.RoleManager,
		Category: "cat", Timeout: 5 * time.Second, Doc: "doc", Run: run}
}

// run runs checks to the end in the background and returns a channel of the results.
func runAsync(ctx context.Context, r *harness.Runner, checks []harness.Check) <-chan []report.Result {
	out := make(chan []report.Result, 1)
	go func() {
		defer GinkgoRecover()
		res, _ := r.Run(ctx, checks)
		out <- res
	}()
	return out
}

// blocker is a check body that waits for release (ignoring its context: a badly written
// check) and counts how many of its kind are running.
type blocker struct {
	release chan struct{}
	running atomic.Int32
	most    atomic.Int32
	ran     atomic.Int32
}

func newBlocker() *blocker {
	b := &blocker{release: make(chan struct{})}
	DeferCleanup(func() {
		select {
		case <-b.release:
		default:
			close(b.release)
		}
	})
	return b
}

func (b *blocker) run(context.Context, *harness.T) harness.Outcome {
	n := b.running.Add(1)
	defer b.running.Add(-1)
	b.ran.Add(1)
	for {
		m := b.most.Load()
		if n <= m || b.most.CompareAndSwap(m, n) {
			break
		}
	}
	<-b.release
	return harness.Passf("released")
}

var _ = Describe("Runner", func() {
	It("returns one result per check, in the order given, with what the check recorded", func() {
		checks := []harness.Check{
			check("MGR-B-001", func(_ context.Context, t *harness.T) harness.Outcome {
				t.Evidence("request", "first", "POST /")
				t.Notef("saw %d", 204)
				t.Expect("204", "204")
				return harness.Passf("stored %s", "it")
			}),
			check("MGR-A-001", func(context.Context, *harness.T) harness.Outcome {
				return harness.Failf("wrong-status", "answered %d", 500)
			}),
		}
		r := &harness.Runner{Parallel: 4}
		res, probes := r.Run(context.Background(), checks)
		Expect(probes).To(BeEmpty())
		Expect(res).To(HaveLen(2))
		Expect(res[0]).To(MatchFields(IgnoreExtras, Fields{
			"ID": Equal("MGR-B-001"), "Title": Equal("title MGR-B-001"), "Requirements": Equal([]string{"R-MGR-B-001"}),
			"Level": Equal("MUST"), "Category": Equal("cat"), "Verdict": Equal(report.Pass), "Reason": Equal("ok"),
			"Message": Equal("stored it"), "Expected": Equal("204"), "Actual": Equal("204"),
			"Evidence": Equal([]report.Evidence{{Kind: "request", Label: "first", Text: "POST /"}, {Kind: "note", Text: "saw 204"}}),
		}))
		Expect(res[0].Started.Location()).To(Equal(time.UTC))
		Expect(res[1]).To(MatchFields(IgnoreExtras, Fields{
			"ID": Equal("MGR-A-001"), "Verdict": Equal(report.Fail), "Reason": Equal("wrong-status"), "Message": Equal("answered 500"),
			"Evidence": BeEmpty(),
		}))
		Expect(res[1].Evidence).NotTo(BeNil(), "evidence is [] in JSON, not null")
	})

	It("runs no more checks at once than Parallel allows, and uses that many", func() {
		b := newBlocker()
		var checks []harness.Check
		for i := range 9 {
			checks = append(checks, check(fmt.Sprintf("MGR-P-%03d", i), b.run))
		}
		done := runAsync(context.Background(), &harness.Runner{Parallel: 3}, checks)
		Eventually(b.running.Load).Should(BeEquivalentTo(3))
		Consistently(b.running.Load).WithTimeout(settle).Should(BeEquivalentTo(3))
		close(b.release)
		var res []report.Result
		Eventually(done).Should(Receive(&res))
		Expect(b.most.Load()).To(BeEquivalentTo(3))
		Expect(b.ran.Load()).To(BeEquivalentTo(9))
		for _, x := range res {
			Expect(x.Verdict).To(Equal(report.Pass), x.ID)
		}
	})

	It("treats a Parallel below 1 as 1", func() {
		b := newBlocker()
		checks := []harness.Check{check("MGR-P-001", b.run), check("MGR-P-002", b.run)}
		done := runAsync(context.Background(), &harness.Runner{}, checks)
		Eventually(b.running.Load).Should(BeEquivalentTo(1))
		Consistently(b.running.Load).WithTimeout(settle).Should(BeEquivalentTo(1))
		close(b.release)
		Eventually(done).Should(Receive(HaveLen(2)))
		Expect(b.most.Load()).To(BeEquivalentTo(1))
	})

	It("runs serial checks alone, one at a time, after every concurrent check has ended", func() {
		var (
			mu     sync.Mutex
			events []string
			active int
			alone  = true
		)
		body := func(serial bool) func(context.Context, *harness.T) harness.Outcome {
			return func(context.Context, *harness.T) harness.Outcome {
				mu.Lock()
				active++
				if serial && active != 1 {
					alone = false
				}
				events = append(events, fmt.Sprintf("start serial=%v", serial))
				mu.Unlock()
				time.Sleep(10 * time.Millisecond) // give an overlap the chance to show
				mu.Lock()
				active--
				events = append(events, fmt.Sprintf("end serial=%v", serial))
				mu.Unlock()
				return harness.Passf("ok")
			}
		}
		var checks []harness.Check
		for i := range 8 {
			c := check(fmt.Sprintf("MGR-S-%03d", i), body(i%3 == 0))
			c.Serial = i%3 == 0 // 0, 3, 6 interleaved with the others in the list
			checks = append(checks, c)
		}
		res, _ := (&harness.Runner{Parallel: 4}).Run(context.Background(), checks)
		Expect(res).To(HaveLen(8))
		Expect(alone).To(BeTrue(), "a serial check ran beside another: %v", events)
		firstSerial := -1
		for i, e := range events {
			if e == "start serial=true" && firstSerial < 0 {
				firstSerial = i
			}
		}
		Expect(firstSerial).To(Equal(10), "every concurrent check (5) started and ended before the first serial one: %v", events)
		for i, x := range res {
			Expect(x.ID).To(Equal(checks[i].ID))
		}
	})

	It("ends a check needing an option not claimed as not applicable without running it", func() {
		var ran atomic.Bool
		c := check("MGR-N-001", func(context.Context, *harness.T) harness.Outcome { ran.Store(true); return harness.Passf("") })
		c.Needs = []string{"dedup", "http2", "pull"}
		r := &harness.Runner{Claimed: func(o string) bool { return o == "http2" }}
		res, _ := r.Run(context.Background(), []harness.Check{c})
		Expect(ran.Load()).To(BeFalse())
		Expect(res[0]).To(MatchFields(IgnoreExtras, Fields{
			"Verdict": Equal(report.NotApplicable), "Reason": Equal("option-not-claimed"),
			"Message": Equal("the implementation statement does not claim dedup, pull"),
		}))
	})

	It("runs a check whose every need is claimed", func() {
		c := check("MGR-N-001", passing)
		c.Needs = []string{"http2"}
		res, _ := (&harness.Runner{Claimed: func(string) bool { return true }}).Run(context.Background(), []harness.Check{c})
		Expect(res[0].Verdict).To(Equal(report.Pass))
	})

	It("takes nothing as claimed without a Claimed function", func() {
		c := check("MGR-N-001", passing)
		c.Needs = []string{"http2"}
		res, _ := (&harness.Runner{}).Run(context.Background(), []harness.Check{c})
		Expect(res[0].Verdict).To(Equal(report.NotApplicable))
	})

	Context("when a check overruns its deadline", func() {
		It("gives up after the grace and ends it in a check-timeout error", func() {
			b := newBlocker()
			c := check("MGR-T-001", func(ctx context.Context, t *harness.T) harness.Outcome {
				t.Notef("waiting")
				return b.run(ctx, t)
			})
			c.Timeout = short
			start := time.Now()
			res, _ := (&harness.Runner{Grace: short}).Run(context.Background(), []harness.Check{c})
			elapsed := time.Since(start)
			Expect(elapsed).To(BeNumerically(">=", 2*short))
			Expect(elapsed).To(BeNumerically("<", 2*short+time.Second))
			Expect(res[0]).To(MatchFields(IgnoreExtras, Fields{
				"Verdict": Equal(report.Error), "Reason": Equal("check-timeout"),
				"Message": And(ContainSubstring("100ms deadline"), ContainSubstring("100ms of grace")),
			}))
			Expect(res[0].Evidence).To(ContainElement(report.Evidence{Kind: "note", Text: "waiting"}), "the evidence so far is kept")
		})

		It("caps the check's timeout with the runner's", func() {
			c := check("MGR-T-001", func(ctx context.Context, _ *harness.T) harness.Outcome {
				<-ctx.Done()
				return harness.Failf("gave-up", "%v", context.Cause(ctx))
			})
			c.Timeout = time.Hour
			start := time.Now()
			res, _ := (&harness.Runner{Timeout: short}).Run(context.Background(), []harness.Check{c})
			Expect(time.Since(start)).To(BeNumerically("<", time.Second))
			Expect(res[0].Reason).To(Equal("gave-up"))
		})

		It("turns a pass reported after the deadline into an error", func() {
			c := check("MGR-T-001", func(ctx context.Context, _ *harness.T) harness.Outcome {
				<-ctx.Done()
				return harness.Passf("nothing arrived")
			})
			c.Timeout = short
			res, _ := (&harness.Runner{}).Run(context.Background(), []harness.Check{c})
			Expect(res[0]).To(MatchFields(IgnoreExtras, Fields{
				"Verdict": Equal(report.Error), "Reason": Equal("check-timeout"),
				"Message": ContainSubstring("reported a pass after its 100ms deadline: nothing arrived"),
			}))
		})

		It("keeps a failure reported after the deadline", func() {
			c := check("MGR-T-001", func(ctx context.Context, _ *harness.T) harness.Outcome {
				<-ctx.Done()
				return harness.Failf("no-answer", "nothing within the deadline")
			})
			c.Timeout = short
			res, _ := (&harness.Runner{}).Run(context.Background(), []harness.Check{c})
			Expect(res[0].Verdict).To(Equal(report.Fail))
			Expect(res[0].Reason).To(Equal("no-answer"))
		})
	})

	It("ends a check that panicked in a harness-panic error with the panic and its stack", func() {
		c := check("MGR-X-001", func(context.Context, *harness.T) harness.Outcome { panic("boom") })
		res, _ := (&harness.Runner{}).Run(context.Background(), []harness.Check{c, check("MGR-X-002", passing)})
		Expect(res[0]).To(MatchFields(IgnoreExtras, Fields{
			"Verdict": Equal(report.Error), "Reason": Equal("harness-panic"),
			"Message": And(HavePrefix("the check panicked: boom"), ContainSubstring("runtime/debug.Stack")),
		}))
		Expect(res[1].Verdict).To(Equal(report.Pass), "the run goes on")
	})

	It("ends a check that returned no valid verdict in a harness-bug error", func() {
		res, _ := (&harness.Runner{}).Run(context.Background(), []harness.Check{
			check("MGR-X-001", func(context.Context, *harness.T) harness.Outcome { return harness.Outcome{} }),
			check("MGR-X-002", func(context.Context, *harness.T) harness.Outcome { return harness.Outcome{Verdict: "passed"} }),
		})
		for _, x := range res {
			Expect(x.Verdict).To(Equal(report.Error))
			Expect(x.Reason).To(Equal("harness-bug"))
		}
		Expect(res[1].Message).To(ContainSubstring(`"passed"`))
	})

	Context("with a sanity probe", func() {
		It("probes before the first check and after the last, and records both", func() {
			var calls []string
			var mu sync.Mutex
			c := check("MGR-A-001", func(context.Context, *harness.T) harness.Outcome {
				mu.Lock()
				calls = append(calls, "check")
				mu.Unlock()
				return harness.Passf("")
			})
			r := &harness.Runner{Sanity: func(context.Context) (string, error) {
				mu.Lock()
				calls = append(calls, "probe")
				mu.Unlock()
				return "204 No Content", nil
			}}
			res, probes := r.Run(context.Background(), []harness.Check{c})
			Expect(res[0].Verdict).To(Equal(report.Pass))
			Expect(calls).To(Equal([]string{"probe", "check", "probe"}))
			Expect(probes).To(HaveLen(2))
			Expect(probes[0]).To(MatchFields(IgnoreExtras, Fields{"When": Equal("before"), "OK": BeTrue(), "Detail": Equal("204 No Content")}))
			Expect(probes[1]).To(MatchFields(IgnoreExtras, Fields{"When": Equal("after"), "OK": BeTrue()}))
			Expect(probes[0].At.Location()).To(Equal(time.UTC))
		})

		It("records a failed probe after the checks with what it saw and why it failed", func() {
			n := 0
			r := &harness.Runner{Sanity: func(context.Context) (string, error) {
				n++
				if n == 2 {
					return "connection refused", errors.New("the target stopped answering")
				}
				return "204", nil
			}}
			res, probes := r.Run(context.Background(), []harness.Check{check("MGR-A-001", passing)})
			Expect(res[0].Verdict).To(Equal(report.Pass))
			Expect(probes[1]).To(MatchFields(IgnoreExtras, Fields{"When": Equal("after"), "OK": BeFalse(),
				"Detail": Equal("connection refused the target stopped answering")}))
		})

		It("runs no check when the probe before fails, ending each in a target-down error", func() {
			var ran atomic.Int32
			body := func(context.Context, *harness.T) harness.Outcome { ran.Add(1); return harness.Passf("") }
			na := check("MGR-A-002", body)
			na.Needs = []string{"pull"}
			var seen []string
			r := &harness.Runner{
				Sanity:   func(context.Context) (string, error) { return "", errors.New("connection refused") },
				OnResult: func(x report.Result) { seen = append(seen, x.ID) },
			}
			res, probes := r.Run(context.Background(), []harness.Check{check("MGR-A-001", body), na})
			Expect(ran.Load()).To(BeZero())
			Expect(probes).To(HaveLen(1), "no probe after: nothing ran")
			Expect(probes[0].OK).To(BeFalse())
			for _, x := range res {
				Expect(x.Verdict).To(Equal(report.Error), x.ID)
				Expect(x.Reason).To(Equal("target-down"), x.ID)
				Expect(x.Message).To(ContainSubstring("connection refused"))
			}
			Expect(seen).To(Equal([]string{"MGR-A-001", "MGR-A-002"}))
		})

		It("bounds the probe with ProbeTimeout", func() {
			r := &harness.Runner{ProbeTimeout: short, Sanity: func(ctx context.Context) (string, error) {
				<-ctx.Done()
				return "no answer", ctx.Err()
			}}
			start := time.Now()
			res, probes := r.Run(context.Background(), []harness.Check{check("MGR-A-001", passing)})
			Expect(time.Since(start)).To(BeNumerically("<", time.Second))
			Expect(probes[0].Detail).To(Equal("no answer context deadline exceeded"))
			Expect(res[0].Reason).To(Equal("target-down"))
		})
	})

	Context("when the run is interrupted", func() {
		It("ends the running check and every check not yet run as interrupted, and skips the probe after", func() {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			started := make(chan struct{})
			first := check("MGR-I-001", func(ctx context.Context, t *harness.T) harness.Outcome {
				close(started)
				<-ctx.Done()
				t.Notef("cut short")
				return harness.Failf("no-answer", "nothing came")
			})
			var ran atomic.Int32
			later := func(context.Context, *harness.T) harness.Outcome { ran.Add(1); return harness.Passf("") }
			serial := check("MGR-I-003", later)
			serial.Serial = true
			probes := 0
			r := &harness.Runner{Parallel: 1, Sanity: func(context.Context) (string, error) { probes++; return "ok", nil }}
			done := make(chan struct{})
			var res []report.Result
			var pr []report.Probe
			go func() {
				defer GinkgoRecover()
				defer close(done)
				res, pr = r.Run(ctx, []harness.Check{first, check("MGR-I-002", later), serial})
			}()
			Eventually(started).Should(BeClosed())
			cancel()
			Eventually(done).Should(BeClosed())
			Expect(ran.Load()).To(BeZero())
			for _, x := range res {
				Expect(x.Verdict).To(Equal(report.Error), x.ID)
				Expect(x.Reason).To(Equal("interrupted"), x.ID)
			}
			Expect(res[0].Message).To(ContainSubstring("while this check ran (it ended fail: nothing came)"))
			Expect(res[0].Evidence).To(ContainElement(report.Evidence{Kind: "note", Text: "cut short"}))
			Expect(res[1].Message).To(ContainSubstring("before this check ran"))
			Expect(pr).To(HaveLen(1))
			Expect(probes).To(Equal(1))
		})

		It("ends every check as interrupted, not target-down, when the probe before was cut short", func() {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			r := &harness.Runner{Sanity: func(ctx context.Context) (string, error) { return "", ctx.Err() }}
			res, _ := r.Run(ctx, []harness.Check{check("MGR-A-001", passing)})
			Expect(res[0].Reason).To(Equal("interrupted"))
		})
	})

	It("reports each start and end once, one call at a time", func() {
		var inside atomic.Int32
		var overlap atomic.Bool
		var starts, ends []string
		enter := func() {
			if inside.Add(1) > 1 {
				overlap.Store(true)
			}
			time.Sleep(time.Millisecond)
			inside.Add(-1)
		}
		r := &harness.Runner{Parallel: 8,
			OnStart:  func(c harness.Check) { enter(); starts = append(starts, c.ID) },
			OnResult: func(x report.Result) { enter(); ends = append(ends, x.ID) },
		}
		var checks []harness.Check
		var want []string
		for i := range 16 {
			id := fmt.Sprintf("MGR-C-%03d", i)
			checks = append(checks, check(id, passing))
			want = append(want, id)
		}
		r.Run(context.Background(), checks)
		Expect(overlap.Load()).To(BeFalse())
		Expect(starts).To(ConsistOf(want))
		Expect(ends).To(ConsistOf(want))
	})
})

var _ = Describe("T", func() {
	// evidenceOf runs one check that records text and returns the evidence kept.
	evidenceOf := func(text string) report.Evidence {
		c := check("MGR-E-001", func(_ context.Context, t *harness.T) harness.Outcome {
			t.Evidence("response", "body", text)
			return harness.Passf("")
		})
		res, _ := (&harness.Runner{}).Run(context.Background(), []harness.Check{c})
		Expect(res[0].Evidence).To(HaveLen(1))
		return res[0].Evidence[0]
	}

	It("keeps evidence up to MaxEvidence bytes whole", func() {
		text := strings.Repeat("x", harness.MaxEvidence)
		Expect(evidenceOf(text)).To(Equal(report.Evidence{Kind: "response", Label: "body", Text: text}))
	})

	It("cuts longer evidence at MaxEvidence and counts what it left out", func() {
		e := evidenceOf(strings.Repeat("x", 10*harness.MaxEvidence))
		Expect(e.Text).To(HaveLen(harness.MaxEvidence))
		Expect(e.Truncated).To(Equal(9 * harness.MaxEvidence))
	})

	It("never cuts a character in two, wherever the limit falls in it", func() {
		for _, r := range []string{"é", "€", "𝄞"} {
			for pad := range 4 {
				text := strings.Repeat("x", harness.MaxEvidence-pad) + strings.Repeat(r, 100)
				e := evidenceOf(text)
				Expect(e.Text).To(BeValidUTF8(), "%q after %d bytes", r, harness.MaxEvidence-pad)
				Expect(len(e.Text)).To(BeNumerically("<=", harness.MaxEvidence))
				Expect(len(e.Text)).To(BeNumerically(">", harness.MaxEvidence-len(r)))
				Expect(len(e.Text) + e.Truncated).To(Equal(len(text)))
				Expect(text).To(HavePrefix(e.Text))
			}
		}
	})

	It("cuts bytes that are not UTF-8 at the limit, not before", func() {
		e := evidenceOf(strings.Repeat("\x80", 2*harness.MaxEvidence))
		Expect(e.Text).To(HaveLen(harness.MaxEvidence))
		Expect(e.Truncated).To(Equal(harness.MaxEvidence))
	})

	It("keeps the last expected and actual values", func() {
		c := check("MGR-E-001", func(_ context.Context, t *harness.T) harness.Outcome {
			t.Expect("201", "500")
			t.Expect("204", "204")
			return harness.Passf("")
		})
		res, _ := (&harness.Runner{}).Run(context.Background(), []harness.Check{c})
		Expect(res[0].Expected).To(Equal("204"))
		Expect(res[0].Actual).To(Equal("204"))
	})

	It("takes evidence from several goroutines of a check", func() {
		c := check("MGR-E-001", func(_ context.Context, t *harness.T) harness.Outcome {
			var wg sync.WaitGroup
			for i := range 20 {
				wg.Go(func() { t.Notef("goroutine %d", i); t.Expect("x", fmt.Sprint(i)) })
			}
			wg.Wait()
			return harness.Passf("")
		})
		res, _ := (&harness.Runner{}).Run(context.Background(), []harness.Check{c})
		Expect(res[0].Evidence).To(HaveLen(20))
	})

	It("hands the check the runner's environment", func() {
		type env struct{ name string }
		var got any
		c := check("MGR-E-001", func(_ context.Context, t *harness.T) harness.Outcome { got = t.Env; return harness.Passf("") })
		(&harness.Runner{Env: &env{"lab"}}).Run(context.Background(), []harness.Check{c})
		Expect(got).To(Equal(&env{"lab"}))
	})
})

// BeValidUTF8 succeeds for a string that is valid UTF-8.
func BeValidUTF8() OmegaMatcher {
	return WithTransform(func(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }, BeTrue())
}
