package report

import (
	"fmt"
	"io"
	"strings"
)

// A Rendering is one way of writing a report: its format name, the file name `idmefcheck
// run` gives it in its output directory, and the writer.
type Rendering struct {
	Format string
	File   string
	Write  func(io.Writer, *Report) error
}

// Renderings lists every rendering, the canonical JSON first.
var Renderings = []Rendering{
	{"json", "report.json", writeJSON},
	{"junit", "report.xml", WriteJUnit},
	{"markdown", "report.md", WriteMarkdown},
	{"html", "report.html", WriteHTML},
}

// FormatNames lists the rendering formats, for flags and messages.
func FormatNames() []string {
	var s []string
	for _, r := range Renderings {
		s = append(s, r.Format)
	}
	return s
}

// RenderingOf finds a rendering by format name.
func RenderingOf(format string) (Rendering, error) {
	for _, r := range Renderings {
		if r.Format == format {
			return r, nil
		}
	}
	return Rendering{}, fmt.Errorf("report: unknown format %q (want %s)", format, strings.Join(FormatNames(), ", "))
}

func writeJSON(w io.Writer, r *Report) error {
	b, err := Marshal(r)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}
