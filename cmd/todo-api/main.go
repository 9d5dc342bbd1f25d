// Command todo-api is the Todo API service: `serve` runs it in production, `migrate`
// manages the schema, `dev` runs it locally with nothing to configure, `token` mints
// development tokens and `version` prints the build.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/todo-api/todo-api/internal/config"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// usageError is a bad command line: exit status 2 with the usage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode prints err (if any) as one line and picks the exit status: 2 for bad usage or
// configuration, 1 for anything else.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "todo-api:", err)
	var ue *usageError
	var ce *config.Error
	if errors.As(err, &ue) || errors.As(err, &ce) || errors.Is(err, errSetup) {
		if ue != nil {
			fmt.Fprint(stderr, usage)
		}
		return 2
	}
	return 1
}

// errSetup marks errors a person fixes on their machine (missing PostgreSQL binaries, a
// port in use): exit status 2 like a configuration error.
var errSetup = errors.New("setup")

const usage = `usage:
  todo-api serve [--no-migrate]          run the service (configuration from the environment)
  todo-api migrate up|down|status         manage the database schema (DATABASE_URL)
  todo-api dev [--data-dir DIR] [--listen ADDR]   run locally: own PostgreSQL cluster, development issuer
  todo-api token --sub ID [--ttl 1h] [--data-dir DIR]   mint a development token
  todo-api version                        print the version
`

// run is the whole program, with its environment passed in so tests can call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return &usageError{"a command is required"}
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], getenv, stderr)
	case "migrate":
		return runMigrate(ctx, args[1:], getenv, stdout, stderr)
	case "dev":
		return runDev(ctx, args[1:], getenv, stdout, stderr)
	case "token":
		return runToken(args[1:], stdout)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "todo-api", version)
		return nil
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return &usageError{fmt.Sprintf("unknown command %q", args[0])}
}
