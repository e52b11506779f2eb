//go:build !cgo

// Package checksum sums bytes, in pure Go when cgo is off.
package checksum

// Sum adds the bytes.
func Sum(b []byte) uint32 {
	var s uint32
	for _, c := range b {
		s += uint32(c)
	}
	return s
}
