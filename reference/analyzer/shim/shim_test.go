package shim_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gleak"

	"github.com/idmefcheck/idmefcheck/reference/analyzer/shim"
	"github.com/idmefcheck/idmefcheck/schema"
)

const replyTimeout = 5 * time.Second

var v *shim.Validator

var _ = BeforeSuite(func() {
	set, err := schema.Load()
	Expect(err).NotTo(HaveOccurred())
	v, err = shim.NewValidator(set)
	Expect(err).NotTo(HaveOccurred())
})

var _ = BeforeEach(func() {
	snapshot := gleak.Goroutines()
	DeferCleanup(func() {
		Eventually(gleak.Goroutines).WithTimeout(replyTimeout).ShouldNot(gleak.HaveLeaked(snapshot))
	})
})

// producer is a fake analyzer: scenario "basic" works, "crash" fails, anything else is skipped.
type producer struct {
	stopped bool
	emits   []string
}

func (p *producer) Start(context.Context) (shim.Started, error) {
	return shim.Started{Implementation: shim.Implementation{Name: "fake", Version: "0"},
		Capabilities: shim.Capabilities{Scenarios: []string{"basic"}, Versions: []string{"2.D.V08"}, Delivery: []string{"push"}}}, nil
}

func (p *producer) Emit(_ context.Context, scenario string, count int) ([]string, error) {
	p.emits = append(p.emits, scenario)
	switch scenario {
	case "basic":
		ids := make([]string, count)
		for i := range ids {
			ids[i] = fmt.Sprintf("id-%d", i)
		}
		return ids, nil
	case "crash":
		return nil, errors.New("the product crashed")
	}
	return nil, &shim.SkipError{Reason: "scenario " + scenario + " is not supported", IssueURL: "https://example.com/issues/1"}
}

func (p *producer) Stop(context.Context) error {
	p.stopped = true
	return nil
}

// session runs Serve on pipes and returns a client to it and Serve's result.
func session(p shim.Producer) (*shim.Client, io.WriteCloser, chan error) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	exited := make(chan struct{})
	go func() {
		err := shim.Serve(context.Background(), inR, outW, p, v)
		outW.Close()
		inR.Close()
		done <- err
		close(exited)
	}()
	DeferCleanup(func() {
		inW.Close()
		outR.Close()
		Eventually(exited).WithTimeout(replyTimeout).Should(BeClosed())
	})
	return shim.NewClient(inW, outR, v), inW, done
}

var _ = Describe("Serve and Client", func() {
	ctx := context.Background()

	It("starts, emits with the seq echoed, and stops", func() {
		p := &producer{}
		c, _, done := session(p)
		s, err := c.Start(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Version).To(Equal(shim.Version))
		Expect(s.Capabilities.Scenarios).To(Equal([]string{"basic"}))
		for seq := int64(1); seq <= 3; seq++ {
			r, err := c.Emit(ctx, "basic", 2)
			Expect(err).NotTo(HaveOccurred())
			Expect(r.Seq).To(Equal(seq))
			Expect(r.Outcome()).To(Equal("emitted"))
			Expect(r.IDs).To(Equal([]string{"id-0", "id-1"}))
		}
		Expect(c.Stop()).To(Succeed())
		Eventually(done).WithTimeout(replyTimeout).Should(Receive(BeNil()))
		Expect(p.stopped).To(BeTrue())
	})

	It("answers skipped for what the analyzer cannot produce, and errored when it fails", func() {
		c, _, _ := session(&producer{})
		_, err := c.Start(ctx)
		Expect(err).NotTo(HaveOccurred())
		r, err := c.Emit(ctx, "time-travel", 1)
		Expect(err).NotTo(HaveOccurred())
		Expect(r).To(Equal(shim.Reply{Seq: 1, Skipped: true, Message: "scenario time-travel is not supported", IssueURL: "https://example.com/issues/1"}))
		r, err = c.Emit(ctx, "crash", 1)
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Outcome()).To(Equal("errored"))
		Expect(r.Context.Message).To(Equal("the product crashed"))
		Expect(shim.Describe(r)).To(Equal("errored: the product crashed"))
	})

	It("answers errored to an emit before start", func() {
		p := &producer{}
		c, _, _ := session(p)
		r, err := c.Emit(ctx, "basic", 1)
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Context.Message).To(Equal("emit before start"))
		Expect(p.emits).To(BeEmpty())
	})

	It("stops the analyzer when the harness goes away without stop", func() {
		p := &producer{}
		c, in, done := session(p)
		_, err := c.Start(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(in.Close()).To(Succeed())
		Eventually(done).WithTimeout(replyTimeout).Should(Receive(BeNil()))
		Expect(p.stopped).To(BeTrue())
	})

	DescribeTable("ends with a protocol error on a request the schema refuses",
		func(line string, reply string) {
			out := &strings.Builder{}
			err := shim.Serve(ctx, strings.NewReader(`{"cmd":"start","version":1}`+"\n"+line+"\n"), out, &producer{}, v)
			Expect(err).To(MatchError(shim.ErrProtocol))
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if reply == "" {
				Expect(lines).To(HaveLen(1), "only started was written")
			} else {
				Expect(lines[len(lines)-1]).To(MatchRegexp(reply))
			}
		},
		Entry("not JSON", `{"cmd":`, ""),
		Entry("an unknown command", `{"cmd":"dialect","seq":1}`, ""),
		Entry("an emit without count", `{"cmd":"emit","seq":4,"scenario":"basic"}`, `^\{"seq":4,"errored":true,"context":\{"message":"shim: shim.schema.json: /: missing properties: 'count'`),
		Entry("an emit with a negative seq", `{"cmd":"emit","seq":-1,"scenario":"basic","count":1}`, ""),
		Entry("a start of another version", `{"cmd":"start","version":2}`, ""),
		Entry("a second start", `{"cmd":"start","version":1}`, ""),
	)
})

var _ = Describe("the protocol's schema", func() {
	DescribeTable("accepts each message of docs/shim.md",
		func(line string) { Expect(v.Check([]byte(line))).To(Succeed()) },
		Entry("start", `{"cmd":"start","version":1}`),
		Entry("emit", `{"cmd":"emit","seq":7,"scenario":"time-edge","count":3}`),
		Entry("stop", `{"cmd":"stop"}`),
		Entry("started", `{"version":1,"implementation":{"name":"ExampleIDS","version":"7.2","vendor":"Example","language":"python","homepage":"https://example.com/ids"},"capabilities":{"scenarios":["basic","unicode"],"versions":["2.D.V08"],"delivery":["push"]}}`),
		Entry("emitted", `{"seq":7,"ids":["019bbd04-3058-7f18-a015-7772c49fbe4c"]}`),
		Entry("skipped", `{"seq":7,"skipped":true,"message":"ExampleIDS has no attachments","issue_url":"https://example.com/issues/12"}`),
		Entry("errored", `{"seq":7,"errored":true,"context":{"message":"the sensor did not answer","stderr":"connection refused"}}`),
	)
	DescribeTable("refuses malformed messages",
		func(line string) { Expect(v.Check([]byte(line))).To(MatchError(shim.ErrProtocol)) },
		Entry("an emitted reply with no IDs", `{"seq":7,"ids":[]}`),
		Entry("a reply both skipped and emitted", `{"seq":7,"ids":["a"],"skipped":true,"message":"x"}`),
		Entry("skipped false", `{"seq":7,"skipped":false,"message":"x"}`),
		Entry("an errored reply without context", `{"seq":7,"errored":true}`),
		Entry("an unknown member", `{"cmd":"stop","now":true}`),
		Entry("a scenario name with capitals", `{"cmd":"emit","seq":1,"scenario":"Basic","count":1}`),
		Entry("a count of zero", `{"cmd":"emit","seq":1,"scenario":"basic","count":0}`),
		Entry("a started reply of another version", `{"version":2,"implementation":{"name":"x","version":"1"},"capabilities":{"scenarios":[],"versions":["2.D.V08"],"delivery":["push"]}}`),
	)
})
