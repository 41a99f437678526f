//go:build !unix

package observe

import "os"

// fileID is empty where the system has no inodes: replacement is then seen only as
// truncation.
type fileID struct{ dev, ino uint64 }

func idOf(os.FileInfo) fileID { return fileID{} }
