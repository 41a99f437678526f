package cli

import "strings"

func joinComma(xs []string) string { return strings.Join(xs, ", ") }
