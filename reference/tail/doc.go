// Package tail reads lines from a file as `tail -F` does: from a saved position, through
// rotation (the path comes to name a new file) and truncation, waiting for more at the end;
// and from a plain stream such as standard input.
package tail
