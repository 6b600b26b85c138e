package shellpath

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func touch(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFiles(t *testing.T) {
	tests := []struct {
		name  string
		env   Env
		files []string // made in home first; a name ending in / is a dir
		want  []string // shell:path relative to home
	}{
		{name: "linux: bash always", env: Env{GOOS: "linux"},
			want: []string{"bash:.bashrc", "bash:.profile"}},
		{name: "linux: the login file bash reads", env: Env{GOOS: "linux"}, files: []string{".profile", ".bash_login"},
			want: []string{"bash:.bashrc", "bash:.bash_login"}},
		{name: "linux: .bash_profile first", env: Env{GOOS: "linux"}, files: []string{".profile", ".bash_login", ".bash_profile"},
			want: []string{"bash:.bashrc", "bash:.bash_profile"}},
		{name: "linux: zsh user", env: Env{GOOS: "linux", Shell: "/usr/bin/zsh"},
			want: []string{"bash:.bashrc", "bash:.profile", "zsh:.zshrc"}},
		{name: "linux: .zshrc exists", env: Env{GOOS: "linux", Shell: "/bin/bash"}, files: []string{".zshrc"},
			want: []string{"bash:.bashrc", "bash:.profile", "zsh:.zshrc"}},
		{name: "zdotdir", env: Env{GOOS: "linux", Shell: "/bin/zsh", ZDotDir: "zdot"},
			want: []string{"bash:.bashrc", "bash:.profile", "zsh:zdot/.zshrc"}},
		{name: "macos: zsh only", env: Env{GOOS: "darwin", Shell: "/bin/zsh"},
			want: []string{"zsh:.zshrc"}},
		{name: "macos: bash user", env: Env{GOOS: "darwin", Shell: "/bin/bash"}, files: []string{".bash_profile"},
			want: []string{"bash:.bashrc", "bash:.bash_profile"}},
		{name: "macos: .bashrc exists", env: Env{GOOS: "darwin", Shell: "/bin/zsh"}, files: []string{".bashrc"},
			want: []string{"bash:.bashrc", "bash:.profile", "zsh:.zshrc"}},
		{name: "fish user", env: Env{GOOS: "darwin", Shell: "/opt/homebrew/bin/fish"},
			want: []string{"fish:.config/fish/conf.d/pyget.fish"}},
		{name: "fish config dir exists", env: Env{GOOS: "linux", Shell: "/bin/bash"}, files: []string{".config/fish/"},
			want: []string{"bash:.bashrc", "bash:.profile", "fish:.config/fish/conf.d/pyget.fish"}},
		{name: "fish in XDG_CONFIG_HOME", env: Env{GOOS: "linux", Shell: "/usr/bin/fish", ConfigHome: "xdg"}, files: []string{".config/fish/"},
			want: []string{"bash:.bashrc", "bash:.profile", "fish:xdg/fish/conf.d/pyget.fish"}},
		{name: "macos: unknown shell", env: Env{GOOS: "darwin", Shell: "/bin/tcsh"}},
		{name: "windows", env: Env{GOOS: "windows", Shell: "/bin/bash"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			for _, f := range tt.files {
				if strings.HasSuffix(f, "/") {
					if err := os.MkdirAll(filepath.Join(home, f), 0o755); err != nil {
						t.Fatal(err)
					}
				} else {
					touch(t, filepath.Join(home, f))
				}
			}
			env := tt.env
			env.Home = home
			if env.ZDotDir != "" {
				env.ZDotDir = filepath.Join(home, env.ZDotDir)
			}
			if env.ConfigHome != "" {
				env.ConfigHome = filepath.Join(home, env.ConfigHome)
			}
			var got []string
			for _, f := range Files(env) {
				rel, err := filepath.Rel(home, f.Path)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, f.Shell+":"+filepath.ToSlash(rel))
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("Files = %v, want %v", got, tt.want)
			}
		})
	}
	if f := Files(Env{GOOS: "linux"}); f != nil {
		t.Errorf("no home: %v", f)
	}
}

func TestLine(t *testing.T) {
	for _, c := range []struct{ shell, dir, want string }{
		{Bash, "/home/u/.local/bin", `case ":${PATH}:" in *:'/home/u/.local/bin':*) ;; *) export PATH='/home/u/.local/bin'"${PATH:+:${PATH}}" ;; esac`},
		{Zsh, "/it's here", `case ":${PATH}:" in *:'/it'\''s here':*) ;; *) export PATH='/it'\''s here'"${PATH:+:${PATH}}" ;; esac`},
		{Fish, "/home/u/.local/bin", `contains -- '/home/u/.local/bin' $PATH; or set -gx PATH '/home/u/.local/bin' $PATH`},
		{Fish, `/it's\here`, `contains -- '/it\'s\\here' $PATH; or set -gx PATH '/it\'s\\here' $PATH`},
	} {
		if got := Line(c.shell, c.dir); got != c.want {
			t.Errorf("Line(%s, %q) =\n  %s\nwant\n  %s", c.shell, c.dir, got, c.want)
		}
	}
}

// The line does what it says in the shells themselves, for directories with
// characters shells treat specially: the directory comes first, once, however
// often the file is read, and an empty PATH gets no empty entry.
func TestLineInShells(t *testing.T) {
	// No colon: PATH cannot hold one in an entry.
	dirs := []string{"/opt/py get/bin", `/a'b"c$d\e*f[g]/bin`, "/home/u/.local/bin"}
	for _, sh := range []string{"sh", Bash, Zsh, Fish} {
		exe, err := exec.LookPath(sh)
		if err != nil {
			t.Logf("%s not installed: skipped", sh)
			continue
		}
		shell := sh
		if sh == "sh" {
			shell = Bash // the same line
		}
		for _, dir := range dirs {
			file := filepath.Join(t.TempDir(), "rc")
			if err := os.WriteFile(file, appendBlock(nil, Line(shell, dir)), 0o644); err != nil {
				t.Fatal(err)
			}
			script := `. "$1"; . "$1"; printf '%s\n' "$PATH"`
			if shell == Fish {
				script = `source $argv[1]; source $argv[1]; string join : $PATH`
			}
			for _, path := range []string{"/usr/bin:/bin", ""} {
				cmd := exec.Command(exe, "-c", script, "x", file)
				if shell == Fish {
					cmd = exec.Command(exe, "--no-config", "-c", script, file)
				}
				cmd.Env = []string{"PATH=" + path, "HOME=" + t.TempDir()}
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("%s: %v\n%s", sh, err, out)
				}
				got := strings.TrimSpace(string(out))
				if path == "" {
					// Some shells set a default PATH of their own when it
					// is empty: whatever follows, no empty entry.
					if got != dir && !strings.HasPrefix(got, dir+":") || strings.Contains(got, "::") || strings.HasSuffix(got, ":") {
						t.Errorf("%s, empty PATH, dir %q: PATH became %q", sh, dir, got)
					}
				} else if want := dir + ":" + path; got != want {
					t.Errorf("%s, PATH=%q, dir %q: PATH became %q, want %q", sh, path, dir, got, want)
				}
			}
		}
	}
}

func TestUpdate(t *testing.T) {
	home := t.TempDir()
	dir := "/opt/pyget bin"
	// An existing .bashrc without a final newline, kept private, and a
	// .profile that is a link into a dotfiles repository.
	bashrc := filepath.Join(home, ".bashrc")
	if err := os.WriteFile(bashrc, []byte("alias ll='ls -l'"), 0o600); err != nil {
		t.Fatal(err)
	}
	dotfiles := filepath.Join(home, "dotfiles", "profile")
	if err := os.MkdirAll(filepath.Dir(dotfiles), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dotfiles, []byte("umask 022\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(dotfiles, filepath.Join(home, ".profile")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	env := Env{GOOS: "linux", Home: home, Shell: "/usr/bin/zsh", ConfigHome: filepath.Join(home, "xdg")}
	if err := os.MkdirAll(filepath.Join(home, "xdg", "fish"), 0o755); err != nil {
		t.Fatal(err)
	}

	changes, err := Update(dir, env)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range changes {
		rel, _ := filepath.Rel(home, c.Path)
		got = append(got, c.Action.String()+" "+c.Shell+":"+filepath.ToSlash(rel))
	}
	want := "Updated bash:.bashrc Updated bash:.profile Created zsh:.zshrc Created fish:xdg/fish/conf.d/pyget.fish"
	if strings.Join(got, " ") != want {
		t.Fatalf("changes %q, want %q", got, want)
	}
	sh := Comment + "\n" + Line(Bash, dir) + "\n"
	for path, content := range map[string]string{
		bashrc:                        "alias ll='ls -l'\n\n" + sh,
		dotfiles:                      "umask 022\n\n" + sh,
		filepath.Join(home, ".zshrc"): sh,
		filepath.Join(home, "xdg/fish/conf.d/pyget.fish"): Comment + "\n" + Line(Fish, dir) + "\n",
	} {
		data, err := os.ReadFile(path)
		if err != nil || string(data) != content {
			t.Errorf("%s: %v\n%s\nwant\n%s", path, err, data, content)
		}
	}
	if fi, err := os.Lstat(filepath.Join(home, ".profile")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf(".profile is no longer a link: %v", err)
	}
	if fi, err := os.Stat(bashrc); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf(".bashrc mode changed: %v", err)
	}

	// Again: nothing changes, byte for byte.
	before := snapshot(t, home)
	changes, err = Update(dir, env)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		if c.Action != Unchanged {
			t.Errorf("second run: %s %s", c.Action, c.Path)
		}
	}
	if after := snapshot(t, home); !bytes.Equal(before, after) {
		t.Errorf("second run changed files:\n%s\nthen\n%s", before, after)
	}

	// A second directory gets its own line, after the first.
	if _, err := Update("/other/bin", env); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(home, ".zshrc"))
	if want := sh + "\n" + Comment + "\n" + Line(Zsh, "/other/bin") + "\n"; string(data) != want {
		t.Errorf(".zshrc after another dir:\n%s\nwant\n%s", data, want)
	}
}

// snapshot is every file under dir with its content.
func snapshot(t *testing.T, dir string) []byte {
	t.Helper()
	var b bytes.Buffer
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		b.WriteString(p + "\n" + string(data) + "\n")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A line the user moved, or indented, still counts; one commented out does
// not.
func TestHasLine(t *testing.T) {
	line := Line(Bash, "/b")
	for text, want := range map[string]bool{
		"x\n  " + line + "  \ny\n": true,
		line:                       true,
		"# " + line + "\n":         false,
		"":                         false,
	} {
		if got := HasLine([]byte(text), line); got != want {
			t.Errorf("HasLine(%q) = %v", text, got)
		}
	}
}

func TestUpdateRefuses(t *testing.T) {
	// An absolute path on the OS the test runs on (a drive on Windows).
	absBin, _ := filepath.Abs("/b")
	home := t.TempDir()
	if _, err := Update(absBin, Env{GOOS: "darwin", Home: home, Shell: "/bin/tcsh"}); !errors.Is(err, ErrNoShell) {
		t.Errorf("no shell: %v", err)
	}
	for _, dir := range []string{"relative/bin", "/a\nb"} {
		if _, err := Update(dir, Env{GOOS: "linux", Home: home}); err == nil {
			t.Errorf("%q: no error", dir)
		}
	}
	// A link to nowhere is not replaced by a file.
	if err := os.Symlink(filepath.Join(home, "missing"), filepath.Join(home, ".bashrc")); err != nil {
		t.Skip(err)
	}
	if _, err := Update(absBin, Env{GOOS: "linux", Home: home}); err == nil || !strings.Contains(err.Error(), "link to nowhere") {
		t.Errorf("dangling link: %v", err)
	}
}

func TestPrependPathList(t *testing.T) {
	expand := func(s string) string { return strings.ReplaceAll(s, "%USERPROFILE%", `C:\Users\u`) }
	dir := `C:\Users\u\.local\bin`
	for _, c := range []struct {
		list, want string
		changed    bool
	}{
		{"", dir, true},
		{"  ", dir, true},
		{`C:\Windows`, dir + `;C:\Windows`, true},
		{`C:\Windows;` + dir, `C:\Windows;` + dir, false},
		{`c:\users\U\.LOCAL\bin\;C:\Windows`, `c:\users\U\.LOCAL\bin\;C:\Windows`, false},
		{`%USERPROFILE%\.local\bin`, `%USERPROFILE%\.local\bin`, false},
		{`C:\Users\u\.local\bin2`, dir + `;C:\Users\u\.local\bin2`, true},
	} {
		got, changed := prependPathList(c.list, dir, expand)
		if got != c.want || changed != c.changed {
			t.Errorf("prependPathList(%q) = %q, %v; want %q, %v", c.list, got, changed, c.want, c.changed)
		}
	}
}

// The line for the shell open now is in that shell's syntax: PowerShell on
// Windows (a POSIX export there would be an error), quoted so that any
// folder name comes through as itself.
func TestSessionLine(t *testing.T) {
	for _, tc := range []struct{ goos, dir, want string }{
		{"linux", "/home/u/.local/bin", `export PATH="/home/u/.local/bin:$PATH"`},
		{"darwin", `/Users/a "b"/$x/bin`, `export PATH="/Users/a \"b\"/\$x/bin:$PATH"`},
		{"windows", `C:\Users\u\.local\bin`, `$env:Path = "C:\Users\u\.local\bin;$env:Path"`},
		{"windows", `D:\a $b "c"\bin`, "$env:Path = \"D:\\a `$b `\"c`\"\\bin;$env:Path\""},
	} {
		if got := SessionLine(tc.goos, tc.dir); got != tc.want {
			t.Errorf("SessionLine(%s, %q) = %s, want %s", tc.goos, tc.dir, got, tc.want)
		}
	}
}
