package validator

import (
	"strconv"
	"strings"
)

// protocolLayers places well-known protocol names (as the IANA service registry and common
// usage spell them) on the OSI layers, to judge the order of a stacked Source.Protocol list.
// Names not listed are left out of the judgement.
var protocolLayers = map[string]int{
	"ethernet": 2, "eth": 2, "arp": 2, "ppp": 2, "vlan": 2, "mpls": 2, "wlan": 2, "wifi": 2,
	"ip": 3, "ipv4": 3, "ipv6": 3, "icmp": 3, "icmpv6": 3, "igmp": 3,
	"tcp": 4, "udp": 4, "sctp": 4, "dccp": 4,
	"tls": 5, "ssl": 5, "dtls": 5, "quic": 5,
	"http": 7, "https": 7, "http2": 7, "http3": 7, "dns": 7, "domain": 7, "smtp": 7, "ftp": 7,
	"ssh": 7, "telnet": 7, "imap": 7, "pop3": 7, "ldap": 7, "snmp": 7, "sip": 7, "rdp": 7,
	"smb": 7, "microsoft-ds": 7, "nfs": 7, "ntp": 7, "dhcp": 7, "bgp": 7, "modbus": 7, "dnp3": 7,
	"mqtt": 7, "coap": 7, "kerberos": 7, "radius": 7, "syslog": 7, "irc": 7, "xmpp": 7,
}

// tunnelProtocols carry a whole stack inside another, so a list naming one may legitimately
// go back down the layers (ip, udp, vxlan, ethernet, ip, tcp).
var tunnelProtocols = map[string]bool{
	"gre": true, "vxlan": true, "geneve": true, "ipip": true, "l2tp": true, "gtp": true, "gtp-u": true,
	"teredo": true, "6to4": true, "ipsec": true, "esp": true, "ah": true, "wireguard": true, "openvpn": true,
}

// checkProtocolOrder judges a stacked protocol list: lowest layer first (IDMEF2-5.5-3).
func (c *checker) checkProtocolOrder(at loc, obj val) {
	list := obj.member("Protocol")
	prevLayer, prevName := 0, ""
	for it := list.items(); it.next(); {
		if s, ok := it.v.str(); ok && tunnelProtocols[lowerASCII(s)] {
			return
		}
	}
	for it := list.items(); it.next(); {
		i := it.i
		s, ok := it.v.str()
		if !ok {
			continue
		}
		layer, known := protocolLayers[lowerASCII(s)]
		if !known {
			continue
		}
		if layer < prevLayer {
			c.add(RuleProtocolOrder, nil, at.field("Protocol").ptr()+"/"+strconv.Itoa(i),
				"%s.Protocol lists %s (layer %d) after %s (layer %d); stacked protocols go from the lowest layer to the highest, e.g. [\"ip\", \"tcp\", \"http\"]",
				at.where(), quote(s), layer, quote(prevName), prevLayer)
			return
		}
		prevLayer, prevName = layer, s
	}
}

// registeredTopLevel are the top-level media types of the IANA registry (RFC 6838 and its
// updates).
var registeredTopLevel = map[string]bool{
	"application": true, "audio": true, "example": true, "font": true, "haptics": true, "image": true,
	"message": true, "model": true, "multipart": true, "text": true, "video": true,
}

// largeContent is the size above which embedded content draws the recommendation to use
// ExternalURI instead. The draft gives no figure; 256 KiB is a hundred times an alert's own
// data, and a fortieth of the 8 MiB a message may take.
const largeContent = 256 << 10

func (c *checker) checkAttachmentMedia(at loc, obj val) {
	// A value outside the MEDIATYPE syntax has no top-level type to judge; the schema's
	// pattern has said what is wrong.
	if ct, ok := obj.member("ContentType").str(); ok && c.isMediaType(ct) {
		top, _, _ := strings.Cut(ct, "/")
		if !registeredTopLevel[lowerASCII(strings.TrimSpace(top))] {
			c.add(RuleMediaType, nil, at.field("ContentType").ptr(), "%s.ContentType %s has the top-level type %s, which IANA does not register; the draft prefers registered media types", at.where(), quote(ct), quote(top))
		}
	}
	if s, ok := obj.member("Content").str(); ok && len(s) > largeContent {
		c.add(RuleLargeContent, nil, at.field("Content").ptr(), "%s.Content embeds %d bytes; the draft recommends referencing large content with ExternalURI instead", at.where(), len(s))
	}
}

func (c *checker) isMediaType(s string) bool {
	t := c.revRules.mediaType
	return t == nil || t.Match(s)
}

// checkLocatable asks for more than a name: R4766-7.9 wants the analyzer found again later.
func (c *checker) checkLocatable(at loc, obj val) {
	for _, f := range []string{"IP", "Hostname", "Location", "GeoLocation", "UnLocation"} {
		if obj.has(f) {
			return
		}
	}
	c.add(RuleLocatable, nil, at.ptr(), "Analyzer gives a Name but nothing that locates it (IP, Hostname, Location, GeoLocation or UnLocation); R4766-7.9 asks that the reporting analyzer can be identified and located later")
}

// checkImpact: R4766-7.7 asks every alert for the possible impact on the target. IDMEFv2 has
// no impact field; Priority, defined from impact and urgency, is the nearest.
func (c *checker) checkImpact(obj val) {
	if !c.revRules.hasPriority {
		return
	}
	if !obj.has("Priority") {
		c.add(RuleImpact, nil, "/Priority", "the alert has no Priority; R4766-7.7 asks every alert for the possible impact on the target, and IDMEFv2 carries it only in Priority (combining impact and urgency)")
	}
}

// lowerASCII lower-cases ASCII letters, allocating only when there is one to change.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}
