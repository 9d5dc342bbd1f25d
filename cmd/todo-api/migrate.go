package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/todo-api/todo-api/internal/config"
	"github.com/todo-api/todo-api/internal/migrate"
)

// runMigrate is `todo-api migrate up|down|status`, over DATABASE_DIRECT_URL when set.
func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		return &usageError{"migrate needs one of: up, down, status"}
	}
	cfg, err := config.LoadMigrate(getenv)
	if err != nil {
		return err
	}
	dsn := cfg.MigrationURL()
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	switch args[0] {
	case "up":
		return migrate.Up(ctx, dsn, logger)
	case "down":
		return migrate.Down(ctx, dsn, logger)
	case "status":
		return migrate.Status(ctx, dsn, stdout)
	}
	return &usageError{fmt.Sprintf("migrate: unknown action %q (up, down, status)", args[0])}
}
