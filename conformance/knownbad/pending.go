package knownbad

// Families whose known-bad variants are being written; each moves to its own file.
func nonrepManagers() []Variant { return nil }
func dosManagers() []Variant    { return nil }
func dupManagers() []Variant    { return nil }
func relManagers() []Variant    { return nil }
func timeManagers() []Variant   { return nil }
func extManagers() []Variant    { return nil }
func i18nManagers() []Variant   { return nil }
func filtManagers() []Variant   { return nil }
func addrManagers() []Variant   { return nil }
