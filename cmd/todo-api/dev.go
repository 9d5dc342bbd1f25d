package main

import (
	"context"
	"errors"
	"io"
)

func runDev(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return errors.New("dev: not built yet")
}

func runToken(args []string, stdout io.Writer) error {
	return errors.New("token: not built yet")
}
