// Package dl loads the C fast path. Only the cgo build of checksum imports it, so
// with cgo off it is not in the build graph at all (as purego's internal/cgo).
package dl

/*
static int ready(void) { return 1; }
*/
import "C"

// Ready reports whether the C side is loaded.
func Ready() bool { return C.ready() == 1 }
