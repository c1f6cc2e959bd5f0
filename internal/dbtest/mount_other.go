//go:build !linux

package dbtest

import "testing"

// SmallDisk needs Linux (a tmpfs mount): elsewhere the test is skipped.
func SmallDisk(t testing.TB, size int) string {
	t.Skip("a small file system to fill needs Linux")
	return ""
}

// ReadOnly needs Linux.
func ReadOnly(t testing.TB, dir string) string {
	t.Skip("needs Linux")
	return ""
}

// Fill needs Linux.
func Fill(t testing.TB, dir string) { t.Skip("needs Linux") }

// Immutable needs Linux.
func Immutable(t testing.TB, path string) { t.Skip("needs Linux") }
