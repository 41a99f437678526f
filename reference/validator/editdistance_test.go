package validator_test

import (
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/validator"
)

// levenshtein is the textbook full table over runes, ignoring case: the reference the
// bounded, early-exiting distance of the did-you-mean searches is held to.
func levenshtein(a, b string) int {
	ra, rb := []rune(strings.ToLower(a)), []rune(strings.ToLower(b))
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
		}
	}
	return d[len(ra)][len(rb)]
}

var _ = Describe("the did-you-mean distance", func() {
	It("is the Levenshtein distance ignoring case when within the limit, and limit+1 beyond it", func() {
		r := rand.New(rand.NewPCG(1, 2))
		alphabets := []string{"abcAB.", "aéÉß.z"}
		word := func(alpha []rune) string {
			n := r.IntN(12)
			out := make([]rune, n)
			for i := range out {
				out[i] = alpha[r.IntN(len(alpha))]
			}
			return string(out)
		}
		for i := range 20000 {
			alpha := []rune(alphabets[i%len(alphabets)])
			a, b, limit := word(alpha), word(alpha), r.IntN(5)
			want := min(levenshtein(a, b), limit+1)
			Expect(validator.EditDistanceWithin(a, b, limit)).To(Equal(want), "%q %q limit %d", a, b, limit)
		}
	})

	It("names keywords one or two edits away, as before", func() {
		Expect(validator.EditDistanceWithin("Recon.Netword", "Recon.Network", 2)).To(Equal(1))
		Expect(validator.EditDistanceWithin("RECON.NETWORK", "Recon.Network", 0)).To(Equal(0))
		Expect(validator.EditDistanceWithin("Abuse.Extermism", "Abuse.Extremism", 3)).To(Equal(2))
		Expect(validator.EditDistanceWithin(strings.Repeat("a", 201), "a", 3)).To(Equal(4), "too long to compare")
	})
})

var _ = Describe("the did-you-mean search", func() {
	r := rand.New(rand.NewPCG(3, 4))
	word := func(alpha []rune, maxLen int) string {
		out := make([]rune, r.IntN(maxLen+1))
		for i := range out {
			out[i] = alpha[r.IntN(len(alpha))]
		}
		return string(out)
	}
	alphabets := []string{"abcdeAB.-_ ", "aéÉßİı.z", "abcdefghijklmnopqrstuvwxyz0123456789.ABCDEFGHIJKLMNOPQRSTUVWXYZ"}

	It("bounds the edit distance from below by the characters' bag distance", func() {
		for i := range 20000 {
			alpha := []rune(alphabets[i%len(alphabets)])
			a, b := word(alpha, 14), word(alpha, 14)
			Expect(validator.BagDistance(a, b)).To(BeNumerically("<=", levenshtein(a, b)), "%q %q", a, b)
		}
		// 64 bins: characters 64 apart share one, which only lowers the bound.
		Expect(validator.BagDistance("a", "!")).To(Equal(0))
		Expect(validator.BagDistance("Recon.Network", "Malware.Virus")).To(BeNumerically(">", 3))
	})

	It("suggests what the definition says, whatever its shortcuts rule out", func() {
		for i := range 3000 {
			alpha := []rune(alphabets[i%len(alphabets)])
			cands := make([]string, 1+r.IntN(40))
			for j := range cands {
				cands[j] = word(alpha, 16)
			}
			s := word(alpha, 16)
			if r.IntN(2) == 0 { // a near miss of a candidate: one edit, or its case and punctuation
				c := []rune(cands[r.IntN(len(cands))])
				if len(c) > 0 {
					c[r.IntN(len(c))] = alpha[r.IntN(len(alpha))]
				}
				s = string(c)
			}
			Expect(validator.Nearest(s, cands)).To(Equal(nearestByDefinition(s, cands)), "%q in %q", s, cands)
		}
	})

	It("finds keywords a few edits away, and refuses to pick between equally near ones", func() {
		cats := []string{"Recon.Network", "Recon.Scanning", "Malware.Virus", "Abuse.Extremism", "Other.ext-value"}
		for _, near := range []func(string, []string) string{validator.Nearest, nearestByDefinition} {
			Expect(near("Recon.Netword", cats)).To(Equal("Recon.Network"))
			Expect(near("recon network", cats)).To(Equal("Recon.Network"), "the same up to case and punctuation")
			Expect(near("Abuse.Extermism", cats)).To(Equal("Abuse.Extremism"))
			Expect(near("Nothing.Close", cats)).To(BeEmpty())
			Expect(near("2.D.V09", []string{"2.D.V04", "2.D.V08"})).To(BeEmpty(), "a tie")
			Expect(near(strings.Repeat("x", 1<<16), cats)).To(BeEmpty(), "too long for a bag")
		}
	})
})

// nearestByDefinition is the did-you-mean search as its documentation states it, with the
// full table for every candidate: the first other candidate that is the same up to case,
// spaces and punctuation; else the one candidate nearest in edits, if within the limit
// (a fifth of the length, 1 to 3) and not tied.
func nearestByDefinition(s string, cands []string) string {
	norm := func(x string) string {
		return strings.Map(func(r rune) rune {
			if r == ' ' || r == '_' || r == '-' || r == '.' {
				return -1
			}
			return unicode.ToLower(r)
		}, x)
	}
	for _, c := range cands {
		if c != s && norm(c) == norm(s) {
			return c
		}
	}
	limit := max(1, min(3, utf8.RuneCountInString(s)/5))
	var near []string // the other candidates at the least distance within the limit
	least := limit
	for _, c := range cands {
		if c == s {
			continue
		}
		switch d := levenshtein(s, c); {
		case d < least:
			near, least = []string{c}, d
		case d == least:
			near = append(near, c)
		}
	}
	if len(near) != 1 {
		return ""
	}
	return near[0]
}
