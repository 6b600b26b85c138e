package pipeline

import (
	"io"
	"os"

	"golang.org/x/sys/windows"
)

// readShared reads path letting others rename or delete it meanwhile
// (FILE_SHARE_DELETE, which os.Open does not ask for), as a reader that
// does not get in pyget's way would: the watcher polls the shim without
// pause.
func readShared(path string) ([]byte, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE, nil,
		windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	f := os.NewFile(uintptr(h), path)
	defer f.Close()
	return io.ReadAll(f)
}
