//go:build unix

package observe

import (
	"os"
	"syscall"
)

// fileID tells a replaced file from the one that was there (device and inode).
type fileID struct{ dev, ino uint64 }

func idOf(st os.FileInfo) fileID {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return fileID{uint64(s.Dev), uint64(s.Ino)}
	}
	return fileID{}
}
