package attest

import "path/filepath"

// The folders of pyget's cache the provenance checks keep, named once here
// (light, imported by both sides): pyget-attest writes them, `pyget cache`
// measures and cleans them.
const (
	// BundleCacheDir holds the bundles that verified, <sha256>.json.
	BundleCacheDir = "attestations"
	// TUFCacheDir holds sigstore-go's TUF metadata of Sigstore's trusted
	// root.
	TUFCacheDir = "sigstore-tuf"
)

// CacheDirs are those folders under the cache folder root.
func CacheDirs(root string) []string {
	return []string{filepath.Join(root, BundleCacheDir), filepath.Join(root, TUFCacheDir)}
}
