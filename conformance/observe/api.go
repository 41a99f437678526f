package observe

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// API reads the reference operator API (docs/profile.md, "Operator API"): GET /v1/alerts
// with the free-text filter q, page by page.
type API struct {
	Base *url.URL
	// Client carries the harness's operator identity (mutual TLS); nil is
	// http.DefaultClient.
	Client *http.Client
}

// Describe names the channel.
func (a *API) Describe() string { return "api " + a.Base.String() }

type apiPage struct {
	Alerts []struct {
		Seq      int64           `json:"seq"`
		Analyzer string          `json:"analyzer"`
		ID       string          `json:"id"`
		Received time.Time       `json:"received"`
		Alert    json.RawMessage `json:"alert"`
	} `json:"alerts"`
	Next string `json:"next_cursor"`
}

// Lookup queries the API once per ID.
func (a *API) Lookup(ctx context.Context, ids ...string) (map[string][]Observation, error) {
	ix := index{}
	for _, id := range ids {
		cursor := ""
		for page := 0; ; page++ {
			q := url.Values{"q": {id}, "limit": {"500"}}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			u := a.Base.JoinPath("v1", "alerts")
			u.RawQuery = q.Encode()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
			if err != nil {
				return nil, err
			}
			client := a.Client
			if client == nil {
				client = http.DefaultClient
			}
			res, err := client.Do(req)
			if err != nil {
				return nil, fmt.Errorf("observation API: %w", err)
			}
			body, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
			res.Body.Close()
			if err != nil {
				return nil, fmt.Errorf("observation API %s: %w", u, err)
			}
			if res.StatusCode != http.StatusOK {
				return nil, fmt.Errorf("observation API %s: %s: %s", u, res.Status, strings.TrimSpace(string(body)))
			}
			var p apiPage
			if err := json.Unmarshal(body, &p); err != nil {
				return nil, fmt.Errorf("observation API %s: %w", u, err)
			}
			for _, al := range p.Alerts {
				if !strings.EqualFold(al.ID, id) {
					continue // the free-text filter also matches the ID inside other fields
				}
				ix.add(Observation{ID: al.ID, Analyzer: al.Analyzer, Received: al.Received, Message: []byte(al.Alert),
					Where: fmt.Sprintf("%s (seq %d)", u.Path, al.Seq)})
			}
			if p.Next == "" || page > 100 {
				break
			}
			cursor = p.Next
		}
	}
	return ix.pick(ids), nil
}
