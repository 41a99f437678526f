package knownbad

// Families whose known-bad variants are being written; each moves to its own file.
func dosManagers() []Variant { return nil }
func dupManagers() []Variant { return nil }
func relManagers() []Variant { return nil }
