package apitest

import (
	"errors"
	"net/http"
	"testing"
)

// TestCheckResponse: the shared contract check passes a conforming response and catches each
// kind of break (so the suites that rely on it cannot pass vacuously).
func TestCheckResponse(t *testing.T) {
	const id = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
	task := `{"id":"` + id + `","title":"t","description":null,"completed":false,"priority":"medium","due_date":null,` +
		`"due_time":null,"repeat":"none","tags":[],"position":"a0","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z","completed_at":null,` +
		`"list_id":"` + id + `","parent_id":null,"subtasks":{"total":0,"completed":0}}`
	problem := `{"type":"about:blank","title":"Not Found","status":404,"detail":"No such task.","instance":"r1"}`
	jsonHeader := http.Header{"Content-Type": {"application/json"}, "Etag": {`"1"`}}
	for _, tc := range []struct {
		name, path string
		status     int
		header     http.Header
		body       string
		want       string // "" ok, "outside", "break"
	}{
		{"a task", "/api/tasks/" + id, 200, jsonHeader, task, ""},
		{"a problem", "/api/tasks/" + id, 404, http.Header{"Content-Type": {"application/problem+json"}}, problem, ""},
		{"a required field missing", "/api/tasks/" + id, 200, jsonHeader, `{"id":"` + id + `"}`, "break"},
		{"a wrong type", "/api/tasks/" + id, 200, jsonHeader, `{"id":1}`, "break"},
		{"an undeclared status", "/api/tasks/" + id, 418, http.Header{"Content-Type": {"application/problem+json"}}, problem, "break"},
		{"an operational endpoint", "/healthz", 200, jsonHeader, `{}`, "outside"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hr, _ := http.NewRequest(http.MethodGet, "http://example.test"+tc.path, nil)
			hr.Header.Set("Authorization", "Bearer x")
			err := CheckResponse(hr, nil, tc.status, tc.header, []byte(tc.body))
			switch tc.want {
			case "":
				if err != nil {
					t.Fatalf("want no error, got %v", err)
				}
			case "outside":
				if !errors.Is(err, ErrOutsideContract) {
					t.Fatalf("want ErrOutsideContract, got %v", err)
				}
			default:
				if err == nil || errors.Is(err, ErrOutsideContract) {
					t.Fatalf("want a contract break, got %v", err)
				}
			}
		})
	}
}
