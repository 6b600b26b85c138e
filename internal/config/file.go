package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// The config files, as uv's uv.toml and [tool.uv]: a user file in pyget's
// config dir and a project file found from the working directory. Their
// keys are the PYGET_* variables without the prefix, lower-case, with -
// for _ (PYGET_DOWNLOADS_JSON is downloads-json). A file's value goes
// through the same checks as the variable's, so a setting has one syntax
// and one bound wherever it is written.
const (
	// FileName is the user file in ConfigDir, and a project's own file.
	FileName = "pyget.toml"
	// PyprojectName is a project's pyproject.toml, whose [tool.pyget]
	// table is read when the folder has no FileName.
	PyprojectName = "pyproject.toml"

	envPrefix = "PYGET_"
)

// Layer is where a setting's value came from, from weakest to strongest
// (a flag, stronger still, is the CLI's).
type Layer int

const (
	LayerDefault Layer = iota
	LayerUser
	LayerProject
	LayerEnv
)

func (l Layer) String() string {
	return [...]string{"default", "user config", "project config", "environment"}[l]
}

// Origin is where one setting's value came from.
type Origin struct {
	Layer Layer
	// Variable is the PYGET_* variable; Key its name in a file.
	Variable, Key string
	// Value is the text as written (a file's value rendered as the
	// variable's text; "" for LayerDefault).
	Value string
	// File and Line: the file and line that set it (file layers only).
	File string
	Line int
}

func (o Origin) String() string {
	switch o.Layer {
	case LayerEnv:
		return "env " + o.Variable
	case LayerUser, LayerProject:
		return fmt.Sprintf("%s %s:%d", o.Layer, o.File, o.Line)
	}
	return "default"
}

// Origins says where each file-settable setting came from.
type Origins struct {
	// UserFile is the user file's path ("" without a config dir), whether
	// or not it exists; ProjectFile the project file found ("" = none).
	UserFile, ProjectFile string
	// ByKey: every file key, in Keys order.
	ByKey map[string]Origin
}

// Environment is what LoadFiles reads: the process environment and the
// working directory the project file is looked for from.
type Environment struct {
	// LookupEnv is os.LookupEnv, or a map in tests. A variable that is set
	// wins over the files even when empty (PYGET_OFFLINE= undoes a file's
	// offline = true).
	LookupEnv func(string) (string, bool)
	// Dir is the working directory; "" = no project file.
	Dir string
}

// LoadFiles is Load with the config files under the environment:
// precedence env > project file > user file > default. A file that cannot
// be parsed, an unknown key and a bad value are errors naming the file,
// the line and the key.
func LoadFiles(e Environment) (Settings, error) {
	return loadFiles(e, runtime.GOOS)
}

func loadFiles(e Environment, goos string) (Settings, error) {
	getenv := func(name string) string { v, _ := e.LookupEnv(name); return v }
	var errs []error
	origins := Origins{ByKey: map[string]Origin{}}
	var user, project map[string]Origin

	if home := (dirs{getenv: getenv, goos: goos}).configHome(); home != "" {
		if abs, err := filepath.Abs(home); err == nil {
			origins.UserFile = filepath.Join(abs, "pyget", FileName)
			var err error
			if user, err = readFile(origins.UserFile, LayerUser, false); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if e.Dir != "" {
		path, tool, err := FindProjectFile(e.Dir)
		switch {
		case err != nil:
			errs = append(errs, err)
		case path != "":
			origins.ProjectFile = path
			if project, err = readFile(path, LayerProject, tool); err != nil {
				errs = append(errs, err)
			}
		}
	}

	for _, key := range Keys() {
		name := variableOf(key)
		o := Origin{Layer: LayerDefault, Variable: name, Key: key}
		if v, ok := e.LookupEnv(name); ok {
			o.Layer, o.Value = LayerEnv, v
		} else if p, ok := project[name]; ok {
			o = p
		} else if u, ok := user[name]; ok {
			o = u
		}
		origins.ByKey[key] = o
	}
	layered := func(name string) string {
		if o, ok := origins.ByKey[keyOf(name)]; ok && strings.HasPrefix(name, envPrefix) {
			return o.Value
		}
		return getenv(name)
	}
	describe := func(name string) string {
		if o, ok := origins.ByKey[keyOf(name)]; ok && (o.Layer == LayerUser || o.Layer == LayerProject) {
			return fmt.Sprintf("%s:%d: %s", o.File, o.Line, o.Key)
		}
		return name
	}
	s, err := loadWith(layered, describe, goos)
	s.Origins = origins
	return s, errors.Join(append(errs, err)...)
}

// FindProjectFile is the project's config file for dir: in dir or its
// nearest parent that has one, FileName, else a PyprojectName with a
// [tool.pyget] table (tool true). "" when there is none.
func FindProjectFile(dir string) (path string, tool bool, err error) {
	for {
		p := filepath.Join(dir, FileName)
		if _, err := os.Stat(p); err == nil {
			return p, false, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", false, fmt.Errorf("reading %s: %w", p, err)
		}
		p = filepath.Join(dir, PyprojectName)
		data, err := os.ReadFile(p)
		switch {
		case err == nil:
			var doc struct {
				Tool struct {
					Pyget map[string]any `toml:"pyget"`
				} `toml:"tool"`
			}
			if err := toml.Unmarshal(data, &doc); err != nil {
				return "", false, tomlError(p, err)
			}
			if doc.Tool.Pyget != nil {
				return p, true, nil
			}
		case !errors.Is(err, fs.ErrNotExist):
			return "", false, fmt.Errorf("reading %s: %w", p, err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false, nil
		}
		dir = parent
	}
}

// readFile reads one config file's settings by variable name. tool: the
// settings are pyproject.toml's [tool.pyget] table, else the whole file. A
// missing file is no settings and no error.
func readFile(path string, layer Layer, tool bool) (map[string]Origin, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		return nil, tomlError(path, err)
	}
	prefix := []string(nil)
	table := doc
	if tool {
		prefix = []string{"tool", "pyget"}
		t, _ := doc["tool"].(map[string]any)
		table, _ = t["pyget"].(map[string]any)
	}
	lines := keyLines(data)
	at := func(key string) string {
		return fmt.Sprintf("%s:%d", path, lines[strings.Join(append(slices.Clone(prefix), key), "\x00")])
	}
	known := Keys()
	out := map[string]Origin{}
	var errs []error
	for _, key := range sortedKeys(table) {
		if !slices.Contains(known, key) {
			hint := ""
			if slices.Contains(known, strings.ReplaceAll(strings.ToLower(key), "_", "-")) {
				hint = fmt.Sprintf(" (did you mean %s?)", strings.ReplaceAll(strings.ToLower(key), "_", "-"))
			}
			errs = append(errs, fmt.Errorf("%s: unknown key %q%s: the keys are %s", at(key), key, hint, strings.Join(known, ", ")))
			continue
		}
		text, ok := valueText(key, table[key], filepath.Dir(path))
		if !ok {
			errs = append(errs, fmt.Errorf("%s: %s: want %s, not %s", at(key), key, kindOf(key), tomlType(table[key])))
			continue
		}
		line := lines[strings.Join(append(slices.Clone(prefix), key), "\x00")]
		out[variableOf(key)] = Origin{Layer: layer, Variable: variableOf(key), Key: key, Value: text, File: path, Line: line}
	}
	return out, errors.Join(errs...)
}

// tomlError is a parse error naming the file and line.
func tomlError(path string, err error) error {
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, _ := de.Position()
		return fmt.Errorf("%s:%d: invalid TOML: %s", path, row, de.Error())
	}
	return fmt.Errorf("%s: invalid TOML: %w", path, err)
}

// keyLines maps each key/value's full key (parts joined with NUL, table
// headers included) to the line it is written on.
func keyLines(data []byte) map[string]int {
	lines := map[string]int{}
	var p unstable.Parser
	p.Reset(data)
	var table []string
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = keyParts(e.Key())
			first := e.Key()
			first.Next()
			if _, seen := lines[strings.Join(table, "\x00")]; !seen {
				lines[strings.Join(table, "\x00")] = p.Shape(first.Node().Raw).Start.Line
			}
		case unstable.KeyValue:
			it := e.Key()
			parts := keyParts(it)
			full := append(slices.Clone(table), parts...)
			first := e.Key()
			first.Next()
			lines[strings.Join(full, "\x00")] = p.Shape(first.Node().Raw).Start.Line
		}
	}
	return lines
}

func keyParts(it unstable.Iterator) []string {
	var parts []string
	for it.Next() {
		parts = append(parts, string(it.Node().Data))
	}
	return parts
}

// valueText renders a file's value as the variable's text: strings as
// they are (a relative path resolved against the file's folder), numbers
// and booleans as written, mirror's array of URLs separated by spaces.
func valueText(key string, v any, dir string) (string, bool) {
	switch x := v.(type) {
	case string:
		if pathKeys[key] && x != "" && !strings.Contains(x, "://") && !filepath.IsAbs(x) {
			x = filepath.Join(dir, x)
		}
		return x, true
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	case []any:
		if !strings.HasSuffix(key, "mirror") {
			return "", false
		}
		var urls []string
		for _, u := range x {
			s, ok := u.(string)
			if !ok || strings.ContainsAny(s, " \t\n") {
				return "", false
			}
			urls = append(urls, s)
		}
		return strings.Join(urls, " "), true
	}
	return "", false
}

// pathKeys are the keys whose values are files or folders: relative ones
// are relative to the config file, not to wherever pyget runs.
var pathKeys = map[string]bool{
	"install-dir": true, "bin-dir": true, "cache-dir": true, "downloads-json": true,
	"sigstore-trusted-root": true, "cpuprofile": true,
}

func kindOf(key string) string {
	if strings.HasSuffix(key, "mirror") {
		return "a string or an array of strings"
	}
	return "a string, number or boolean"
}

func tomlType(v any) string {
	switch v.(type) {
	case map[string]any:
		return "a table"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("a %T", v)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// variableOf is the PYGET_* variable of a file key.
func variableOf(key string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(key, "-", "_"))
}

// keyOf is the file key of a PYGET_* variable.
func keyOf(name string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(name, envPrefix), "_", "-"))
}

var keysOnce = sync.OnceValue(func() []string {
	// The keys are the PYGET_* variables load reads: asking it which, once,
	// keeps the files and the environment from drifting apart.
	seen := map[string]bool{}
	record := func(name string) string {
		if strings.HasPrefix(name, envPrefix) {
			seen[keyOf(name)] = true
		}
		return ""
	}
	_, _ = loadWith(record, func(n string) string { return n }, runtime.GOOS)
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
})

// Keys are the settings a config file may set, sorted.
func Keys() []string { return keysOnce() }

// seconds is a duration in the syntax of the settings that hold one.
func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) }

// Effective is the setting's value as the program uses it, for pyget
// config; "" when it has none.
func (s Settings) Effective(key string) string {
	switch key {
	case "install-dir":
		return s.InstallDir
	case "bin-dir":
		return s.BinDir
	case "cache-dir":
		return s.CacheDir
	case "downloads-json":
		return s.DownloadsJSON
	case "catalog-url":
		return s.CatalogURL
	case "mirror":
		return strings.Join(s.Mirrors, " ")
	case "offline":
		return strconv.FormatBool(s.Offline)
	case "no-progress":
		return strconv.FormatBool(s.NoProgress)
	case "arch":
		return s.Arch
	case "lock-timeout":
		return seconds(s.LockTimeout)
	case "http-retries":
		return strconv.Itoa(s.HTTPRetries)
	case "http-timeout":
		return seconds(s.HTTPTimeout)
	case "connections":
		return strconv.Itoa(s.Connections)
	case "cpython-build":
		return s.CPythonBuild
	case "attestations":
		return s.Attestations.String()
	case "sigstore-trusted-root":
		return s.SigstoreTrustedRoot
	case "cpuprofile":
		return s.CPUProfile
	case "python-downloads":
		return string(s.PythonDownloads)
	case "pypy-mirror":
		return strings.Join(s.PyPyMirrors, " ")
	case "graalpy-mirror":
		return strings.Join(s.GraalPyMirrors, " ")
	case "pypy-build":
		return s.PyPyBuild
	case "graalpy-build":
		return s.GraalPyBuild
	}
	if o, ok := s.Origins.ByKey[key]; ok {
		return o.Value
	}
	return ""
}
