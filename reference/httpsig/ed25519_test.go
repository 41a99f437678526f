package httpsig

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"math/big"

	g "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// These specs hold the fast path's Ed25519 (curve25519-voi with crypto/ed25519's rules) to
// crypto/ed25519 itself, which the library uses: the same signatures, and the same verdict on
// valid signatures, on damaged ones, and on the encodings where Ed25519 implementations are
// known to disagree (small-order points, non-canonical points and scalars, "Taming the many
// EdDSAs", Chalkias et al., 2020).
var _ = g.Describe("the fast path's Ed25519, against crypto/ed25519", g.Label("R4766-6.5"), func() {
	g.It("signs as crypto/ed25519 does and agrees on valid and damaged signatures", func() {
		v := &Verifier{}
		for range 200 {
			pub, priv, err := ed25519.GenerateKey(nil)
			Expect(err).NotTo(HaveOccurred())
			msg := make([]byte, 1+randInt(600))
			_, _ = rand.Read(msg)
			sig := sign(priv, msg)
			Expect(sig).To(Equal(ed25519.Sign(priv, msg)))
			Expect(v.verifyEd25519(pub, msg, sig)).To(BeTrue())
			for _, damaged := range [][]byte{flip(sig), sig[:63]} {
				Expect(v.verifyEd25519(pub, msg, damaged)).To(Equal(ed25519.Verify(pub, msg, damaged)))
			}
			other := flip(msg)
			Expect(v.verifyEd25519(pub, other, sig)).To(Equal(ed25519.Verify(pub, other, sig)))
			otherKey := ed25519.PublicKey(flip(pub))
			Expect(v.verifyEd25519(otherKey, msg, sig)).To(Equal(ed25519.Verify(otherKey, msg, sig)))
		}
	})

	g.It("agrees on every combination of small-order and non-canonical points and edge scalars", func() {
		points := edgePoints()
		pub, priv, _ := ed25519.GenerateKey(nil)
		msg := []byte("idmefcheck")
		valid := ed25519.Sign(priv, msg)
		keys := append([][]byte{pub}, points...)
		rs := append([][]byte{valid[:32]}, points...)
		ss := append([][]byte{valid[32:]}, edgeScalars()...)
		v := &Verifier{}
		accepted := 0
		for _, a := range keys {
			for _, r := range rs {
				for _, s := range ss {
					sig := append(append([]byte{}, r...), s...)
					want := ed25519.Verify(a, msg, sig)
					Expect(v.verifyEd25519(a, msg, sig)).To(Equal(want), "A %x R %x S %x", a, r, s)
					if want {
						accepted++
					}
				}
			}
		}
		Expect(accepted).To(BeNumerically(">", 1), "the cases include signatures that verify")
	})
})

func randInt(n int) int {
	b, _ := rand.Int(rand.Reader, big.NewInt(int64(n)))
	return int(b.Int64())
}

// flip returns b with one random bit changed.
func flip(b []byte) []byte {
	c := append([]byte{}, b...)
	i := randInt(len(c) * 8)
	c[i/8] ^= 1 << (i % 8)
	return c
}

// edgePoints are the eight small-order points' encodings and every non-canonical encoding of
// a y coordinate (y = p + k for k < 19), with either sign bit.
func edgePoints() [][]byte {
	var out [][]byte
	for _, h := range []string{
		"0100000000000000000000000000000000000000000000000000000000000000",
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"0000000000000000000000000000000000000000000000000000000000000000",
		"0000000000000000000000000000000000000000000000000000000000000080",
		"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
		"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
		"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
		"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
	} {
		b, _ := hex.DecodeString(h)
		out = append(out, b)
	}
	p := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	for k := range 19 {
		y := new(big.Int).Add(p, big.NewInt(int64(k)))
		for _, sign := range []byte{0, 0x80} {
			out = append(out, littleEndian(y, sign))
		}
	}
	return out
}

// edgeScalars are S values around 0 and the group order L, canonical or not.
func edgeScalars() [][]byte {
	l, _ := new(big.Int).SetString("7237005577332262213973186563042994240857116359379907606001950938285454250989", 10)
	var out [][]byte
	for _, s := range []*big.Int{big.NewInt(0), big.NewInt(1), new(big.Int).Sub(l, big.NewInt(1)), l, new(big.Int).Add(l, big.NewInt(1)),
		new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))} {
		out = append(out, littleEndian(s, 0))
	}
	return out
}

func littleEndian(n *big.Int, top byte) []byte {
	be := n.FillBytes(make([]byte, 32))
	le := make([]byte, 32)
	for i := range be {
		le[i] = be[31-i]
	}
	le[31] |= top
	return le
}
