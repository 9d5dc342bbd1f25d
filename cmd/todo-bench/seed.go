package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/todo-api/todo-api/internal/devissuer"
)

// benchUser is a seeded user: its token, the ids of its tasks and of its lists (other than
// the inbox; only the lists users have any), and of the lists others share with it (only the
// shared-list members have any).
type benchUser struct {
	ID     string
	Token  string
	Tasks  []string
	Lists  []string
	Shared []string
}

var client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

// seed creates users×tasks tasks through the API, 16 requests at a time.
func seed(ctx context.Context, base string, iss *devissuer.Issuer, users, tasks int) ([]*benchUser, error) {
	out := make([]*benchUser, users)
	for i := range out {
		id := fmt.Sprintf("bench-user-%03d", i+1)
		tok, err := iss.Mint(id, 2*time.Hour, "todo-bench", "todo-bench")
		if err != nil {
			return nil, err
		}
		out[i] = &benchUser{ID: id, Token: tok}
	}
	type job struct {
		u *benchUser
		n int
	}
	jobs := make(chan job)
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				id, err := createTask(ctx, base, j.u.Token, j.n)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if err == nil {
					j.u.Tasks = append(j.u.Tasks, id)
				}
				mu.Unlock()
			}
		}()
	}
	for n := 0; n < tasks; n++ {
		for _, u := range out {
			jobs <- job{u, n}
		}
	}
	close(jobs)
	wg.Wait()
	return out, firstErr
}

// Lists (issue 14): each lists user has seedLists lists of seedListTasks tasks, and every
// tenth task of a list has two subtasks (in the same list).
const (
	seedLists       = 10
	seedListTasks   = 50
	seedSubtaskStep = 10
)

// seedListUsers creates users "bench-lists-NNN" through the API, each with seedLists lists
// of seedListTasks tasks and their subtasks; one goroutine a user.
func seedListUsers(ctx context.Context, base string, iss *devissuer.Issuer, users int) ([]*benchUser, error) {
	out := make([]*benchUser, users)
	errs := make([]error, users)
	var wg sync.WaitGroup
	for i := range out {
		id := fmt.Sprintf("bench-lists-%03d", i+1)
		tok, err := iss.Mint(id, 2*time.Hour, "todo-bench", "todo-bench")
		if err != nil {
			return nil, err
		}
		u := &benchUser{ID: id, Token: tok}
		out[i] = u
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = seedListUser(ctx, base, u)
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

func seedListUser(ctx context.Context, base string, u *benchUser) error {
	for l := range seedLists {
		list, err := post(ctx, base+"/api/lists", u.Token, map[string]any{"name": fmt.Sprintf("List %d", l)})
		if err != nil {
			return err
		}
		u.Lists = append(u.Lists, list)
		for n := range seedListTasks {
			f := taskFields(n)
			f["list_id"] = list
			task, err := post(ctx, base+"/api/tasks", u.Token, f)
			if err != nil {
				return err
			}
			u.Tasks = append(u.Tasks, task)
			if n%seedSubtaskStep != 0 {
				continue
			}
			for k := range 2 {
				f := taskFields(k)
				f["parent_id"] = task
				sub, err := post(ctx, base+"/api/tasks", u.Token, f)
				if err != nil {
					return err
				}
				u.Tasks = append(u.Tasks, sub)
			}
		}
	}
	return nil
}

// seedSharedMembers makes, for each lists user, one user "bench-shared-NNN" an editor of its
// first list, through the API (an invite, then its acceptance): the lists-shared scenario's
// users, who list a shared list as the lists users list an own one (lists-one) of the same
// size. Members of their own, so that the lists users' other scenarios stay those of callers
// who share nothing.
func seedSharedMembers(ctx context.Context, base string, iss *devissuer.Issuer, owners []*benchUser) ([]*benchUser, error) {
	out := make([]*benchUser, len(owners))
	for i, owner := range owners {
		id := fmt.Sprintf("bench-shared-%03d", i+1)
		tok, err := iss.Mint(id, 2*time.Hour, "todo-bench", "todo-bench")
		if err != nil {
			return nil, err
		}
		list := owner.Lists[0]
		var invite struct {
			Token string `json:"token"`
		}
		if err := send(ctx, base+"/api/lists/"+list+"/invites", owner.Token, map[string]any{"role": "editor"}, http.StatusCreated, &invite); err != nil {
			return nil, err
		}
		if err := send(ctx, base+"/api/invites/"+invite.Token+"/accept", tok, nil, http.StatusOK, nil); err != nil {
			return nil, err
		}
		// Its tasks are the owner's list's: what lists-shared's members may read by id.
		out[i] = &benchUser{ID: id, Token: tok, Tasks: owner.Tasks[:seedListTasks], Shared: []string{list}}
	}
	return out, nil
}

// taskFields is the body of the n-th seeded task.
func taskFields(n int) map[string]any {
	prio := []string{"low", "medium", "high"}[n%3]
	return map[string]any{
		"title": fmt.Sprintf("Seeded task %d", n), "priority": prio,
		"description": "A task created by the benchmark's seed step.",
		"tags":        []string{"bench", prio},
	}
}

func createTask(ctx context.Context, base, token string, n int) (string, error) {
	return post(ctx, base+"/api/tasks", token, taskFields(n))
}

// post creates a resource (201 expected) and returns its id.
func post(ctx context.Context, url, token string, fields map[string]any) (string, error) {
	var t struct {
		ID string `json:"id"`
	}
	if err := send(ctx, url, token, fields, http.StatusCreated, &t); err != nil {
		return "", err
	}
	return t.ID, nil
}

// send POSTs fields (none when nil) and decodes the answer of status want into out (when
// not nil).
func send(ctx context.Context, url, token string, fields map[string]any, want int, out any) error {
	var body []byte
	if fields != nil {
		body, _ = json.Marshal(fields)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if fields != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != want {
		return fmt.Errorf("POST %s: status %d", url, res.StatusCode)
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(res.Body).Decode(out)
}
