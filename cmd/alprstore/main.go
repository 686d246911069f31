// Command alprstore is the reference cloud store of plate reads: `serve`
// (the default) runs the v1 API; `user ...` and `camera add` administer the
// database, each command audited with actor cli:<os user>.
package main

import (
	"fmt"
	"os"
	_ "time/tzdata" // --timezone works on machines without a zoneinfo database
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "alprstore:", err)
		os.Exit(exitCode(err))
	}
}
