// Command cobro is the whole of cobro in one binary: see `cobro help`.
package main

import (
	"os"
	// The zone database travels in the binary (~450 KB): "today" is computed
	// in the company's zone even where the system has none.
	_ "time/tzdata"

	"cobro/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
