//go:build cgo

// Package checksum sums bytes, in C when cgo is on.
package checksum

/*
static unsigned int sum(const unsigned char *p, int n) {
	unsigned int s = 0;
	for (int i = 0; i < n; i++) s += p[i];
	return s;
}
*/
import "C"

import (
	"unsafe"

	"example.com/checksum/internal/dl"
)

// Sum adds the bytes.
func Sum(b []byte) uint32 {
	if len(b) == 0 || !dl.Ready() {
		return 0
	}
	return uint32(C.sum((*C.uchar)(unsafe.Pointer(&b[0])), C.int(len(b))))
}
