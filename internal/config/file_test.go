package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// configWorld is a home with a user config file and a project folder.
type configWorld struct {
	home, project string
	env           map[string]string
}

func newConfigWorld(t *testing.T, user, projectFile, projectText string) configWorld {
	t.Helper()
	root := t.TempDir()
	w := configWorld{home: filepath.Join(root, "home"), project: filepath.Join(root, "proj", "sub")}
	w.env = map[string]string{"HOME": w.home}
	must(t, os.MkdirAll(filepath.Join(w.home, ".config", "pyget"), 0o755))
	must(t, os.MkdirAll(w.project, 0o755))
	if user != "" {
		must(t, os.WriteFile(filepath.Join(w.home, ".config", "pyget", FileName), []byte(user), 0o644))
	}
	if projectFile != "" {
		// The project file sits one folder up: found from a subfolder.
		must(t, os.WriteFile(filepath.Join(filepath.Dir(w.project), projectFile), []byte(projectText), 0o644))
	}
	return w
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (w configWorld) load() (Settings, error) {
	return loadFiles(Environment{
		LookupEnv: func(n string) (string, bool) { v, ok := w.env[n]; return v, ok },
		Dir:       w.project,
	}, "linux")
}

func TestFilePrecedence(t *testing.T) {
	user := "connections = 2\nhttp-timeout = 7\nhttp-retries = 9\noffline = true\n"
	proj := "# project\nconnections = 3\nhttp-timeout = 8.5\n"
	w := newConfigWorld(t, user, FileName, proj)
	w.env["PYGET_CONNECTIONS"] = "5"
	s, err := w.load()
	if err != nil {
		t.Fatal(err)
	}
	// env > project > user > default, key by key.
	if s.Connections != 5 || s.HTTPTimeout != 8500*time.Millisecond || s.HTTPRetries != 9 || !s.Offline || s.LockTimeout != DefaultLockTimeout {
		t.Fatalf("got connections %d, http-timeout %v, retries %d, offline %v, lock %v", s.Connections, s.HTTPTimeout, s.HTTPRetries, s.Offline, s.LockTimeout)
	}
	userFile := filepath.Join(w.home, ".config", "pyget", FileName)
	projFile := filepath.Join(filepath.Dir(w.project), FileName)
	want := map[string]Origin{
		"connections":  {Layer: LayerEnv, Variable: "PYGET_CONNECTIONS", Key: "connections", Value: "5"},
		"http-timeout": {Layer: LayerProject, Variable: "PYGET_HTTP_TIMEOUT", Key: "http-timeout", Value: "8.5", File: projFile, Line: 3},
		"http-retries": {Layer: LayerUser, Variable: "PYGET_HTTP_RETRIES", Key: "http-retries", Value: "9", File: userFile, Line: 3},
		"lock-timeout": {Layer: LayerDefault, Variable: "PYGET_LOCK_TIMEOUT", Key: "lock-timeout"},
	}
	for key, o := range want {
		if got := s.Origins.ByKey[key]; got != o {
			t.Errorf("%s: origin %+v, want %+v", key, got, o)
		}
	}
	if s.Origins.UserFile != userFile || s.Origins.ProjectFile != projFile {
		t.Errorf("files %q %q", s.Origins.UserFile, s.Origins.ProjectFile)
	}

	// A set but empty variable still wins: it undoes a file's value.
	w.env["PYGET_OFFLINE"] = ""
	if s, err = w.load(); err != nil || s.Offline {
		t.Fatalf("PYGET_OFFLINE= over offline = true: offline %v, %v", s.Offline, err)
	}
}

func TestFilePyprojectToolTable(t *testing.T) {
	text := "[project]\nname = \"x\"\n\n[tool.pyget]\nmirror = [\"https://a.example/m\", \"https://b.example/m\"]\ninstall-dir = \"pythons\"\n"
	w := newConfigWorld(t, "", PyprojectName, text)
	s, err := w.load()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Mirrors, " "); got != "https://a.example/m https://b.example/m" {
		t.Errorf("mirrors %q", got)
	}
	// A relative path is relative to the file, not to the working folder.
	if want := filepath.Join(filepath.Dir(w.project), "pythons"); s.InstallDir != want {
		t.Errorf("install dir %q, want %q", s.InstallDir, want)
	}
	if o := s.Origins.ByKey["install-dir"]; o.Line != 6 || o.Layer != LayerProject {
		t.Errorf("install-dir origin %+v", o)
	}
}

func TestFilePyprojectWithoutToolTableIsSkipped(t *testing.T) {
	w := newConfigWorld(t, "connections = 2\n", PyprojectName, "[project]\nname = \"x\"\n")
	s, err := w.load()
	if err != nil {
		t.Fatal(err)
	}
	if s.Origins.ProjectFile != "" || s.Connections != 2 {
		t.Fatalf("project file %q, connections %d", s.Origins.ProjectFile, s.Connections)
	}
}

func TestFileErrorsNameFileKeyAndLine(t *testing.T) {
	tests := []struct {
		name, user, proj string
		want             []string
	}{
		{"unknown key", "offline = true\n\nconections = 3\n", "", []string{"pyget.toml:3", `unknown key "conections"`}},
		{"underscore key", "http_timeout = 3\n", "", []string{"pyget.toml:1", "did you mean http-timeout?"}},
		{"bad value", "\nconnections = 99\n", "", []string{"pyget.toml:2: connections", `"99"`, "from 1 to 16"}},
		{"bad type", "offline = [1]\n", "", []string{"pyget.toml:1: offline", "an array"}},
		{"bad boolean text", "", "[tool.pyget]\n\noffline = \"maybe\"\n", []string{"pyproject.toml:3: offline", `"maybe"`}},
		{"table in pyget.toml", "offline = true\n[mirror]\nx = 1\n", "", []string{"pyget.toml:2: mirror", "a table"}},
		{"broken TOML", "connections = \n", "", []string{"pyget.toml:1: invalid TOML"}},
		{"bad arch", "arch = \"sparc\"\n", "", []string{"pyget.toml:1: arch"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pf := ""
			if tt.proj != "" {
				pf = PyprojectName
			}
			w := newConfigWorld(t, tt.user, pf, tt.proj)
			_, err := w.load()
			if err == nil {
				t.Fatal("no error")
			}
			for _, s := range tt.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
		})
	}
}

func TestKeysAreTheVariables(t *testing.T) {
	for _, key := range []string{"mirror", "downloads-json", "install-dir", "bin-dir", "cache-dir", "attestations", "connections", "http-timeout", "cpython-build", "offline"} {
		found := false
		for _, k := range Keys() {
			found = found || k == key
		}
		if !found {
			t.Errorf("key %s missing from %v", key, Keys())
		}
	}
}
