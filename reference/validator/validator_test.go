package validator_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/message"
	"github.com/idmefcheck/idmefcheck/reference/validator"
)

var _ = Describe("The base messages", func() {
	It("validate the 2.D.V08 base with zero findings under strict", func() {
		res := v08().strict()
		Expect(res.Findings).To(BeEmpty())
		Expect(res.Valid).To(BeTrue())
		Expect(res.Version).To(Equal("2.D.V08"))
	})

	It("validate the 2.D.V08 base with zero findings under official", func() {
		res := v08().official()
		Expect(res.Findings).To(BeEmpty())
		Expect(res.Valid).To(BeTrue())
	})

	It("validate the 2.D.V04 base with zero findings under both profiles", func() {
		expectClean(v04().bytes())
		Expect(v04().strict().Version).To(Equal("2.D.V04"))
	})

	It("validate the 2.D.V08 base as written, with newlines and indentation", func() {
		expectClean([]byte(baseV08))
	})
})

var _ = Describe("validator.New", func() {
	When("given zero Options", func() {
		It("validates under the strict profile with the default limits", func() {
			v := newValidator(validator.Options{})
			Expect(v.Options().Profile).To(Equal(validator.Strict))
			Expect(v.Options().Limits).To(Equal(message.DefaultLimits()))
			Expect(v.Options().Version).To(BeEmpty())
		})
	})

	When("given an unknown profile", func() {
		It("returns an error naming it", func() {
			set, err := loadSet()
			Expect(err).NotTo(HaveOccurred())
			_, err = validator.New(set, validator.Options{Profile: "lenient"})
			Expect(err).To(MatchError(ContainSubstring(`"lenient"`)))
		})
	})

	When("forced to an unknown revision", func() {
		It("returns an error listing the supported revisions", func() {
			set, err := loadSet()
			Expect(err).NotTo(HaveOccurred())
			_, err = validator.New(set, validator.Options{Version: "2.D.V09"})
			Expect(err).To(MatchError(And(ContainSubstring(`"2.D.V09"`), ContainSubstring(supported))))
		})
	})
})

var _ = Describe("validator.ParseProfile", func() {
	DescribeTable("reads the profile names",
		func(name string, want validator.Profile) {
			Expect(validator.ParseProfile(name)).To(Equal(want))
		},
		Entry("strict", "strict", validator.Strict),
		Entry("official", "official", validator.Official),
	)

	It("rejects any other name", func() {
		_, err := validator.ParseProfile("Strict")
		Expect(err).To(MatchError(ContainSubstring("want strict or official")))
	})
})

var _ = Describe("validator.Rules", func() {
	rules := validator.Rules()

	It("lists the rules sorted by ID, each once", func() {
		ids := make([]string, len(rules))
		for i, r := range rules {
			ids[i] = r.ID
		}
		Expect(slices.IsSorted(ids)).To(BeTrue(), "%v", ids)
		Expect(slices.Compact(slices.Clone(ids))).To(HaveLen(len(ids)))
	})

	It("gives every rule a title, requirements and a severity under each profile", func() {
		for _, r := range rules {
			Expect(r.Title).NotTo(BeEmpty(), r.ID)
			Expect(r.Requirements).NotTo(BeEmpty(), r.ID)
			Expect(r.Strict).To(BeElementOf(validator.Error, validator.Warning), r.ID)
			Expect(r.Official).To(BeElementOf(validator.Error, validator.Warning), r.ID)
		}
	})

	It("makes no rule more severe under official than under strict", func() {
		for _, r := range rules {
			if r.Official == validator.Error {
				Expect(r.Strict).To(Equal(validator.Error), r.ID)
			}
		}
	})

	It("leaves the official verdict to the schema, the JSON text and the revision's choice", func() {
		for _, r := range rules {
			if r.Official == validator.Error {
				Expect(r.ID).To(Or(HavePrefix("json."), HavePrefix("version."), HavePrefix("schema.")), r.ID)
			}
		}
	})

	It("returns a copy that callers may change", func() {
		mine := validator.Rules()
		mine[0].Requirements[0] = "changed"
		mine[0].Strict = "changed"
		r, ok := validator.LookupRule(mine[0].ID)
		Expect(ok).To(BeTrue())
		Expect(r.Requirements[0]).NotTo(Equal("changed"))
		Expect(r.Strict).NotTo(Equal(validator.Severity("changed")))
	})

	It("covers every rule of the table with a breaking and a near-correct spec in this suite", func() {
		for _, r := range rules {
			c, ok := covered[r.ID]
			Expect(ok).To(BeTrue(), "no spec describes %s", r.ID)
			Expect(c.reported).To(BeNumerically(">=", 1), "no message breaks %s", r.ID)
			Expect(c.ignored).To(BeNumerically(">=", 1), "no near-correct message for %s", r.ID)
			Expect([]validator.Severity{c.strict, c.official}).To(Equal([]validator.Severity{r.Strict, r.Official}), "severities of %s", r.ID)
		}
		for id := range covered {
			_, ok := validator.LookupRule(id)
			Expect(ok).To(BeTrue(), "the suite describes %s, which the table lacks", id)
		}
	})
})

var _ = Describe("validator.LookupRule", func() {
	It("finds a rule by ID", func() {
		r, ok := validator.LookupRule("time.calendar")
		Expect(ok).To(BeTrue())
		Expect(r.Requirements).To(ContainElement("IDMEF2-3.3.2-1"))
	})

	It("reports an unknown ID as absent", func() {
		_, ok := validator.LookupRule("time.calender")
		Expect(ok).To(BeFalse())
	})
})

var _ = Describe("Result.Counts", func() {
	It("counts errors and warnings", func() {
		res := v08().set("/Target/0/Port/0", num("0")).set("/Analyzer/Hostname", "ids01").set("/ID", randomID).strict()
		errs, warns := res.Counts()
		Expect([]int{errs, warns}).To(Equal([]int{1, 2}))
	})

	It("counts the same findings as warnings under official", func() {
		res := v08().set("/Target/0/Port/0", num("0")).set("/Analyzer/Hostname", "ids01").set("/ID", randomID).official()
		errs, warns := res.Counts()
		Expect([]int{errs, warns}).To(Equal([]int{0, 3}))
	})
})

var _ = Describe("Validator.ValidateProblem", Label("IDMEF2-5.8-1"), func() {
	When("a stream reader found an overlong line", func() {
		It("reports the size limit alone and no revision", func() {
			v := newValidator(validator.Options{Profile: validator.Official})
			res := v.ValidateProblem(message.Problem{Code: message.TooLarge, Fatal: true, Detail: "line 3 is 9 MiB long"})
			Expect(res.Findings).To(ConsistOf(And(finding("json.limit-size", "", validator.Error), HaveField("Message", "line 3 is 9 MiB long"))))
			Expect(res.Valid).To(BeFalse())
			Expect(res.Version).To(BeEmpty())
		})
	})

	When("the problem is not marked fatal", func() {
		It("still judges no value", func() {
			v := newValidator(validator.Options{})
			res := v.ValidateProblem(message.Problem{Code: message.TooLarge, Detail: "too long"})
			Expect(rulesOf(res)).To(Equal([]string{"json.limit-size"}))
		})
	})
})

var _ = Describe("Findings", func() {
	When("a message breaks rules in several places", func() {
		var res validator.Result
		BeforeEach(func() {
			m := v08()
			for i := 1; i <= 10; i++ {
				m.set("/Source/-", map[string]any{"ID": fmt.Sprintf("0194608e-3c5a-7b21-9f3e-5d2c8a1b4e%02d", i), "Port": []any{num("22")}})
			}
			m.set("/Source/10/Port/0", num("0")).set("/Source/2/Port/0", num("0")).
				set("/CreateTime", "2016-12-31T23:59:60").set("/Analyzer/Hostname", "ids01")
			res = m.strict()
		})

		It("sorts them by pointer, array indices as numbers, then by rule", func() {
			type at struct{ Pointer, Rule string }
			var got []at
			for _, f := range res.Findings {
				got = append(got, at{f.Pointer, f.Rule})
			}
			Expect(got).To(Equal([]at{
				{"/Analyzer/Hostname", "hostname.fqdn"},
				{"/CreateTime", "time.leap-second-unverifiable"},
				{"/CreateTime", "time.offset-missing"},
				{"/Source/2/Port/0", "number.port-range"},
				{"/Source/10/Port/0", "number.port-range"},
			}))
		})

		It("marks findings about decoded values with the offset -1", func() {
			Expect(res.Findings).To(HaveEach(HaveField("Offset", BeEquivalentTo(-1))))
		})
	})

	When("findings concern the text as a whole and a value", func() {
		It("puts the text's first", func() {
			res := validate(append([]byte(bom), v08().set("/Analyzer/Hostname", "ids01").bytes()...), validator.Strict)
			Expect(rulesOf(res)).To(Equal([]string{"json.bom", "hostname.fqdn"}))
		})
	})
})

var _ = Describe("A Validator shared between goroutines", func() {
	It("gives each message the result it gives when used from one goroutine", func() {
		messages := [][]byte{
			v08().bytes(),
			v04().bytes(),
			v08().set("/CreateTime", "2100-02-29T12:00:00").bytes(),
			v08().set("/Target/0/IP", "fe80::1%eth0").set("/Target/0/Port/0", num("443.0")).bytes(),
			v08().set("/Category", []any{"Other.ext-value"}).set("/Attachment/0/Size", num("54")).bytes(),
			v08().set("/AggrCondition", []any{"CeaseTime", "Source(0).IP"}).del("/StartTime").bytes(),
			v08().set("/Version", "2.D.V09").bytes(),
			append([]byte(bom), v08().set("/ID", randomID).bytes()...),
			v04().set("/Confidence", num("1.5")).set("/ext-Category", "x").bytes(),
			[]byte(nested(300)),
			v08().set("/createTime", "2025-01-14T15:58:47Z").set("/Category", []any{"Recon.Netword"}).bytes(),
			v08().set("/Attachment/-", secondAttachment("scan1")).set("/Source/0/TI/0", "Dshield").bytes(),
			[]byte(strings.Repeat(" ", 3)),
			v08().set("/Sensor/0/CaptureZone", "lobby").set("/Analyzer/GeoLocation", "91,0").bytes(),
			v08().set("/StartTime", "2025-01-14T16:00:00+01:00").bytes(),
			v08().set("/Attachment/0/Hash/0", "md5:"+contentMD5).bytes(),
		}
		v := newValidator(validator.Options{})
		want := make([]validator.Result, len(messages))
		for i, m := range messages {
			want[i] = v.Validate(m)
		}

		const workers, rounds = 8, 5
		got := make([][]validator.Result, workers)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer GinkgoRecover()
				defer wg.Done()
				for range rounds {
					for i := w; i < len(messages); i += workers {
						got[w] = append(got[w], v.Validate(messages[i]))
					}
				}
			}()
		}
		wg.Wait()

		for w := range workers {
			k := 0
			for range rounds {
				for i := w; i < len(messages); i += workers {
					Expect(got[w][k]).To(Equal(want[i]), "message %d in goroutine %d", i, w)
					k++
				}
			}
		}
	})
})
