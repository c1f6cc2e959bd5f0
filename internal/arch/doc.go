// Package arch holds no code: its tests keep the import directions of
// docs/architecture.md, read from the packages' real imports. The rules are
// a table in arch_test.go (a rank per package, and the named rules such as
// "faces never import store"); a new package gets a line there, or the test
// fails and says so.
package arch
