package clienttest_test

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/todo-api/todo-api/internal/apitest"
	"github.com/todo-api/todo-api/internal/dbtest"
	"github.com/todo-api/todo-api/internal/proctest"
)

// tsDir is the TypeScript client package, relative to this package.
const tsDir = "../../gen/ts"

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestTypeScriptClient runs `npm test` in gen/ts against a live server: the generated client
// creates, lists (filtered, paged by the Link cursor), patches, completes and deletes tasks,
// and gets 401, 404 and 422 back as typed TodoApiErrors.
func TestTypeScriptClient(t *testing.T) {
	t.Parallel()
	const node = "the TypeScript client test needs Node.js >= 20.19 and npm"
	npm := proctest.FindTool(t, "npm", node)
	proctest.FindTool(t, "node", node)
	if _, err := os.Stat(filepath.Join(tsDir, "node_modules")); err != nil {
		proctest.MissingTool(t, "gen/ts/node_modules is missing: run `npm --prefix gen/ts ci` (make test does)")
	}

	// A stopped clock: collection ETags that move with the minute (stats) hold while the
	// client checks its 304s.
	stopped := time.Now()
	e := apitest.New(t, apitest.Options{Now: func() time.Time { return stopped }, Live: &apitest.Live{}})
	// Tokens live 15 minutes; the suite takes seconds.
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "test", "--silent")
	cmd.Dir = tsDir
	cmd.Env = append(os.Environ(),
		"TODO_API_URL="+e.URL,
		"TODO_API_TOKEN_A="+e.Token(t, "user-a"),
		"TODO_API_TOKEN_B="+e.Token(t, "user-b"),
		"TODO_API_TOKEN_C="+e.Token(t, "user-c"), // the live stream test's own user
		"NO_COLOR=1",
	)
	out := logWriter(t)
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 10 * time.Second // npm's child node may outlive a cancelled npm
	if err := cmd.Run(); err != nil {
		t.Fatalf("the TypeScript client test failed (npm test in gen/ts): %v", err)
	}
}

// logWriter returns a writer that passes each line to t.Log as it arrives: streamed with -v,
// shown with the failure otherwise. Close flushes the last line.
func logWriter(t *testing.T) io.WriteCloser {
	r, w := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			t.Log(sc.Text())
		}
		_, _ = io.Copy(io.Discard, r) // an over-long line: keep the writer unblocked
	}()
	return closer{w, done}
}

type closer struct {
	*io.PipeWriter
	done chan struct{}
}

func (c closer) Close() error {
	err := c.PipeWriter.Close()
	<-c.done
	return err
}
