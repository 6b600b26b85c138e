// Package shellpath puts a directory on PATH for the shells a user opens from
// now on (pyget update-shell). It owns which startup files each shell reads
// and which of them to change (Files), the line that puts a directory on PATH
// in each shell's syntax (Line), how that line is recognised so that a second
// run changes nothing, and on Windows the user's Path in the registry.
//
// It reads no environment variables: the caller says where home is and what
// the user's shell is (Env; pyget's come from package config). It imports
// nothing of pyget's but fsutil, through which every file is written.
package shellpath

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pyget/pyget/internal/fsutil"
)

// The shells whose startup files Update changes.
const (
	Bash = "bash"
	Zsh  = "zsh"
	Fish = "fish"
	// Windows is no shell: Update changes the user's Path in the registry,
	// which every new process (cmd, PowerShell, Git Bash...) starts with.
	Windows = "windows"
)

// Comment is the line written above each line Update adds, so a reader of
// the file knows where it came from.
const Comment = "# Added by `pyget update-shell`: puts pyget's bin dir on PATH"

// Env is what Update needs to know of the user.
type Env struct {
	GOOS       string // the OS the shells run on: runtime.GOOS
	Home       string // the home directory; "" = unknown (no file is changed)
	Shell      string // $SHELL, the path of the user's shell; "" = unknown
	ZDotDir    string // $ZDOTDIR, where zsh reads .zshrc; "" = Home
	ConfigHome string // $XDG_CONFIG_HOME, where fish's config is; "" = Home/.config
}

// File is a startup file Update changes.
type File struct {
	Shell string // Bash, Zsh, Fish or Windows
	Path  string // the file; for Windows, RegistryPath
	For   string // which shells read it, e.g. "bash login shells"
}

// RegistryPath names the value Update changes on Windows.
const RegistryPath = `HKEY_CURRENT_USER\Environment\Path`

// Action is what Update did to a File.
type Action int

const (
	Unchanged Action = iota // it put the directory on PATH already
	Created                 // it did not exist
	Updated                 // the line was appended
)

func (a Action) String() string {
	switch a {
	case Created:
		return "Created"
	case Updated:
		return "Updated"
	}
	return "Unchanged"
}

// Change is what Update did to one File.
type Change struct {
	File
	Action Action
}

// ErrNoShell: Files found no shell of the user's to configure.
var ErrNoShell = errors.New("no shell startup file to change")

// Files are the startup files Update changes on Unix, of the shells the user
// has:
//
//   - bash, on Linux always, elsewhere when $SHELL is bash or ~/.bashrc
//     exists: ~/.bashrc (interactive shells), and the first of
//     ~/.bash_profile, ~/.bash_login and ~/.profile that exists (login
//     shells read only that one), else ~/.profile, which other login shells
//     (sh, dash, ksh) and graphical sessions read too; a new ~/.bash_profile
//     would hide an existing ~/.profile from bash, so none is ever created;
//   - zsh, when $SHELL is zsh or the file exists: $ZDOTDIR/.zshrc (ZDOTDIR
//     defaults to home), read by every interactive zsh after /etc/zprofile,
//     whose path_helper on macOS would reorder an earlier entry;
//   - fish, when $SHELL is fish or fish's config dir exists:
//     $XDG_CONFIG_HOME/fish/conf.d/pyget.fish, a file of pyget's own that
//     every fish reads at startup.
//
// On Windows, and without a home directory, there are none.
func Files(env Env) []File {
	if env.GOOS == "windows" || env.Home == "" {
		return nil
	}
	shell := filepath.Base(env.Shell)
	var out []File
	bashrc := filepath.Join(env.Home, ".bashrc")
	if env.GOOS == "linux" || shell == Bash || exists(bashrc) {
		out = append(out,
			File{Bash, bashrc, "bash interactive shells"},
			File{Bash, bashLogin(env.Home), "bash login shells"})
	}
	zdot := env.ZDotDir
	if zdot == "" {
		zdot = env.Home
	}
	if zshrc := filepath.Join(zdot, ".zshrc"); shell == Zsh || exists(zshrc) {
		out = append(out, File{Zsh, zshrc, "zsh interactive shells"})
	}
	config := env.ConfigHome
	if config == "" {
		config = filepath.Join(env.Home, ".config")
	}
	if fish := filepath.Join(config, "fish"); shell == Fish || isDir(fish) {
		out = append(out, File{Fish, filepath.Join(fish, "conf.d", "pyget.fish"), "fish"})
	}
	return out
}

// bashLogin is the file a bash login shell reads: the first of these that
// exists, else ~/.profile.
func bashLogin(home string) string {
	for _, name := range []string{".bash_profile", ".bash_login", ".profile"} {
		if p := filepath.Join(home, name); exists(p) {
			return p
		}
	}
	return filepath.Join(home, ".profile")
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// Line is the line that puts dir first on PATH in shell's syntax, unless
// PATH has it already (so shells started from shells do not grow PATH).
func Line(shell, dir string) string {
	if shell == Fish {
		q := fishQuote(dir)
		return "contains -- " + q + " $PATH; or set -gx PATH " + q + " $PATH"
	}
	// ${PATH:+:$PATH}: no empty entry, which would mean the current
	// directory, when PATH is empty.
	q := shQuote(dir)
	return `case ":${PATH}:" in *:` + q + `:*) ;; *) export PATH=` + q + `"${PATH:+:${PATH}}" ;; esac`
}

// shQuote quotes s for sh, bash and zsh: single quotes keep everything.
func shQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// fishQuote quotes s for fish, whose single quotes take \' and \\.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// Update puts dir on PATH for the shells started from now on: on Windows in
// the user's Path in the registry, elsewhere in the startup files Files
// names, by appending Comment and Line to each one that does not have that
// line yet. A file that has it is left as it is, byte for byte, so running
// Update twice is running it once. It returns what it did to each file, up
// to the first failure; ErrNoShell when there is no file to change.
func Update(dir string, env Env) ([]Change, error) {
	if !filepath.IsAbs(dir) || strings.ContainsAny(dir, "\n\r\x00") {
		return nil, fmt.Errorf("cannot put %q on PATH: want an absolute path on one line", dir)
	}
	if env.GOOS == "windows" {
		return updateRegistry(dir)
	}
	if env.Home == "" {
		return nil, errors.New("no home directory to find shell startup files in: set HOME")
	}
	files := Files(env)
	if len(files) == 0 {
		return nil, ErrNoShell
	}
	var changes []Change
	for _, f := range files {
		a, err := updateFile(f.Path, Line(f.Shell, dir))
		if err != nil {
			return changes, err
		}
		changes = append(changes, Change{f, a})
	}
	return changes, nil
}

// updateFile appends Comment and line to the file at path unless a line of
// it is line already. A symbolic link (dotfiles kept in a repository) is
// followed, and the file keeps its mode.
func updateFile(path, line string) (Action, error) {
	target := path
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		if target, err = filepath.EvalSymlinks(path); err != nil {
			return Unchanged, fmt.Errorf("%s is a link to nowhere: not replacing it: %w", path, err)
		}
	}
	data, err := os.ReadFile(target)
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist):
		data = nil
		// 0700: what the XDG spec asks of the config dirs it creates.
		if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
			return Unchanged, err
		}
	default:
		return Unchanged, err
	}
	existed := err == nil
	if existed && HasLine(data, line) {
		return Unchanged, nil
	}
	perm := os.FileMode(0o644)
	if existed {
		if fi, err := os.Stat(target); err == nil {
			perm = fi.Mode().Perm()
		}
	}
	if err := fsutil.WriteFile(target, appendBlock(data, line), perm); err != nil {
		return Unchanged, err
	}
	if existed {
		return Updated, nil
	}
	return Created, nil
}

// HasLine reports whether a line of data, surrounding blanks aside, is line.
func HasLine(data []byte, line string) bool {
	for l := range bytes.Lines(data) {
		if string(bytes.TrimSpace(l)) == line {
			return true
		}
	}
	return false
}

// appendBlock is data with Comment and line added at the end, after a blank
// line.
func appendBlock(data []byte, line string) []byte {
	var b bytes.Buffer
	b.Write(data)
	if len(data) > 0 {
		if !bytes.HasSuffix(data, []byte("\n")) {
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	b.WriteString(Comment + "\n" + line + "\n")
	return b.Bytes()
}
