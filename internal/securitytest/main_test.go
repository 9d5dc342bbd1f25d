package securitytest

import (
	"testing"

	"github.com/todo-api/todo-api/internal/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }
