package validator_test

import (
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
