package fetch

import (
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
)

// FileURLPath is the local path a file:// URL names. Besides file:///x/y
// it takes, on Windows, the drive-letter forms users and tools write:
// file:///C:/x (RFC 8089), file://localhost/C:/x, and file://C:/x (what
// "file://" + a slashed Windows path gives, where the drive lands in the
// host). Other hosts (UNC shares) are refused rather than read as a path
// on the current drive.
func FileURLPath(rawURL string) (string, error) {
	p, err := fileURLSlashPath(runtime.GOOS, rawURL)
	if err != nil {
		return "", err
	}
	return filepath.FromSlash(p), nil
}

// FileURL is the file:// URL of the absolute path p: file:///x/y, and
// file:///C:/x/y for a Windows drive path.
func FileURL(p string) string {
	s := filepath.ToSlash(p)
	if len(s) == 0 || s[0] != '/' {
		s = "/" + s
	}
	return (&url.URL{Scheme: "file", Path: s}).String()
}

// fileURLSlashPath is FileURLPath for goos, in forward slashes.
func fileURLSlashPath(goos, rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	p := u.Path
	switch {
	case u.Host == "" || u.Host == "localhost":
	case goos == "windows" && isDrive(u.Host):
		p = u.Host + p // file://C:/x
	default:
		return "", fmt.Errorf("file URL %q: host %q not supported", rawURL, u.Host)
	}
	if goos == "windows" && len(p) >= 3 && p[0] == '/' && isDrive(p[1:3]) {
		p = p[1:] // file:///C:/x
	}
	return p, nil
}

// isDrive reports whether s is a drive letter and colon ("C:").
func isDrive(s string) bool {
	return len(s) == 2 && s[1] == ':' && ('a' <= s[0] && s[0] <= 'z' || 'A' <= s[0] && s[0] <= 'Z')
}
