//go:build !unix

package archive

import "os"

func umask() os.FileMode { return 0 }
