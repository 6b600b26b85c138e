package catalog

// CacheDir is the folder a Loader caches catalogs in, given pyget's cache
// folder (for pyget cache size and clean).
func CacheDir(cacheDir string) string { return (&Loader{CacheDir: cacheDir}).cacheDir() }
