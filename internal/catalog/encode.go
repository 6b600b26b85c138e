package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// EncodeUV writes entries in uv's download-metadata format, the one Parse
// reads: one JSON object keyed by each entry's Key (CanonicalKey when Key is
// empty), in key order, indented like uv's own file. Optional fields that
// are empty ("" sha256, arch variant and variant) are written as null, as uv
// writes them. Two entries with one key are an error.
func EncodeUV(entries []Entry) ([]byte, error) {
	null := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	// encoding/json writes map keys sorted, so the output is stable.
	// The entry's shape is Parse's (rawEntry): one definition of the format.
	doc := make(map[string]rawEntry, len(entries))
	for _, e := range entries {
		key := e.Key
		if key == "" {
			key = e.CanonicalKey()
		}
		if _, dup := doc[key]; dup {
			return nil, fmt.Errorf("catalog: two entries with the key %s", key)
		}
		major, minor, patch := e.Major, e.Minor, e.Patch
		doc[key] = rawEntry{
			Name: e.Name, Arch: &rawArch{e.Arch.Family, null(e.Arch.Variant)},
			OS: e.OS, Libc: e.Libc, Major: &major, Minor: &minor, Patch: &patch,
			Prerelease: e.Prerelease, URL: e.URL, SHA256: null(e.SHA256),
			Variant: null(e.Variant), Build: e.Build,
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // '+' and '&' in URLs stay as they are
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
