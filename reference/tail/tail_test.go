package tail_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/tail"
)

const (
	waitTimeout = 5 * time.Second
	poll        = 5 * time.Millisecond
)

func appendTo(path, text string) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	Expect(err).NotTo(HaveOccurred())
	_, err = f.WriteString(text)
	Expect(err).NotTo(HaveOccurred())
	Expect(f.Close()).To(Succeed())
}

func texts(ls []tail.Line) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = string(l.Data)
		if l.TooLong {
			out[i] = "<too long>"
		}
	}
	return out
}

// collect reads lines until it has n of them.
func collect(ctx context.Context, r *tail.Reader, n int) func() ([]string, error) {
	var got []string
	return func() ([]string, error) {
		if len(got) >= n {
			return got, nil
		}
		short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		defer cancel()
		ls, err := r.Next(short, n-len(got))
		got = append(got, texts(ls)...)
		if err != nil && short.Err() == nil {
			return got, err
		}
		return got, nil
	}
}

var _ = Describe("Reader", func() {
	ctx := context.Background()
	var dir, path string
	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		path = filepath.Join(dir, "eve.json")
	})
	open := func(from *tail.Position, follow bool) *tail.Reader {
		r, err := tail.Open(ctx, path, from, tail.Options{Follow: follow, Poll: poll, MaxLine: 64})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(r.Close)
		return r
	}

	When("not following", func() {
		It("returns every line, the last one without a line end too, then io.EOF", func() {
			appendTo(path, "a\r\nb\n\nc")
			r := open(nil, false)
			ls, err := r.Next(ctx, 10)
			Expect(err).NotTo(HaveOccurred())
			Expect(texts(ls)).To(Equal([]string{"a", "b", "", "c"}))
			_, err = r.Next(ctx, 10)
			Expect(err).To(MatchError(io.EOF))
		})

		It("skips a line longer than the limit and says so", func() {
			appendTo(path, "a\n"+strings.Repeat("x", 200)+"\nb\n")
			r := open(nil, false)
			ls, err := r.Next(ctx, 10)
			Expect(err).NotTo(HaveOccurred())
			Expect(texts(ls)).To(Equal([]string{"a", "<too long>", "b"}))
			Expect(ls[1].Number).To(Equal(2))
		})
	})

	It("resumes exactly after the last line whose position was saved", func() {
		appendTo(path, "a\nb\nc\n")
		r := open(nil, false)
		ls, err := r.Next(ctx, 2)
		Expect(err).NotTo(HaveOccurred())
		saved, err := tail.UnmarshalPosition(tail.MarshalPosition(ls[1].End))
		Expect(err).NotTo(HaveOccurred())
		r2 := open(saved, false)
		ls, err = r2.Next(ctx, 10)
		Expect(err).NotTo(HaveOccurred())
		Expect(texts(ls)).To(Equal([]string{"c"}))
	})

	When("following", func() {
		It("waits for lines appended later, and for the end of an unfinished line", func() {
			appendTo(path, "a\n")
			r := open(nil, true)
			next := collect(ctx, r, 3)
			Eventually(next).WithTimeout(waitTimeout).Should(Equal([]string{"a"}))
			appendTo(path, "b\nc")
			Consistently(next).WithTimeout(50 * time.Millisecond).Should(Equal([]string{"a", "b"}))
			appendTo(path, "\n")
			Eventually(next).WithTimeout(waitTimeout).Should(Equal([]string{"a", "b", "c"}))
		})

		It("finishes a file renamed away, then reads the new file at the path from its beginning", func() {
			appendTo(path, "a\n")
			r := open(nil, true)
			next := collect(ctx, r, 4)
			Eventually(next).WithTimeout(waitTimeout).Should(Equal([]string{"a"}))
			appendTo(path, "b\n")
			Expect(os.Rename(path, path+".1")).To(Succeed())
			appendTo(path+".1", "c\n")
			appendTo(path, "d\n")
			Eventually(next).WithTimeout(waitTimeout).Should(Equal([]string{"a", "b", "c", "d"}))
		})

		It("starts again from the beginning of a file truncated in place", func() {
			appendTo(path, "a\nb\n")
			r := open(nil, true)
			next := collect(ctx, r, 3)
			Eventually(next).WithTimeout(waitTimeout).Should(Equal([]string{"a", "b"}))
			Expect(os.Truncate(path, 0)).To(Succeed())
			appendTo(path, "c\n")
			Eventually(next).WithTimeout(waitTimeout).Should(Equal([]string{"a", "b", "c"}))
		})

		It("waits for a file that does not exist yet", func() {
			done := make(chan *tail.Reader, 1)
			go func() {
				defer GinkgoRecover()
				r, err := tail.Open(ctx, path, nil, tail.Options{Follow: true, Poll: poll})
				Expect(err).NotTo(HaveOccurred())
				done <- r
			}()
			appendTo(path, "a\n")
			var r *tail.Reader
			Eventually(done).WithTimeout(waitTimeout).Should(Receive(&r))
			DeferCleanup(r.Close)
			Eventually(collect(ctx, r, 1)).WithTimeout(waitTimeout).Should(Equal([]string{"a"}))
		})

		It("returns the context's error when it ends while waiting", func() {
			appendTo(path, "")
			r := open(nil, true)
			short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
			defer cancel()
			_, err := r.Next(short, 1)
			Expect(err).To(MatchError(context.DeadlineExceeded))
		})
	})

	When("the file was rotated while nobody was reading", func() {
		It("reads the rest of the old file from its saved position, found by its identity, then the new one", func() {
			appendTo(path, "a\nb\n")
			r := open(nil, false)
			ls, err := r.Next(ctx, 1)
			Expect(err).NotTo(HaveOccurred())
			saved := ls[0].End
			Expect(os.Rename(path, path+".1")).To(Succeed())
			appendTo(path, "c\n")
			r2 := open(&saved, true)
			Eventually(collect(ctx, r2, 2)).WithTimeout(waitTimeout).Should(Equal([]string{"b", "c"}))
		})

		It("reads the new file from its beginning when the old one is gone", func() {
			appendTo(path, "a\nb\n")
			r := open(nil, false)
			ls, err := r.Next(ctx, 1)
			Expect(err).NotTo(HaveOccurred())
			saved := ls[0].End
			Expect(os.Remove(path)).To(Succeed())
			appendTo(path, "c\n")
			r2 := open(&saved, false)
			ls, err = r2.Next(ctx, 10)
			Expect(err).NotTo(HaveOccurred())
			Expect(texts(ls)).To(Equal([]string{"c"}))
		})
	})

	It("reads a stream to its end", func() {
		r := tail.NewStream(strings.NewReader("a\nb"), tail.Options{})
		ls, err := r.Next(ctx, 10)
		Expect(err).NotTo(HaveOccurred())
		Expect(texts(ls)).To(Equal([]string{"a", "b"}))
		_, err = r.Next(ctx, 10)
		Expect(err).To(MatchError(io.EOF))
	})
})
