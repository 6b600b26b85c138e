package fetch

import "os/exec"

var execCommand = exec.Command
