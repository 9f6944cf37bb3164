package corpus

import (
	"io/fs"
	"syscall"
)

// changeAndInode returns a file's change time (nanoseconds) and inode.
func changeAndInode(info fs.FileInfo) (int64, uint64) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0
	}
	return st.Ctim.Nano(), st.Ino
}
