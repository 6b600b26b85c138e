package pyfix

import (
	"regexp"
	"strings"
)

// makeAssign matches a one-line Makefile assignment: NAME= value (also :=,
// ?=, +=), with the value's leading white space kept apart.
var makeAssign = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)([ \t]*[:?+]?=)([ \t]*)(.*)$`)

// fixMakefile rewrites the one-line assignments of CPython's installed
// Makefile (lib/python3.X/config-3.X-*/Makefile) as fixValue does; a '$' in
// the install prefix is doubled, as make reads it. Continued lines and
// recipes are left alone.
func fixMakefile(src, prefix string) (string, []string) {
	lines := strings.SplitAfter(src, "\n")
	var changed []string
	continued := false
	for i, line := range lines {
		body := strings.TrimSuffix(line, "\n")
		wasContinued := continued
		continued = strings.HasSuffix(body, `\`)
		if wasContinued || continued {
			continue
		}
		m := makeAssign.FindStringSubmatch(body)
		if m == nil {
			continue
		}
		v := fixValue(m[1], m[4], strings.ReplaceAll(prefix, "$", "$$"))
		if v != m[4] {
			lines[i] = m[1] + m[2] + m[3] + v + line[len(body):]
			changed = append(changed, m[1])
		}
	}
	return strings.Join(lines, ""), changed
}

// pcVar matches a pkg-config variable definition: name=value.
var pcVar = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_.]*)=(.*)$`)

// fixPkgConfig rewrites a pkg-config file (lib/pkgconfig/python-3.X.pc):
// variables (prefix=/install) get the install prefix, Cflags and Libs lose
// the flags gcc rejects.
func fixPkgConfig(src, prefix string) (string, []string) {
	lines := strings.SplitAfter(src, "\n")
	var changed []string
	for i, line := range lines {
		body := strings.TrimSuffix(line, "\n")
		if m := pcVar.FindStringSubmatch(body); m != nil {
			if v := fixValue(m[1], m[2], prefix); v != m[2] {
				lines[i] = m[1] + "=" + v + line[len(body):]
				changed = append(changed, m[1])
			}
			continue
		}
		name, value, ok := strings.Cut(body, ":")
		if !ok || strings.ContainsAny(name, " \t") {
			continue
		}
		if v := dropClangOnlyFlags(value); v != value {
			lines[i] = name + ":" + v + line[len(body):]
			changed = append(changed, name)
		}
	}
	return strings.Join(lines, ""), changed
}

// fixPythonConfig rewrites bin/python3.X-config, the shell script: its
// prefix="/install" line gets the install prefix (and, when that has white
// space, so does the prefix it would work out), and the double-quoted flags
// lose those gcc rejects. The script computes its own prefix when it
// runs and only uses prefix as a sed pattern to replace, so the line is left
// as it is when the prefix holds a character that a sed pattern or a
// double-quoted shell string would read otherwise.
func fixPythonConfig(src, prefix string) (string, []string) {
	lines := strings.SplitAfter(src, "\n")
	var changed []string
	for i, line := range lines {
		body := strings.TrimSuffix(line, "\n")
		name, _, _ := strings.Cut(body, "=")
		v := body
		safe := !strings.ContainsAny(prefix, "#[\\$\"`\n")
		switch {
		case !safe:
		case body == `prefix="`+BuildPrefix+`"`:
			v = `prefix="` + prefix + `"`
		case body == `prefix_real=$(installed_prefix "$0")` && strings.ContainsAny(prefix, " \t"):
			// installed_prefix splits its own path at white space (it
			// quotes nothing), so a prefix with a space is given.
			v = `prefix_real="` + prefix + `"`
		}
		v = editQuoted(v, dropClangOnlyFlags)
		if v != body {
			lines[i] = v + line[len(body):]
			changed = append(changed, name)
		}
	}
	return strings.Join(lines, ""), changed
}

// editQuoted applies f to the inside of each "..." on line (those without
// escapes).
func editQuoted(line string, f func(string) string) string {
	var b strings.Builder
	for {
		open := strings.IndexByte(line, '"')
		if open < 0 {
			break
		}
		closing := strings.IndexByte(line[open+1:], '"')
		if closing < 0 {
			break
		}
		inside := line[open+1 : open+1+closing]
		b.WriteString(line[:open+1])
		if strings.Contains(inside, `\`) {
			b.WriteString(inside)
		} else {
			b.WriteString(f(inside))
		}
		b.WriteByte('"')
		line = line[open+2+closing:]
	}
	b.WriteString(line)
	return b.String()
}
