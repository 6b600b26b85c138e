package config

import (
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pyget/pyget/internal/attest"
	"github.com/pyget/pyget/internal/fetch"
)

// defaults is what an environment that names only a home directory gives
// on Linux.
func defaults() Settings {
	return Settings{
		InstallDir:  "/home/u/.local/share/pyget/python",
		BinDir:      "/home/u/.local/bin",
		CacheDir:    "/home/u/.cache/pyget",
		ConfigHome:  "/home/u/.config",
		ConfigDir:   "/home/u/.config/pyget",
		Home:        "/home/u",
		LockTimeout: DefaultLockTimeout,
		HTTPRetries: fetch.DefaultRetries,
		Connections: fetch.DefaultConnections,
		HTTPTimeout: fetch.DefaultIdleTimeout,

		GitHubAPIURL:    DefaultGitHubAPIURL,
		PythonDownloads: DownloadsAutomatic,
	}
}

func TestLoad(t *testing.T) {
	home := map[string]string{"HOME": "/home/u"}
	with := func(env map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range home {
			out[k] = v
		}
		for k, v := range env {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name string
		goos string
		env  map[string]string
		want func(s *Settings) // changes from defaults()
		bad  []string          // the variables the error must name
	}{
		{name: "defaults", env: home, want: func(*Settings) {}},
		{name: "xdg", env: with(map[string]string{"XDG_DATA_HOME": "/x/data", "XDG_BIN_HOME": "/x/bin", "XDG_CACHE_HOME": "/x/cache", "XDG_CONFIG_HOME": "/x/config"}),
			want: func(s *Settings) {
				s.InstallDir, s.BinDir, s.CacheDir = "/x/data/pyget/python", "/x/bin", "/x/cache/pyget"
				s.ConfigHome, s.ConfigDir = "/x/config", "/x/config/pyget"
			}},
		{name: "relative xdg ignored", env: with(map[string]string{"XDG_DATA_HOME": "data", "XDG_BIN_HOME": "bin", "XDG_CACHE_HOME": "cache", "XDG_CONFIG_HOME": "config"}),
			want: func(*Settings) {}},
		{name: "pyget dirs win", env: with(map[string]string{
			"PYGET_INSTALL_DIR": "/p/i", "PYGET_BIN_DIR": "/p/b", "PYGET_CACHE_DIR": "/p/c",
			"XDG_DATA_HOME": "/x", "XDG_BIN_HOME": "/y", "XDG_CACHE_HOME": "/z"}),
			want: func(s *Settings) { s.InstallDir, s.BinDir, s.CacheDir = "/p/i", "/p/b", "/p/c" }},
		{name: "no home needed", env: map[string]string{"PYGET_INSTALL_DIR": "/p/i", "PYGET_BIN_DIR": "/p/b", "PYGET_CACHE_DIR": "/p/c", "XDG_CONFIG_HOME": "/x/config"},
			want: func(s *Settings) {
				s.InstallDir, s.BinDir, s.CacheDir = "/p/i", "/p/b", "/p/c"
				s.ConfigHome, s.ConfigDir, s.Home = "/x/config", "/x/config/pyget", ""
			}},
		{name: "no home", env: nil,
			want: func(s *Settings) {
				s.InstallDir, s.BinDir, s.CacheDir = "", "", ""
				s.ConfigHome, s.ConfigDir, s.Home = "", "", ""
			}},
		{name: "windows", goos: "windows", env: map[string]string{"USERPROFILE": "/home/u", "LOCALAPPDATA": "/lad", "APPDATA": "/ad"},
			want: func(s *Settings) {
				s.InstallDir, s.CacheDir = "/lad/pyget/python", "/lad/pyget"
				s.ConfigHome, s.ConfigDir = "/ad", "/ad/pyget"
			}},
		{name: "windows xdg config", goos: "windows", env: map[string]string{"USERPROFILE": "/home/u", "LOCALAPPDATA": "/lad", "APPDATA": "/ad", "XDG_CONFIG_HOME": "/x/config"},
			want: func(s *Settings) {
				s.InstallDir, s.CacheDir = "/lad/pyget/python", "/lad/pyget"
				s.ConfigHome, s.ConfigDir = "/x/config", "/x/config/pyget"
			}},
		{name: "appdata ignored off windows", env: with(map[string]string{"APPDATA": "/ad"}),
			want: func(*Settings) {}},
		{name: "shell", env: with(map[string]string{"SHELL": " /usr/bin/zsh ", "ZDOTDIR": "/home/u/.config/zsh"}),
			want: func(s *Settings) { s.LoginShell, s.ZDotDir = "/usr/bin/zsh", "/home/u/.config/zsh" }},
		{name: "path", env: with(map[string]string{"PATH": "/usr/bin:/home/u/.local/bin "}),
			want: func(s *Settings) { s.Path = "/usr/bin:/home/u/.local/bin " }},
		{name: "cpython build", env: with(map[string]string{"PYGET_CPYTHON_BUILD": " 20260610 "}),
			want: func(s *Settings) { s.CPythonBuild = "20260610" }},
		{name: "localappdata ignored off windows", env: with(map[string]string{"LOCALAPPDATA": "/lad"}),
			want: func(*Settings) {}},
		{name: "macos cache", goos: "darwin", env: home,
			want: func(s *Settings) { s.CacheDir = "/home/u/Library/Caches/pyget" }},

		{name: "values", env: with(map[string]string{
			"PYGET_DOWNLOADS_JSON": "https://example.org/c.json",
			"PYGET_CATALOG_URL":    " https://mirror.example/download-metadata.json ",
			"PYGET_MIRROR":         " https://a.example/x \n file:///m ",
			"PYGET_OFFLINE":        "1", "PYGET_NO_PROGRESS": " Yes ",
			"PYGET_ARCH":         "X86_64_V3",
			"PYGET_LOCK_TIMEOUT": "0.25", "PYGET_HTTP_RETRIES": "0", "PYGET_HTTP_TIMEOUT": " 2.5",
			"PYGET_CPUPROFILE": "cpu.out", "NO_COLOR": "1"}),
			want: func(s *Settings) {
				s.DownloadsJSON = "https://example.org/c.json"
				s.CatalogURL = "https://mirror.example/download-metadata.json"
				s.Mirrors = []string{"https://a.example/x", "file:///m"}
				s.Offline, s.NoProgress = true, true
				s.Arch = "x86_64_v3"
				s.LockTimeout, s.HTTPRetries, s.HTTPTimeout = 250*time.Millisecond, 0, 2500*time.Millisecond
				s.CPUProfile, s.NoColor = "cpu.out", true
			}},
		{name: "booleans off", env: with(map[string]string{"PYGET_OFFLINE": "off", "PYGET_NO_PROGRESS": "FALSE"}),
			want: func(*Settings) {}},
		{name: "booleans on", env: with(map[string]string{"PYGET_OFFLINE": "on", "PYGET_NO_PROGRESS": "true", "PYGET_NO_REGISTRY": "1"}),
			want: func(s *Settings) { s.Offline, s.NoProgress, s.NoRegistry = true, true, true }},
		{name: "arch auto", env: with(map[string]string{"PYGET_ARCH": "auto"}),
			want: func(s *Settings) { s.Arch = "auto" }},
		{name: "no lock timeout", env: with(map[string]string{"PYGET_LOCK_TIMEOUT": "0"}),
			want: func(s *Settings) { s.LockTimeout = 0 }},
		{name: "largest values", env: with(map[string]string{"PYGET_LOCK_TIMEOUT": "86400", "PYGET_HTTP_TIMEOUT": "86400", "PYGET_HTTP_RETRIES": "1000"}),
			want: func(s *Settings) {
				s.LockTimeout, s.HTTPTimeout, s.HTTPRetries = MaxTimeout, MaxTimeout, fetch.MaxRetries
			}},
		{name: "empty values are unset", env: with(map[string]string{"PYGET_LOCK_TIMEOUT": "", "PYGET_HTTP_TIMEOUT": " ", "PYGET_HTTP_RETRIES": "", "PYGET_OFFLINE": "", "PYGET_MIRROR": "  "}),
			want: func(*Settings) {}},

		{name: "bad boolean", env: with(map[string]string{"PYGET_OFFLINE": "maybe"}), bad: []string{"PYGET_OFFLINE"}},
		{name: "bad booleans all named", env: with(map[string]string{"PYGET_OFFLINE": "2", "PYGET_NO_PROGRESS": "y"}), bad: []string{"PYGET_OFFLINE", "PYGET_NO_PROGRESS"}},
		{name: "lock timeout not a number", env: with(map[string]string{"PYGET_LOCK_TIMEOUT": "lots"}), bad: []string{"PYGET_LOCK_TIMEOUT"}},
		{name: "lock timeout with a unit", env: with(map[string]string{"PYGET_LOCK_TIMEOUT": "10s"}), bad: []string{"PYGET_LOCK_TIMEOUT"}},
		{name: "lock timeout negative", env: with(map[string]string{"PYGET_LOCK_TIMEOUT": "-1"}), bad: []string{"PYGET_LOCK_TIMEOUT"}},
		{name: "lock timeout too long", env: with(map[string]string{"PYGET_LOCK_TIMEOUT": "86401"}), bad: []string{"PYGET_LOCK_TIMEOUT"}},
		{name: "lock timeout NaN", env: with(map[string]string{"PYGET_LOCK_TIMEOUT": "NaN"}), bad: []string{"PYGET_LOCK_TIMEOUT"}},
		{name: "http timeout zero", env: with(map[string]string{"PYGET_HTTP_TIMEOUT": "0"}), bad: []string{"PYGET_HTTP_TIMEOUT"}},
		{name: "http timeout infinite", env: with(map[string]string{"PYGET_HTTP_TIMEOUT": "+Inf"}), bad: []string{"PYGET_HTTP_TIMEOUT"}},
		{name: "http timeout not a number", env: with(map[string]string{"PYGET_HTTP_TIMEOUT": "soon"}), bad: []string{"PYGET_HTTP_TIMEOUT"}},
		{name: "retries not a number", env: with(map[string]string{"PYGET_HTTP_RETRIES": "lots"}), bad: []string{"PYGET_HTTP_RETRIES"}},
		{name: "retries fraction", env: with(map[string]string{"PYGET_HTTP_RETRIES": "1.5"}), bad: []string{"PYGET_HTTP_RETRIES"}},
		{name: "retries negative", env: with(map[string]string{"PYGET_HTTP_RETRIES": "-1"}), bad: []string{"PYGET_HTTP_RETRIES"}},
		{name: "retries too many", env: with(map[string]string{"PYGET_HTTP_RETRIES": "1001"}), bad: []string{"PYGET_HTTP_RETRIES"}},
		{name: "one connection", env: with(map[string]string{"PYGET_CONNECTIONS": " 1 "}), want: func(s *Settings) { s.Connections = 1 }},
		{name: "most connections", env: with(map[string]string{"PYGET_CONNECTIONS": "16"}), want: func(s *Settings) { s.Connections = fetch.MaxConnections }},
		{name: "connections zero", env: with(map[string]string{"PYGET_CONNECTIONS": "0"}), bad: []string{"PYGET_CONNECTIONS"}},
		{name: "connections too many", env: with(map[string]string{"PYGET_CONNECTIONS": "17"}), bad: []string{"PYGET_CONNECTIONS"}},
		{name: "connections not a number", env: with(map[string]string{"PYGET_CONNECTIONS": "four"}), bad: []string{"PYGET_CONNECTIONS"}},
		{name: "attestations", env: with(map[string]string{"PYGET_ATTESTATIONS": " Require ", "PYGET_SIGSTORE_TRUSTED_ROOT": "/r/trusted_root.json",
			"GITHUB_API_URL": "http://127.0.0.1:9/api", "GITHUB_TOKEN": "t1", "GH_TOKEN": "t2"}),
			want: func(s *Settings) {
				s.Attestations, s.SigstoreTrustedRoot = attest.Require, "/r/trusted_root.json"
				s.GitHubAPIURL, s.GitHubToken = "http://127.0.0.1:9/api", "t1"
			}},
		{name: "attestations off, GH_TOKEN", env: with(map[string]string{"PYGET_ATTESTATIONS": "off", "GH_TOKEN": "t2"}),
			want: func(s *Settings) { s.Attestations, s.GitHubToken = attest.Off, "t2" }},
		{name: "bad attestations", env: with(map[string]string{"PYGET_ATTESTATIONS": "strict"}), bad: []string{"PYGET_ATTESTATIONS"}},
		{name: "GitHub API URL without a scheme", env: with(map[string]string{"GITHUB_API_URL": "api.github.com"}), bad: []string{"GITHUB_API_URL"}},
		{name: "GitHub API URL not http", env: with(map[string]string{"GITHUB_API_URL": "ftp://ghe.example/api/v3"}), bad: []string{"GITHUB_API_URL"}},
		{name: "bad arch", env: with(map[string]string{"PYGET_ARCH": "sparc64"}), bad: []string{"PYGET_ARCH"}},
		{name: "cpython build short", env: with(map[string]string{"PYGET_CPYTHON_BUILD": "2026061"}), bad: []string{"PYGET_CPYTHON_BUILD"}},
		{name: "cpython build long", env: with(map[string]string{"PYGET_CPYTHON_BUILD": "202606100"}), bad: []string{"PYGET_CPYTHON_BUILD"}},
		{name: "cpython build dashes", env: with(map[string]string{"PYGET_CPYTHON_BUILD": "2026-06-10"}), bad: []string{"PYGET_CPYTHON_BUILD"}},
		{name: "cpython build letters", env: with(map[string]string{"PYGET_CPYTHON_BUILD": "latest12"}), bad: []string{"PYGET_CPYTHON_BUILD"}},
		{name: "several bad", env: with(map[string]string{"PYGET_ARCH": "sparc64", "PYGET_HTTP_TIMEOUT": "-2", "PYGET_LOCK_TIMEOUT": "x"}),
			bad: []string{"PYGET_ARCH", "PYGET_HTTP_TIMEOUT", "PYGET_LOCK_TIMEOUT"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			goos := tt.goos
			if goos == "" {
				goos = "linux"
			}
			env := nativeEnv(tt.env)
			got, err := load(func(k string) string { return env[k] }, goos)
			if tt.bad != nil {
				if err == nil {
					t.Fatalf("got %+v, want an error naming %v", got, tt.bad)
				}
				for _, name := range tt.bad {
					if !strings.Contains(err.Error(), "invalid "+name) {
						t.Errorf("error %q does not name %s", err, name)
					}
				}
				if !strings.Contains(err.Error(), "want ") && !strings.Contains(err.Error(), "accepted: ") {
					t.Errorf("error %q does not say what is accepted", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := defaults()
			tt.want(&want)
			for _, d := range []*string{&want.InstallDir, &want.BinDir, &want.CacheDir, &want.ConfigHome, &want.ConfigDir, &want.Home, &want.ZDotDir} {
				*d = native(*d)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

// Relative directories are made absolute: links into the install dir must
// not depend on the working directory.
func TestLoadMakesDirsAbsolute(t *testing.T) {
	env := map[string]string{"PYGET_INSTALL_DIR": "rel/py", "PYGET_BIN_DIR": "rel/bin", "PYGET_CACHE_DIR": "rel/cache"}
	s, err := Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{s.InstallDir, s.BinDir, s.CacheDir} {
		if !filepath.IsAbs(d) || !strings.HasSuffix(d, filepath.FromSlash("rel/"+filepath.Base(d))) {
			t.Errorf("%q is not the absolute form of its relative value", d)
		}
	}
}

// Every bad value's error says which form is accepted.
func TestLoadErrorsSayTheForm(t *testing.T) {
	for name, want := range map[string]string{
		"PYGET_OFFLINE":       "1, true, yes or on; 0, false, no or off",
		"PYGET_LOCK_TIMEOUT":  "seconds from 0 to 86400 (fractions like 0.5 allowed)",
		"PYGET_HTTP_TIMEOUT":  "seconds above 0 to 86400 (fractions like 0.5 allowed)",
		"PYGET_HTTP_RETRIES":  "a whole number from 0 to 1000",
		"PYGET_CONNECTIONS":   "a whole number from 1 to 16",
		"PYGET_ARCH":          "accepted: x86_64",
		"PYGET_ATTESTATIONS":  "want auto, require or off",
		"PYGET_CPYTHON_BUILD": "want a python-build-standalone release tag, 8 digits like 20260610",
		"GITHUB_API_URL":      "an http or https URL",
	} {
		_, err := Load(func(k string) string {
			if k == name {
				return "bogus"
			}
			return ""
		})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s=bogus: %v, want %q", name, err, want)
		}
	}
}

// A home that is not an absolute path names no home: pyget must not
// install under the working directory, nor on Windows under a POSIX
// "/home/u" taken as \home\u on the current drive (testscript sets
// USERPROFILE=/no-home there).
func TestLoadIgnoresRelativeHome(t *testing.T) {
	homes := []string{"home/u", "." + string(filepath.Separator) + "u"}
	if runtime.GOOS == "windows" {
		homes = append(homes, "/home/u", `\home\u`, `C:home\u`)
	}
	for _, h := range homes {
		got, err := load(func(k string) string {
			if k == "HOME" || k == "USERPROFILE" {
				return h
			}
			return ""
		}, runtime.GOOS)
		if err != nil {
			t.Fatalf("HOME %q: %v", h, err)
		}
		if got.Home != "" || got.InstallDir != "" || got.BinDir != "" || got.CacheDir != "" || got.ConfigHome != "" {
			t.Errorf("HOME %q gave home %q, install dir %q, bin dir %q, cache dir %q, config home %q; want all unset",
				h, got.Home, got.InstallDir, got.BinDir, got.CacheDir, got.ConfigHome)
		}
	}
}

// native is the table's POSIX path p as an absolute path of the OS under
// test: on Windows "/home/u" is C:\home\u ("/home/u" has no drive there,
// so it is no absolute path, and pyget refuses it as a home).
func native(p string) string {
	if runtime.GOOS == "windows" && strings.HasPrefix(p, "/") {
		return "C:" + filepath.FromSlash(p)
	}
	return filepath.FromSlash(p)
}

// nativeEnv is env with its directory variables' values made native.
func nativeEnv(env map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range env {
		switch k {
		case "HOME", "USERPROFILE", "LOCALAPPDATA", "APPDATA", "ZDOTDIR",
			"XDG_DATA_HOME", "XDG_BIN_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME",
			"PYGET_INSTALL_DIR", "PYGET_BIN_DIR", "PYGET_CACHE_DIR":
			v = native(v)
		}
		out[k] = v
	}
	return out
}
