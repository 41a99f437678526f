package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/idmefcheck/idmefcheck/reference/pki"
)

func pkiCommand() *Command {
	return &Command{
		Name:  "pki",
		Usage: "pki <init|issue> [flags]",
		Short: "make a test PKI: a CA, manager/analyzer/harness identities, signing keys, bad identities",
		Long: `Makes the test public-key infrastructure the reference manager, the reference analyzer and
the conformance harness use: ECDSA P-256 X.509 identities with DNS-IDs and IP-IDs (never a
CN-only identity), Ed25519 keys that sign HTTP messages (RFC 9421), allow-lists, and the
deliberately bad identities the conformance checks need. For tests and demonstrations only:
the CA key is written unencrypted beside the certificates.`,
		Subcommands: []*Command{pkiInitCommand(), pkiIssueCommand()},
	}
}

func pkiInitCommand() *Command {
	return &Command{
		Name:  "init",
		Usage: "pki init --dir DIR [--hosts localhost,127.0.0.1,::1] [--force]",
		Short: "write a fresh CA and the manager, analyzer and harness identities",
		Long: `Writes, as PEM, in DIR:
  ca.crt ca.key                      the test CA (ECDSA P-256)
  manager.crt manager.key            identity dns:manager.idmefcheck.test
  analyzer.crt analyzer.key          identity dns:analyzer.idmefcheck.test
  harness.crt harness.key            identity dns:harness.idmefcheck.test
  ROLE-signing.key ROLE-signing.pub  each role's Ed25519 signing key (PKCS #8, PKIX)
  analyzers.allow operators.allow managers.allow
                                     allow-lists naming the analyzer, the harness (the operator
                                     of the manager's API) and the manager
Every identity certificate carries the DNS-ID ROLE.idmefcheck.test first (its identity under
the reference profile), then the --hosts as DNS-IDs and IP-IDs, no subject Common Name, and
both the serverAuth and clientAuth key usages; it is valid for a year. Private keys are mode
0600. docs/manager.md shows how the manager uses the directory (idmefcheck manager --pki DIR).

Exit codes: 0 written; 1 the files could not be written or DIR already holds a PKI (use
--force to replace it); 2 bad flags.`,
		Setup: func(fs *pflag.FlagSet) RunFunc {
			dir := fs.String("dir", "", "directory to write to (created if needed)")
			hosts := fs.StringSlice("hosts", []string{"localhost", "127.0.0.1", "::1"}, "extra DNS names and IP addresses of every identity")
			force := fs.Bool("force", false, "replace an existing PKI in DIR")
			return func(ctx context.Context, env *Env, args []string) error {
				if *dir == "" || len(args) > 0 {
					return usageError("pki init needs --dir DIR and no arguments")
				}
				if err := pki.Init(*dir, *hosts, time.Now(), *force); err != nil {
					return err
				}
				fmt.Fprintf(env.Stdout, "wrote a test PKI in %s: CA, identities %s (hosts %s), signing keys and allow-lists\n",
					*dir, strings.Join(pki.Roles, ", "), strings.Join(*hosts, ", "))
				return nil
			}
		},
	}
}

func pkiIssueCommand() *Command {
	kinds := make([]string, len(pki.Kinds))
	for i, k := range pki.Kinds {
		kinds[i] = string(k)
	}
	return &Command{
		Name:  "issue",
		Usage: "pki issue --dir DIR --name NAME [--kind " + strings.Join(kinds, "|") + "] [--hosts H,...]",
		Short: "issue one more identity, good or deliberately bad, from the CA in DIR",
		Long: `Issues NAME.crt, NAME.key, NAME-signing.key and NAME-signing.pub in DIR, signed by DIR's
ca.crt and ca.key (made by pki init). The identity is dns:NAME.idmefcheck.test. --kind makes
what conforming peers must refuse:
  good      a valid identity (the default)
  expired   validity ended a day ago
  other-ca  issued by a fresh CA that nobody trusts (its key is not kept)
  wildcard  first DNS-ID *.idmefcheck.test (transport draft 4.5.4: refused)
  cn-only   the name only in the subject Common Name, no subjectAltName (4.5.3: refused)

Exit codes: 0 written; 1 DIR has no CA or the files could not be written; 2 bad flags.`,
		Setup: func(fs *pflag.FlagSet) RunFunc {
			dir := fs.String("dir", "", "directory holding ca.crt and ca.key")
			name := fs.String("name", "", "the identity's name, a DNS label such as analyzer2")
			kind := fs.String("kind", "good", "good, expired, other-ca, wildcard or cn-only")
			hosts := fs.StringSlice("hosts", []string{"localhost", "127.0.0.1", "::1"}, "extra DNS names and IP addresses")
			return func(ctx context.Context, env *Env, args []string) error {
				if *dir == "" || *name == "" || len(args) > 0 {
					return usageError("pki issue needs --dir DIR and --name NAME, and no arguments")
				}
				k, err := pki.ParseKind(*kind)
				if err != nil {
					return usageError("--kind %q: want one of %s", *kind, strings.Join(kinds, ", "))
				}
				if err := pki.IssueInto(*dir, pki.LeafRequest{Name: *name, Hosts: *hosts, Kind: k, Now: time.Now()}); err != nil {
					return err
				}
				fmt.Fprintf(env.Stdout, "wrote %s identity %s in %s\n", k, *name, *dir)
				return nil
			}
		},
	}
}
