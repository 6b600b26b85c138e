package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// FormatError describes what is wrong with a catalog: the whole document
// (Entry "") or one entry of it.
type FormatError struct {
	Source string // file path or URL
	Entry  string // the entry's key; "" for the document as a whole
	Field  string // e.g. "sha256", "arch.variant"; "" when not about one field
	Reason string
	Err    error // underlying decoder error, if any
}

func (e *FormatError) Error() string {
	var b strings.Builder
	b.WriteString("catalog ")
	b.WriteString(e.Source)
	if e.Entry != "" {
		b.WriteString(": entry ")
		b.WriteString(e.Entry)
	}
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	return b.String()
}

func (e *FormatError) Unwrap() error { return e.Err }

// rawEntry mirrors the on-disk entry. Pointers mark what may be null or must
// be told apart from absent.
type rawEntry struct {
	Name       string   `json:"name"`
	Arch       *rawArch `json:"arch"`
	OS         string   `json:"os"`
	Libc       string   `json:"libc"`
	Major      *int     `json:"major"`
	Minor      *int     `json:"minor"`
	Patch      *int     `json:"patch"`
	Prerelease string   `json:"prerelease"`
	URL        string   `json:"url"`
	SHA256     *string  `json:"sha256"`
	Variant    *string  `json:"variant"`
	Build      string   `json:"build"`
}

type rawArch struct {
	Family  string  `json:"family"`
	Variant *string `json:"variant"`
}

func parse(source string, data []byte) (c *Catalog, warnings []string, err error) {
	// Fast path: the whole document in one pass. A wrong type anywhere makes
	// encoding/json give up on telling which entry it was in, so then decode
	// entry by entry to skip only the bad ones.
	var all map[string]rawEntry
	if err := json.Unmarshal(data, &all); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, nil, syntaxError(source, data, syn)
		}
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return nil, nil, &FormatError{Source: source, Reason: err.Error(), Err: err}
		}
		return parseEach(source, data)
	}
	if all == nil {
		return nil, nil, &FormatError{Source: source, Reason: "not a JSON object (found null)"}
	}
	c = &Catalog{Source: source, Entries: make([]Entry, 0, len(all))}
	for key, raw := range all {
		e, ferr := convert(source, key, &raw)
		if ferr != nil {
			warnings = append(warnings, ferr.Error())
			continue
		}
		c.Entries = append(c.Entries, e)
	}
	return finish(source, c, warnings)
}

// parseEach is the slow path: one decode per entry, so a wrong type costs
// only its own entry.
func parseEach(source string, data []byte) (*Catalog, []string, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, nil, &FormatError{Source: source, Reason: "not a JSON object (found " + te.Value + ")", Err: err}
		}
		return nil, nil, &FormatError{Source: source, Reason: err.Error(), Err: err}
	}
	c := &Catalog{Source: source, Entries: make([]Entry, 0, len(all))}
	var warnings []string
	for key, msg := range all {
		var raw rawEntry
		if err := json.Unmarshal(msg, &raw); err != nil {
			warnings = append(warnings, entryDecodeError(source, key, msg, err).Error())
			continue
		}
		e, ferr := convert(source, key, &raw)
		if ferr != nil {
			warnings = append(warnings, ferr.Error())
			continue
		}
		c.Entries = append(c.Entries, e)
	}
	return finish(source, c, warnings)
}

func finish(source string, c *Catalog, warnings []string) (*Catalog, []string, error) {
	sort.Strings(warnings)
	if len(c.Entries) == 0 {
		reason := "no entries"
		if len(warnings) > 0 {
			first := strings.TrimPrefix(warnings[0], "catalog "+source+": ")
			reason = fmt.Sprintf("no usable entries (%d skipped; first: %s)", len(warnings), first)
		}
		return nil, warnings, &FormatError{Source: source, Reason: reason}
	}
	sort.Slice(c.Entries, func(i, j int) bool { return c.Entries[i].Key < c.Entries[j].Key })
	return c, warnings, nil
}

func syntaxError(source string, data []byte, syn *json.SyntaxError) error {
	// Offset counts the offending byte itself; point at it, not past it.
	off := int(syn.Offset)
	if off > len(data) {
		off = len(data)
	}
	if off > 0 && !strings.Contains(syn.Error(), "unexpected end") {
		off--
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - bytes.LastIndexByte(data[:off], '\n')
	return &FormatError{
		Source: source,
		Reason: fmt.Sprintf("not valid JSON: line %d, column %d (byte %d): %v", line, col, off, syn),
		Err:    syn,
	}
}

func entryDecodeError(source, key string, msg json.RawMessage, err error) *FormatError {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return &FormatError{Source: source, Entry: key, Reason: err.Error(), Err: err}
	}
	if te.Field == "" {
		return &FormatError{Source: source, Entry: key, Reason: "want an object, found " + jsonKind(msg), Err: err}
	}
	return &FormatError{Source: source, Entry: key, Field: te.Field, Reason: "want " + typeWord(te.Type) + ", found " + te.Value, Err: err}
}

func typeWord(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "another type"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "an integer"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.Kind().String()
}

func jsonKind(msg json.RawMessage) string {
	b := bytes.TrimSpace(msg)
	if len(b) == 0 {
		return "nothing"
	}
	switch b[0] {
	case '"':
		return "string"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}

var (
	knownNames    = map[string]bool{"cpython": true, "pypy": true, "graalpy": true}
	knownLevels   = map[string]bool{"": true, "v2": true, "v3": true, "v4": true}
	knownVariants = map[string]bool{"": true, "debug": true, "freethreaded": true, "freethreaded+debug": true}
)

// convert validates one decoded entry. Unknown values are rejected rather
// than passed on: a newer catalog's new variant must not be installed as if
// it were a plain build.
func convert(source, key string, r *rawEntry) (Entry, *FormatError) {
	bad := func(field, reason string) (Entry, *FormatError) {
		return Entry{}, &FormatError{Source: source, Entry: key, Field: field, Reason: reason}
	}
	if key == "" {
		return bad("", "empty key")
	}
	switch {
	case r.Name == "":
		return bad("name", "missing")
	case !knownNames[r.Name]:
		return bad("name", fmt.Sprintf("unknown implementation %q (want cpython, pypy or graalpy)", r.Name))
	case r.Arch == nil:
		return bad("arch", "missing")
	case r.Arch.Family == "":
		return bad("arch.family", "missing")
	case r.OS == "":
		return bad("os", "missing")
	case r.Libc == "":
		return bad("libc", "missing")
	case r.Major == nil:
		return bad("major", "missing")
	case r.Minor == nil:
		return bad("minor", "missing")
	case r.Patch == nil:
		return bad("patch", "missing")
	case *r.Major < 0 || *r.Minor < 0 || *r.Patch < 0:
		return bad("", fmt.Sprintf("negative version %d.%d.%d", *r.Major, *r.Minor, *r.Patch))
	case !validPrerelease(r.Prerelease):
		return bad("prerelease", fmt.Sprintf("%q is not a1, b2, rc3 or empty", r.Prerelease))
	case r.URL == "":
		return bad("url", "missing")
	}
	level := deref(r.Arch.Variant)
	if !knownLevels[level] {
		return bad("arch.variant", fmt.Sprintf("unknown level %q (want null, v2, v3 or v4)", level))
	}
	variant := deref(r.Variant)
	if !knownVariants[variant] {
		return bad("variant", fmt.Sprintf("unknown variant %q (want null, debug, freethreaded or freethreaded+debug)", variant))
	}
	sum := strings.ToLower(deref(r.SHA256))
	if r.SHA256 != nil && !isSHA256(sum) {
		return bad("sha256", fmt.Sprintf("%q is not 64 hex digits", *r.SHA256))
	}
	return Entry{
		Key:        key,
		Name:       r.Name,
		Arch:       Arch{Family: r.Arch.Family, Variant: level},
		OS:         r.OS,
		Libc:       r.Libc,
		Major:      *r.Major,
		Minor:      *r.Minor,
		Patch:      *r.Patch,
		Prerelease: r.Prerelease,
		URL:        r.URL,
		SHA256:     sum,
		Variant:    variant,
		Build:      r.Build,
	}, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// validPrerelease accepts PEP 440's short pre-release forms, the only ones
// python-build-standalone publishes; version ordering relies on them.
func validPrerelease(s string) bool {
	kind, _ := ParsePrerelease(s)
	return kind != PreUnknown
}
