package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/template"
	"time"
)

// The wrk script picks a random user (and one of its tasks, or lists) for every request, so
// every request carries a different user's token, as production traffic does. The lists-*
// scenarios run on the lists users (seedListUsers): lists-one lists one of the user's lists
// (list_id), lists-all all of them, lists-single reads a task, lists-create creates one in a
// list; lists-shared lists a list another user shares with the caller, of lists-one's size
// (seedSharedMembers). Its done() hook
// prints one JSON line that the driver reads.
const luaTemplate = `
local users = {
{{- range .Users}}
  { tok = "{{.Token}}", ids = { {{range $i, $id := .Tasks}}{{if $i}},{{end}}"{{$id}}"{{end}} }, lists = { {{range $i, $id := .Lists}}{{if $i}},{{end}}"{{$id}}"{{end}} }, shared = { {{range $i, $id := .Shared}}{{if $i}},{{end}}"{{$id}}"{{end}} } },
{{- end}}
}
local scenario = "{{.Scenario}}"
local counter = 0

function setup(thread)
  thread:set("seed", math.random(1, 2^30))
end

function init(args)
  math.randomseed(seed)
end

local function pick()
  local u = users[math.random(#users)]
  return u, u.ids[math.random(#u.ids)]
end

local function get_list(u)
  return wrk.format("GET", "/api/tasks?limit=50", { ["Authorization"] = "Bearer " .. u.tok })
end

local function get_list_gzip(u)
  return wrk.format("GET", "/api/tasks?limit=50", { ["Authorization"] = "Bearer " .. u.tok, ["Accept-Encoding"] = "gzip" })
end

local function get_one_list(u)
  local l = u.lists[math.random(#u.lists)]
  return wrk.format("GET", "/api/tasks?limit=50&list_id=" .. l, { ["Authorization"] = "Bearer " .. u.tok })
end

local function get_shared_list(u)
  local l = u.shared[math.random(#u.shared)]
  return wrk.format("GET", "/api/tasks?limit=50&list_id=" .. l, { ["Authorization"] = "Bearer " .. u.tok })
end

local function create_in_list(u)
  counter = counter + 1
  local l = u.lists[math.random(#u.lists)]
  return wrk.format("POST", "/api/tasks", { ["Authorization"] = "Bearer " .. u.tok, ["Content-Type"] = "application/json" },
    '{"title":"wrk task ' .. counter .. '","priority":"high","tags":["load"],"list_id":"' .. l .. '"}')
end

local function get_single(u, id)
  return wrk.format("GET", "/api/tasks/" .. id, { ["Authorization"] = "Bearer " .. u.tok })
end

local function create(u)
  counter = counter + 1
  return wrk.format("POST", "/api/tasks", { ["Authorization"] = "Bearer " .. u.tok, ["Content-Type"] = "application/json" },
    '{"title":"wrk task ' .. counter .. '","priority":"high","tags":["load"]}')
end

local function toggle(u, id)
  local v = "true"
  if math.random(2) == 1 then v = "false" end
  return wrk.format("PATCH", "/api/tasks/" .. id .. "/complete", { ["Authorization"] = "Bearer " .. u.tok, ["Content-Type"] = "application/json" },
    '{"completed":' .. v .. '}')
end

function request()
  local u, id = pick()
  if scenario == "list" or scenario == "lists-all" then return get_list(u) end
  if scenario == "single" or scenario == "lists-single" then return get_single(u, id) end
  if scenario == "list-gzip" then return get_list_gzip(u) end
  if scenario == "create" then return create(u) end
  if scenario == "lists-one" then return get_one_list(u) end
  if scenario == "lists-shared" then return get_shared_list(u) end
  if scenario == "lists-create" then return create_in_list(u) end
  local r = math.random(100)
  if r <= 40 then return get_list(u) end
  if r <= 80 then return get_single(u, id) end
  if r <= 90 then return create(u) end
  return toggle(u, id)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"bytes":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"non2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d}\n',
    summary.requests, summary.bytes, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
`

// wrkResult is what one wrk run measured.
type wrkResult struct {
	Requests   int64 `json:"requests"`
	Bytes      int64 `json:"bytes"` // read from the server, headers included
	DurationUS int64 `json:"duration_us"`
	P50US      int64 `json:"p50_us"`
	P99US      int64 `json:"p99_us"`
	MaxUS      int64 `json:"max_us"`
	Non2xx     int64 `json:"non2xx"`
	Connect    int64 `json:"connect"`
	Read       int64 `json:"read"`
	Write      int64 `json:"write"`
	Timeout    int64 `json:"timeout"`
}

func (r wrkResult) rps() float64 { return float64(r.Requests) / (float64(r.DurationUS) / 1e6) }

func (r wrkResult) errors() int64 { return r.Non2xx + r.Connect + r.Read + r.Write + r.Timeout }

func writeScript(dir, scenario string, users []*benchUser) (string, error) {
	t := template.Must(template.New("lua").Parse(luaTemplate))
	var b strings.Builder
	if err := t.Execute(&b, map[string]any{"Users": users, "Scenario": scenario}); err != nil {
		return "", err
	}
	path := filepath.Join(dir, scenario+".lua")
	return path, os.WriteFile(path, []byte(b.String()), 0o644)
}

// runWrk drives the server with wrk (2 threads, conns connections) for d.
func runWrk(ctx context.Context, base, script string, conns int, d time.Duration) (wrkResult, error) {
	threads := 2
	if conns < threads {
		threads = conns
	}
	cmd := exec.CommandContext(ctx, "wrk", "-t", fmt.Sprint(threads), "-c", fmt.Sprint(conns),
		"-d", fmt.Sprintf("%ds", int(d.Seconds())), "--timeout", "5s", "-s", script, base)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %w: %s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if j, ok := strings.CutPrefix(line, "WRKJSON "); ok {
			var r wrkResult
			if err := json.Unmarshal([]byte(j), &r); err != nil {
				return wrkResult{}, fmt.Errorf("wrk output: %w", err)
			}
			return r, nil
		}
	}
	return wrkResult{}, fmt.Errorf("wrk printed no result: %s", out)
}
