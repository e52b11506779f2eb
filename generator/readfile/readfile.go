// Package readfile reads the files berth is pointed at without trusting them: only
// regular files (a FIFO would block forever, a device never end), and never more than
// a limit (a link to /dev/zero, or a 50 MB "descriptor", is refused after limit+1 bytes
// instead of filling memory).
package readfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"unicode/utf8"
)

// ErrTooLarge is returned, wrapped, by Regular for a file over its limit.
var ErrTooLarge = errors.New("file too large")

// Local reads at most n bytes of the regular file at path (symbolic links followed): a
// caller that allows limit bytes passes limit+1 and refuses a longer result with its
// own, located message.
func Local(path string, n int64) ([]byte, error) {
	return atMost(func() (fs.FileInfo, error) { return os.Stat(path) }, func() (fs.File, error) { return os.Open(path) }, path, n)
}

// Regular reads the regular file name of fsys, refusing one over limit bytes with an
// error that wraps ErrTooLarge.
func Regular(fsys fs.FS, name string, limit int64) ([]byte, error) {
	data, err := atMost(func() (fs.FileInfo, error) { return fs.Stat(fsys, name) }, func() (fs.File, error) { return fsys.Open(name) }, name, limit+1)
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: %w: more than %d bytes", name, ErrTooLarge, limit)
	}
	return data, nil
}

// atMost reads at most n bytes of a file once stat says it is a regular one: opening a
// FIFO would block before anything could be checked.
func atMost(stat func() (fs.FileInfo, error), open func() (fs.File, error), name string, n int64) ([]byte, error) {
	st, err := stat()
	if err != nil {
		return nil, err
	}
	if err := regular(name, st); err != nil {
		return nil, err
	}
	f, err := open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, n))
}

func regular(name string, st fs.FileInfo) error {
	if st.Mode().IsRegular() {
		return nil
	}
	kind := "something other than a file"
	switch {
	case st.IsDir():
		kind = "a directory"
	case st.Mode()&fs.ModeNamedPipe != 0:
		kind = "a named pipe (FIFO)"
	case st.Mode()&fs.ModeDevice != 0:
		kind = "a device"
	case st.Mode()&fs.ModeSocket != 0:
		kind = "a socket"
	}
	return &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("is %s, not a regular file", kind)}
}

// Dir opens dir as a file system that refuses every path, symbolic links included,
// leading outside it (os.Root). close releases it.
func Dir(dir string) (fsys fs.FS, close func(), err error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, nil, err
	}
	return root.FS(), func() { root.Close() }, nil
}

// InvalidUTF8At is the byte offset of the first invalid UTF-8 sequence in b, or len(b).
func InvalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}
