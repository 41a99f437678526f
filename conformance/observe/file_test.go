package observe_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/conformance/observe"
)

// bare is an observation line of a bare message with the given ID.
func bare(id string) string { return fmt.Sprintf(`{"Version":"2.D.V08","ID":%q}`+"\n", id) }

var _ = Describe("File", func() {
	var (
		dir, path string
		ctx       = context.Background()
	)
	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		path = filepath.Join(dir, "observed.ndjson")
	})
	appendTo := func(p, text string) {
		GinkgoHelper()
		fh, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		Expect(err).NotTo(HaveOccurred())
		_, err = fh.WriteString(text)
		Expect(err).NotTo(HaveOccurred())
		Expect(fh.Close()).To(Succeed())
	}
	seen := func(f *observe.File, ids ...string) []string {
		GinkgoHelper()
		got, err := f.Lookup(ctx, ids...)
		Expect(err).NotTo(HaveOccurred())
		var out []string
		for _, id := range ids {
			if len(got[observe.Key(id)]) > 0 {
				out = append(out, id)
			}
		}
		return out
	}

	It("reads only what was appended after it was opened", func() {
		appendTo(path, bare("old-1")+bare("old-2"))
		f, err := observe.OpenFile(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(seen(f, "old-1", "old-2")).To(BeEmpty())
		appendTo(path, bare("new-1"))
		Expect(seen(f, "old-1", "new-1")).To(Equal([]string{"new-1"}))
	})

	It("reads the whole file with FromStart", func() {
		appendTo(path, bare("old-1"))
		f := observe.FromStart(path)
		Expect(seen(f, "old-1")).To(Equal([]string{"old-1"}))
	})

	It("waits for a file that does not exist yet, then reads it whole", func() {
		f, err := observe.OpenFile(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(seen(f, "a")).To(BeEmpty())
		appendTo(path, bare("a"))
		Expect(seen(f, "a")).To(Equal([]string{"a"}))
	})

	It("finds IDs whatever their case, keyed by Key, with the place of each", func() {
		f, err := observe.OpenFile(path)
		Expect(err).NotTo(HaveOccurred())
		appendTo(path, "\n"+bare("019BBD04-ABCD")+bare("019bbd04-abcd"))
		got, err := f.Lookup(ctx, "019bbd04-ABCD")
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(HaveLen(1))
		obs := got[observe.Key("019BBD04-abcd")]
		Expect(obs).To(HaveLen(2), "a repeat is a second observation")
		Expect(obs[0].Where).To(Equal(path + ":2"))
		Expect(obs[1].Where).To(Equal(path + ":3"))
	})

	It("keeps a partial last line until its newline arrives", func() {
		f, err := observe.OpenFile(path)
		Expect(err).NotTo(HaveOccurred())
		line := bare("half")
		appendTo(path, line[:10])
		Expect(seen(f, "half")).To(BeEmpty())
		Expect(f.Problems()).To(BeEmpty(), "half a line is no problem yet")
		appendTo(path, line[10:len(line)-1])
		Expect(seen(f, "half")).To(BeEmpty())
		appendTo(path, "\n")
		Expect(seen(f, "half")).To(Equal([]string{"half"}))
		Expect(f.Problems()).To(BeEmpty())
	})

	It("drops the rest of a line that was being written when it was opened", func() {
		appendTo(path, bare("done")+`{"ID":"begun`)
		f, err := observe.OpenFile(path)
		Expect(err).NotTo(HaveOccurred())
		appendTo(path, `-before"}`+"\n"+bare("after"))
		Expect(seen(f, "begun-before", "after")).To(Equal([]string{"after"}))
		Expect(f.Problems()).To(BeEmpty(), "the tail of an earlier line is not read as a line")
	})

	It("records unreadable lines with file and line, and goes on", func() {
		appendTo(path, bare("before"))
		f, err := observe.OpenFile(path)
		Expect(err).NotTo(HaveOccurred())
		appendTo(path, "not json\n"+bare("ok")+`{"Version":"2.D.V08"}`+"\n")
		Expect(seen(f, "ok")).To(Equal([]string{"ok"}))
		Expect(f.Problems()).To(ConsistOf(
			HavePrefix(path+":2: not a JSON object"),
			HavePrefix(path+":4: neither an envelope"),
		))
	})

	It("starts over on a truncated file, keeping what it saw", func() {
		f, err := observe.OpenFile(path)
		Expect(err).NotTo(HaveOccurred())
		appendTo(path, bare("first")+bare("second"))
		Expect(seen(f, "first", "second")).To(HaveLen(2))
		Expect(os.Truncate(path, 0)).To(Succeed())
		appendTo(path, "oops\n"+bare("third"))
		Expect(seen(f, "first", "third")).To(Equal([]string{"first", "third"}))
		Expect(f.Problems()).To(ConsistOf(HavePrefix(path+":1: ")), "lines count from the start again")
	})

	It("starts over on a file rewritten in place beyond the size it had", func() {
		f, err := observe.OpenFile(path)
		Expect(err).NotTo(HaveOccurred())
		appendTo(path, bare("aaaa"))
		Expect(seen(f, "aaaa")).To(HaveLen(1))
		// Truncated and written again, longer, between two lookups.
		Expect(os.WriteFile(path, []byte(bare("bbbb")+bare("cccc")), 0o644)).To(Succeed())
		Expect(seen(f, "aaaa", "bbbb", "cccc")).To(Equal([]string{"aaaa", "bbbb", "cccc"}))
		Expect(f.Problems()).To(BeEmpty())
	})

	It("reads a new file renamed in place of the old one whole", func() {
		appendTo(path, bare("old"))
		f, err := observe.OpenFile(path)
		Expect(err).NotTo(HaveOccurred())
		appendTo(path, bare("x1"))
		Expect(seen(f, "x1")).To(HaveLen(1))
		// A rotation: the new file is longer than the old one read so far.
		next := filepath.Join(dir, "next.ndjson")
		appendTo(next, bare("r1")+bare("r2")+bare("r3")+bare("r4"))
		Expect(os.Rename(next, path)).To(Succeed())
		Expect(seen(f, "x1", "r1", "r4")).To(Equal([]string{"x1", "r1", "r4"}))
		appendTo(path, bare("r5"))
		Expect(seen(f, "r5")).To(Equal([]string{"r5"}))
		got, _ := f.Lookup(ctx, "r1")
		Expect(got[observe.Key("r1")]).To(HaveLen(1), "nothing is read twice")
	})

	It("names the file in its description", func() {
		Expect(observe.FromStart("/x/y.ndjson").Describe()).To(Equal("file /x/y.ndjson"))
	})
})
