package validator_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/validator"
)

// IP values: the published pattern lets through forms RFC 4291 and RFC 5952 frown on.

var _ = describeRule("ip.zone", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("Target[0].IP carries the zone %eth0", v08().set("/Target/0/IP", "fe80::1%eth0").bytes(), "/Target/0/IP")
	r.ignores("Target[0].IP is the link-local address alone", v08().set("/Target/0/IP", "fe80::1").bytes())
})

var _ = describeRule("ip.syntax", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("Source[0].IP embeds an IPv4 address with a leading zero", v08().set("/Source/0/IP", "::ffff:01.1.1.1").bytes(), "/Source/0/IP")
	r.reports("Sensor[0].IP embeds the IPv4 octet 00 after four groups", v08().set("/Sensor/0/IP", "2001:db8:1:2::00.2.3.4").bytes(), "/Sensor/0/IP")
	r.ignores("Source[0].IP is the IPv4-mapped address ::ffff:192.0.2.1", v08().set("/Source/0/IP", "::ffff:192.0.2.1").bytes())
	r.ignores("Target[0].IP is a CIDR block, which the schema reports", v08().set("/Target/0/IP", "2001:db8::/32").bytes())
})

var _ = describeRule("ip.leading-zero", validator.Warning, validator.Warning, func(r ruleSpec) {
	r.reports("Source[0].IP is 010.1.1.1", v08().set("/Source/0/IP", "010.1.1.1").bytes(), "/Source/0/IP")
	r.reports("Analyzer.IP is 192.0.2.010", v08().set("/Analyzer/IP", "192.0.2.010").bytes(), "/Analyzer/IP")
	r.ignores("Source[0].IP is 10.1.1.1", v08().set("/Source/0/IP", "10.1.1.1").bytes())
	r.ignores("Source[0].IP is 0.0.0.0", v08().set("/Source/0/IP", "0.0.0.0").bytes())
})

var _ = describeRule("ip.noncanonical", validator.Warning, validator.Warning, func(r ruleSpec) {
	r.reports("Target[0].IP is in upper case", v08().set("/Target/0/IP", "2001:DB8::80").bytes(), "/Target/0/IP")
	r.reports("Target[0].IP writes out its zero groups", v08().set("/Target/0/IP", "2001:db8:0:0:0:0:0:80").bytes(), "/Target/0/IP")
	r.ignores("Target[0].IP is compressed and in lower case", v08().set("/Target/0/IP", "2001:db8::80").bytes())
})

var _ = Describe("IP values", Label("IDMEF2-3.3.6-1"), func() {
	DescribeTable("Target[0].IP's verdict under each profile",
		func(ip string, strictValid, officialValid bool, rules ...string) {
			expectVerdict(v08().set("/Target/0/IP", ip).bytes(), strictValid, officialValid, rules...)
		},
		Entry("IPv4", "192.0.2.1", true, true),
		Entry("IPv6 compressed", "2001:db8::1", true, true),
		Entry("IPv6 loopback", "::1", true, true),
		Entry("IPv6 in upper case", "2001:DB8::1", true, true, "ip.noncanonical"),
		Entry("IPv6 with a zone", "fe80::1%eth0", false, true, "ip.zone"),
		Entry("IPv4-mapped IPv6", "::ffff:192.0.2.1", true, true),
		Entry("an IPv6 CIDR block", "2001:db8::/32", false, false, "schema.pattern"),
		Entry("an IPv4 CIDR block", "192.0.2.0/24", false, false, "schema.pattern"),
		Entry("IPv4 with leading zeros", "010.1.1.1", true, true, "ip.leading-zero"),
		Entry("IPv4 with an octet of 256", "192.0.2.256", false, false, "schema.pattern"),
		Entry("a host name", "www.example.com", false, false, "schema.pattern"),
	)

	It("gives the canonical form of a noncanonical address", Label("IDMEF2-3.3.6-2"), func() {
		Expect(the(v08().set("/Target/0/IP", "2001:DB8::80").strict(), "ip.noncanonical").Message).To(ContainSubstring("write 2001:db8::80"))
	})
})
