package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/todo-api/todo-api/internal/devissuer"
)

// benchUser is a seeded user: its token and the ids of its tasks.
type benchUser struct {
	ID    string
	Token string
	Tasks []string
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

func createTask(ctx context.Context, base, token string, n int) (string, error) {
	prio := []string{"low", "medium", "high"}[n%3]
	body, _ := json.Marshal(map[string]any{
		"title": fmt.Sprintf("Seeded task %d", n), "priority": prio,
		"description": "A task created by the benchmark's seed step.",
		"tags":        []string{"bench", prio},
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/tasks", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("create: status %d", res.StatusCode)
	}
	var t struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(res.Body).Decode(&t); err != nil {
		return "", err
	}
	return t.ID, nil
}
