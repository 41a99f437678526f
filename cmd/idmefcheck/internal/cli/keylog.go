package cli

import (
	"fmt"
	"io"
	"os"
)

// keyLogHelp is the --keylog flag's help, the same on every command that makes or accepts
// TLS connections.
const keyLogHelp = "write the TLS session secrets of every connection to FILE (NSS key log format, for Wireshark/tshark); anyone with FILE can decrypt the traffic"

// keyLogText is the paragraph the commands' long help share (docs/cli.md, docs/keylog.md).
const keyLogText = `--keylog FILE appends the TLS session secrets of every connection to FILE in the NSS key
log format (SSLKEYLOGFILE), so that a capture of the traffic opens decrypted in Wireshark or
tshark (-o tls.keylog_file:FILE; docs/keylog.md). It is off by default and prints a warning
on standard error when on: whoever holds FILE can read every alert and signature exchanged.`

// openKeyLog opens the key log file for appending, readable by its owner only, and warns on
// stderr that the secrets are being written. The caller closes it after the last
// connection.
func openKeyLog(path string, stderr io.Writer) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("--keylog: %w", err)
	}
	fmt.Fprintf(stderr, "idmefcheck: WARNING: --keylog: the TLS session secrets of every connection are written to %s.\n"+
		"idmefcheck: WARNING: anyone who holds that file can decrypt a capture of this traffic, every alert and signature in it.\n"+
		"idmefcheck: WARNING: use it only to debug, never in production, and delete the file when done.\n", path)
	return f, nil
}
