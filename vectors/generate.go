// Package vectors holds idmefcheck's IDMEFv2 test vectors and loads, lints and runs them.
package vectors

//go:generate go run ./internal/gen
