package store

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/windows"

	"github.com/pyget/pyget/internal/fsutil"
)

// symlink makes a symlink, which on Windows needs Developer Mode or an
// elevated prompt; errNoDirLinks / errNoLinks tell the caller to fall back.
func symlink(target, path string, dir bool) error {
	err := os.Symlink(target, path)
	if errors.Is(err, windows.ERROR_PRIVILEGE_NOT_HELD) || errors.Is(err, os.ErrPermission) {
		if dir {
			return errNoDirLinks
		}
		return errNoLinks
	}
	return err
}

var errNoLinks = errors.New("symlinks not permitted")

// renameOver replaces to; Windows refuses to rename over a directory link,
// so that case removes it first (a brief gap, only on Windows).
func renameOver(from, to string) error {
	err := whileInUse(func() error { return os.Rename(from, to) })
	if err == nil {
		return nil
	}
	if rerr := os.Remove(to); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
		return err
	}
	return os.Rename(from, to)
}

const shimMarker = "rem pyget shim: "

// readShim returns the target of a .cmd shim pyget wrote, or "".
func readShim(path string) string {
	if !strings.EqualFold(filepath.Ext(path), ".cmd") {
		return ""
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for i := 0; i < 3 && sc.Scan(); i++ {
		if t, ok := strings.CutPrefix(sc.Text(), shimMarker); ok {
			return filepath.Clean(t)
		}
	}
	return ""
}

// placeBin puts name.exe (a symlink) into BinDir, or name.cmd (a shim) where
// symlinks are not permitted, and removes the other kind if pyget made it.
func (l Layout) placeBin(name, target string, force bool) (path string, placed bool, err error) {
	exe := filepath.Join(l.BinDir, name+".exe")
	cmd := filepath.Join(l.BinDir, name+".cmd")
	be, err := l.readBin(exe)
	if err != nil {
		return exe, false, err
	}
	if be.dest == target {
		return exe, true, nil
	}
	bc, err := l.readBin(cmd)
	if err != nil {
		return cmd, false, err
	}
	if bc.dest == target && !be.exists {
		return cmd, true, nil
	}
	if be.isDir || be.exists && !be.ours && !force {
		return exe, false, nil
	}
	err = replaceLink(target, exe, false)
	if err == nil {
		if bc.ours {
			removeFile(cmd)
		}
		return exe, true, nil
	}
	if !errors.Is(err, errNoLinks) {
		return exe, false, err
	}
	if bc.isDir || bc.exists && !bc.ours && !force {
		return cmd, false, nil
	}
	if err := writeShim(target, cmd); err != nil {
		return cmd, false, err
	}
	if be.ours {
		removeFile(exe)
	}
	return cmd, true, nil
}

func writeShim(target, path string) error {
	body := fmt.Sprintf("@echo off\r\n%s%s\r\n\"%s\" %%*\r\n", shimMarker, target, target)
	// Temp ".<name>.cmd.tmp-*", swept by sweepLinkTemps after a kill.
	return whileInUse(func() error { return fsutil.WriteFile(path, []byte(body), 0o755) })
}

// removeFile removes a command, waiting out another process's brief hold.
func removeFile(path string) error { return whileInUse(func() error { return os.Remove(path) }) }

// inUseWait bounds how long whileInUse tries again.
const inUseWait = 2 * time.Second

// whileInUse runs op again while Windows refuses it because another
// process has the file open (a shell reading the shim, a virus scanner, a
// second pyget reading it): replacing an open file is "access denied"
// there, where POSIX renames over it. Such holds last milliseconds.
func whileInUse(op func() error) error {
	delay := time.Millisecond
	deadline := time.Now().Add(inUseWait)
	for {
		err := op()
		if !errors.Is(err, windows.ERROR_ACCESS_DENIED) && !errors.Is(err, windows.ERROR_SHARING_VIOLATION) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(delay)
		delay = min(2*delay, 50*time.Millisecond)
	}
}
