package validator_test

import (
	"strings"

	"github.com/idmefcheck/idmefcheck/reference/validator"
)

// Strings whose form the drafts describe and the schemas leave free: threat-intelligence
// matches, a sensor's capture zone, host names.

var _ = describeRule("ti.format", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("Source[0].TI[0] has no origin", v08().set("/Source/0/TI/0", "Dshield").bytes(), "/Source/0/TI/0")
	r.reports("Source[0].TI[1] has an empty origin", v08().set("/Source/0/TI/-", "IP:").bytes(), "/Source/0/TI/1")
	r.ignores("Source[0].TI[0] is attribute:origin", v08().set("/Source/0/TI/0", "Hash:VirusTotal").bytes())
})

var _ = describeRule("sensor.capture-zone", validator.Warning, validator.Warning, func(r ruleSpec) {
	r.reports("Sensor[0].CaptureZone is plain text", v08().set("/Sensor/0/CaptureZone", "net 2001:db8::/64").bytes(), "/Sensor/0/CaptureZone")
	r.ignores("Sensor[0].CaptureZone is a JSON text", v08().bytes())
})

var _ = describeRule("hostname.fqdn", validator.Warning, validator.Warning, func(r ruleSpec) {
	r.reports("Analyzer.Hostname is a single label", v08().set("/Analyzer/Hostname", "ids01").bytes(), "/Analyzer/Hostname")
	r.reports("Target[0].Hostname is an IPv4 address", v08().set("/Target/0/Hostname", "192.0.2.80").bytes(), "/Target/0/Hostname")
	r.reports("Source[0].Hostname has a label starting with a hyphen", v08().set("/Source/0/Hostname", "-scanner.example.net").bytes(), "/Source/0/Hostname")
	r.reports("Sensor[0].Hostname has an underscore", v08().set("/Sensor/0/Hostname", "tap_01.example.com").bytes(), "/Sensor/0/Hostname")
	r.ignores("Analyzer.Hostname is fully qualified with the root dot", v08().set("/Analyzer/Hostname", "ids01.example.com.").bytes())
	r.ignores("Source[0].Hostname is empty, looked up and not found", v08().set("/Source/0/Hostname", "").bytes())
})

var _ = describeRule("protocol.order", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("Source[0].Protocol puts http below tcp", v08().set("/Source/0/Protocol", []any{"ip", "http", "tcp"}).bytes(), "/Source/0/Protocol/2")
	r.reports("Source[0].Protocol starts at the application", v08().set("/Source/0/Protocol", []any{"https", "ipv6"}).bytes(), "/Source/0/Protocol/1")
	r.ignores("Source[0].Protocol goes up from ip to http", v08().set("/Source/0/Protocol", []any{"ipv6", "tcp", "tls", "http"}).bytes())
	r.ignores("Source[0].Protocol goes back down inside a tunnel", v08().set("/Source/0/Protocol", []any{"ip", "udp", "vxlan", "ethernet", "ip", "tcp"}).bytes())
	r.ignores("Source[0].Protocol names protocols idmefcheck does not place", v08().set("/Source/0/Protocol", []any{"http", "my-proto"}).bytes())
})

var _ = describeRule("attachment.media-type", validator.Warning, validator.Warning, func(r ruleSpec) {
	r.reports("Attachment[0].ContentType has an unregistered top-level type", v08().set("/Attachment/0/ContentType", "x-capture/pcap").bytes(), "/Attachment/0/ContentType")
	r.ignores("Attachment[0].ContentType is text/plain", v08().bytes())
	r.ignores("Attachment[0].ContentType is no media type at all, which the schema reports", v08().set("/Attachment/0/ContentType", ".pcap").bytes())
	r.ignores("Attachment[0].ContentType is a vendor subtype of application", v08().set("/Attachment/0/ContentType", "application/vnd.tcpdump.pcap").bytes())
})

var _ = describeRule("attachment.large-content", validator.Warning, validator.Warning, func(r ruleSpec) {
	big := strings.Repeat("QUJD", 70000) // 280 KB of Base64
	r.reports("Attachment[0].Content embeds 280 KB", v08().set("/Attachment/0/Content", big).del("/Attachment/0/Hash").del("/Attachment/0/Size").bytes(), "/Attachment/0/Content")
	r.ignores("Attachment[0].Content embeds 72 bytes", v08().bytes())
})

var _ = describeRule("analyzer.locatable", validator.Warning, validator.Warning, func(r ruleSpec) {
	r.reports("the Analyzer has only a name", v08().del("/Analyzer/Hostname").del("/Analyzer/IP").del("/Analyzer/GeoLocation").bytes(), "/Analyzer")
	r.ignores("the Analyzer gives a Location only", v08().del("/Analyzer/Hostname").del("/Analyzer/IP").del("/Analyzer/GeoLocation").set("/Analyzer/Location", "rack 12").bytes())
	r.ignores("the Analyzer gives an IP", v08().bytes())
})

var _ = describeRule("content.impact", validator.Warning, validator.Warning, func(r ruleSpec) {
	r.reports("the alert has no Priority", v08().del("/Priority").bytes(), "/Priority")
	r.reports("a 2.D.V04 alert has no Priority", v04().del("/Priority").bytes(), "/Priority")
	r.ignores("the alert has Priority Unknown", v08().set("/Priority", "Unknown").bytes())
})
