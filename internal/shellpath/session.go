package shellpath

import "strings"

// SessionLine is the command that puts dir first on PATH in the shell the
// user has open now (update-shell only changes new ones): POSIX sh syntax,
// or on Windows PowerShell's, the shell Windows Terminal opens.
func SessionLine(goos, dir string) string {
	if goos == "windows" {
		// In a double-quoted PowerShell string, ` " and $ are special;
		// a backtick escapes each.
		q := strings.NewReplacer("`", "``", `"`, "`\"", "$", "`$").Replace(dir)
		return `$env:Path = "` + q + `;$env:Path"`
	}
	return `export PATH="` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`, "`", "\\`").Replace(dir) + `:$PATH"`
}
