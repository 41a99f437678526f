package managerrole

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/idmefcheck/idmefcheck/conformance/alerts"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/observe"
	"github.com/idmefcheck/idmefcheck/conformance/target"
)

// Addressing (R4766-4.2): alerts must flow whether the network is IPv4, IPv6 or both, so a
// manager claiming an address family must take alerts on it, and every alert must be able
// to name IPv6 hosts.

// ipv6Pairs are the Source and Target addresses of MGR-ADDR-003, one alert per pair: the
// text forms of RFC 4291 section 2.2 (compressed, full, mixed with an IPv4 tail), RFC 5952
// spellings and others (upper case), IPv4-mapped addresses in both notations, and special
// addresses. Zones are not IP values (IDMEF2-3.3.6-1), so none is sent.
var ipv6Pairs = []struct{ label, source, target string }{
	{"compressed", "2001:db8::1", "2001:db8:0:1::2"},
	{"full, with leading zeros", "2001:0db8:0000:0000:0000:ff00:0042:8329", "fe80:0000:0000:0000:0202:b3ff:fe1e:8329"},
	{"IPv4-mapped", "::ffff:192.0.2.128", "::ffff:c000:281"},
	{"upper case", "2001:DB8:85A3::8A2E:370:7334", "FE80::1"},
	{"loopback and unspecified", "::1", "::"},
	{"IPv4 tail (NAT64, documentation)", "64:ff9b::192.0.2.33", "2001:db8:0:0:1:0:0:1"},
}

func addrChecks() []harness.Check {
	return []harness.Check{
		listenerCheck("MGR-ADDR-001", "ipv4", "IPv4"),
		listenerCheck("MGR-ADDR-002", "ipv6", "IPv6"),
		check(harness.Check{
			ID: "MGR-ADDR-003", Title: "IPv6 addresses in alerts are accepted and kept",
			Requirements: []string{"R4766-4.2", "IDMEF2-2.2-1"}, Level: "MUST", Category: "addressing",
			Doc: "Sends alerts whose Source and Target name IPv6 hosts in every text form an IP value may take: compressed, full with leading zeros, with an IPv4 tail, IPv4-mapped (dotted and hex), upper case, loopback and unspecified. Each must be acknowledged and stored with Source and Target as sent: the same text when the channel shows the bytes received; otherwise the same addresses (a re-serialization may respell an address, but not change it, unmap it to IPv4 or drop it).",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			var cases []keptCase
			for _, p := range ipv6Pairs {
				m, o := makeAlert(e, alerts.Spec{Description: "idmefcheck IPv6 addresses: " + p.label, SourceIP: p.source, TargetIP: p.target})
				if o != nil {
					return *o
				}
				cases = append(cases, keptCase{Label: fmt.Sprintf("%s (%s, %s)", p.label, p.source, p.target), Msg: m,
					Fields: []string{"/Source", "/Target"}, SameString: sameAddress})
			}
			return deliverAndKeep(ctx, t, e, fmt.Sprintf("%d alerts naming IPv6 hosts", len(cases)), cases)
		}),
	}
}

// sameAddress compares two strings as IP addresses when both are addresses (zones
// included), as text otherwise.
func sameAddress(a, b string) bool {
	x, errA := netip.ParseAddr(a)
	y, errB := netip.ParseAddr(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return x == y
}

// listenerCheck is the check that every listener of an address family the statement claims
// acknowledges an alert and stores it.
func listenerCheck(id, family, name string) harness.Check {
	return check(harness.Check{
		ID: id, Title: "Alerts are acknowledged and stored over " + name,
		Requirements: []string{"R4766-4.2"}, Level: "MUST", Category: "addressing", Needs: []string{family},
		Doc: fmt.Sprintf("Finds the listeners reachable over %[1]s: each target URL whose host is an %[1]s literal, and for each target named by a DNS name, one %[1]s address the name resolves to (dialled directly, the certificate still checked against the name). Sends a valid alert to each; every one must be acknowledged and stored. Inconclusive when the statement claims %[2]s but no target can be reached over %[1]s.", name, family),
	}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
		tgs, notes := targetsOf(ctx, e, family)
		for _, n := range notes {
			t.Notef("%s", n)
		}
		if len(tgs) == 0 {
			t.Expect("at least one listener reachable over "+name, "none")
			return harness.Inconclusivef("no-target-for-family", "the statement claims %s, but no target URL is an %s literal or a name resolving to one", family, name)
		}
		var notAcked, notStored []string
		ids := map[string]*target.Target{}
		for _, tg := range tgs {
			m, o := makeAlert(e, alerts.Spec{Description: "idmefcheck over " + name + " to " + tg.Addr()})
			if o != nil {
				return *o
			}
			x := e.SendTo(ctx, t, tg, name+" listener "+tg.Addr(), target.Dial{}, target.Request{Body: m.Body, Sign: e.Signs()})
			if !x.Success() {
				notAcked = append(notAcked, fmt.Sprintf("%s: %s", tg.Addr(), x.Outcome()))
				continue
			}
			ids[m.ID] = tg
		}
		if len(notAcked) > 0 {
			t.Expect("each "+name+" listener acknowledges an alert", strings.Join(notAcked, "; "))
			return harness.Failf(reasonNotAcked, "%d of %d %s listeners did not acknowledge a valid alert: %s", len(notAcked), len(tgs), name, strings.Join(notAcked, "; "))
		}
		list := make([]string, 0, len(ids))
		for id := range ids {
			list = append(list, id)
		}
		got, err := e.Stored(ctx, list...)
		if err != nil {
			return observationOutcome(err)
		}
		for id, tg := range ids {
			if len(got[observe.Key(id)]) == 0 {
				notStored = append(notStored, fmt.Sprintf("%s: alert %s acknowledged but not found", tg.Addr(), id))
			}
		}
		if len(notStored) > 0 {
			t.Expect("each "+name+" listener's alert stored", strings.Join(notStored, "; "))
			return harness.Failf(reasonNotStored, "%s", strings.Join(notStored, "; "))
		}
		addrs := make([]string, len(tgs))
		for i, tg := range tgs {
			addrs[i] = tg.Addr()
		}
		t.Expect("each "+name+" listener acknowledges an alert and stores it", "all did: "+strings.Join(addrs, ", "))
		return harness.Passf("every %s listener (%s) acknowledged an alert and stored it", name, strings.Join(addrs, ", "))
	})
}

// targetsOf returns the listeners reachable over a family ("ipv4", "ipv6"): targets whose
// host is a literal of that family, and named targets re-pointed at one address of that
// family the name resolves to (the certificate is still checked against the name).
func targetsOf(ctx context.Context, e *Env, family string) ([]*target.Target, []string) {
	var out []*target.Target
	var notes []string
	network := map[string]string{"ipv4": "ip4", "ipv6": "ip6"}[family]
	for _, tg := range e.Targets {
		switch tg.Family() {
		case family:
			out = append(out, tg)
			continue
		case "":
		default:
			continue
		}
		host := tg.URL.Hostname()
		addrs, err := net.DefaultResolver.LookupNetIP(ctx, network, host)
		if err != nil || len(addrs) == 0 {
			notes = append(notes, fmt.Sprintf("%s has no %s address (%v)", host, family, err))
			continue
		}
		a := addrs[0].Unmap()
		if family == "ipv6" {
			a = addrs[0]
		}
		u := *tg.URL
		u.Host = net.JoinHostPort(a.String(), tg.URL.Port())
		tg2 := *tg
		tg2.URL = &u
		notes = append(notes, fmt.Sprintf("%s resolves to %s: dialling %s, checking the certificate for %q", host, a, u.Host, tg.ServerName))
		out = append(out, &tg2)
	}
	return out, notes
}
