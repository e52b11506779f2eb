//go:build !linux

package probe

import (
	"errors"
	"io"
	"syscall"
)

var errNoNamespaces = errors.New("--probe needs Linux network namespaces; run berth init without --probe")

func namespacesAvailable() error { return errNoNamespaces }

func namespaceAttr() *syscall.SysProcAttr { return nil }

func programUID() int { return -1 }

// Helper is Linux-only.
func Helper(io.Reader, io.Writer) error { return errNoNamespaces }
