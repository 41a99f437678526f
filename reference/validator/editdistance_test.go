package validator_test

import (
	"math/rand/v2"
	"strings"

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
