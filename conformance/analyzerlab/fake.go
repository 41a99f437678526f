package analyzerlab

import (
	"bytes"
	"context"
	"crypto/tls"

	"io"
	"net/http"
	"time"

	"github.com/idmefcheck/idmefcheck/reference/analyzer/alert"
	"github.com/idmefcheck/idmefcheck/reference/analyzer/shim"
	"github.com/idmefcheck/idmefcheck/reference/transport"
	"github.com/idmefcheck/idmefcheck/schema"
)

// Fake is a small analyzer for known-bad variants the reference analyzer's switches do not
// reach: it builds the scenarios' alerts with the reference builder, lets Mutate spoil them,
// and pushes each in its own POST, retrying the same bytes until a 2xx (a 4xx drops it).
type Fake struct {
	// Builder adjusts how alerts are built (IDs, timestamps).
	Builder alert.Options
	// Mutate changes each message's bytes before it is sent; nil sends them as built.
	Mutate func(scenario string, msg []byte) []byte
	// HTTP1 speaks HTTP/1.1 only; NoKeepAlive opens a connection per request.
	HTTP1, NoKeepAlive bool
	// DropOnError forgets a message whose delivery failed for want of an answer (no
	// connection, no response), instead of sending it again.
	DropOnError bool
}

type fakeProducer struct {
	b      *alert.Builder
	f      *Fake
	client *http.Client
	url    string
	queue  chan []byte
}

func (l *Lab) startFake(ctx context.Context, set *schema.Set, o Options, url string) (shim.Producer, error) {
	cert, roots, err := l.identity()
	if err != nil {
		return nil, err
	}
	b, err := alert.NewBuilder(set, "", alert.Self{Name: "lab.fake-analyzer", IP: "192.0.2.11", Hostname: "fake.idmefcheck.test"}, o.Fake.Builder)
	if err != nil {
		return nil, err
	}
	cfg := transport.ClientConfig(cert, transport.Policy{Roots: roots}, "localhost")
	tr := &http.Transport{TLSClientConfig: cfg, ForceAttemptHTTP2: !o.Fake.HTTP1, DisableKeepAlives: o.Fake.NoKeepAlive}
	if o.Fake.HTTP1 {
		cfg.NextProtos = []string{"http/1.1"}
		tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	}
	p := &fakeProducer{b: b, f: o.Fake, client: &http.Client{Transport: tr, Timeout: 10 * time.Second}, url: url, queue: make(chan []byte, 100_000)}
	l.closed = append(l.closed, func() error { tr.CloseIdleConnections(); return nil })
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		p.send(ctx)
	}()
	return p, nil
}

func (p *fakeProducer) Start(context.Context) (shim.Started, error) {
	return shim.Started{Version: shim.Version, Implementation: shim.Implementation{Name: "idmefcheck fake analyzer", Version: "dev"},
		Capabilities: shim.Capabilities{Scenarios: alert.ScenarioNames(), Versions: []string{alert.DefaultVersion}, Delivery: []string{"push"}}}, nil
}

func (p *fakeProducer) Emit(ctx context.Context, scenario string, count int) ([]string, error) {
	ids := make([]string, 0, count)
	for i := range count {
		a, err := p.b.Scenario(scenario, i, count)
		if err != nil {
			return nil, &shim.SkipError{Reason: err.Error()}
		}
		data := a.Data
		if p.f.Mutate != nil {
			data = p.f.Mutate(scenario, data)
		}
		ids = append(ids, a.ID)
		select {
		case p.queue <- data:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return ids, nil
}

func (p *fakeProducer) Stop(context.Context) error { return nil }

// send delivers the queue one message at a time, each until a 2xx or a 4xx.
func (p *fakeProducer) send(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case msg := <-p.queue:
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(msg))
				req.Header.Set("Content-Type", "application/json")
				res, err := p.client.Do(req)
				if err != nil && p.f.DropOnError {
					break
				}
				if err == nil {
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode < 500 && res.StatusCode != http.StatusTooManyRequests {
						break
					}
				}
				select {
				case <-ctx.Done():
				case <-time.After(300 * time.Millisecond):
				}
			}
		}
	}
}
