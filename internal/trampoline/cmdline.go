package trampoline

// ArgsOf is a Windows command line without its program name: what follows
// it, the separating whitespace included, verbatim (empty for a line with
// no arguments). The program name ends as Windows itself ends it: at the
// closing quote when it starts with one, else at the first space or tab.
func ArgsOf(line string) string {
	if len(line) > 0 && line[0] == '"' {
		for i := 1; i < len(line); i++ {
			if line[i] == '"' {
				return line[i+1:]
			}
		}
		return ""
	}
	for i := 0; i < len(line); i++ {
		if line[i] == ' ' || line[i] == '\t' {
			return line[i:]
		}
	}
	return ""
}
