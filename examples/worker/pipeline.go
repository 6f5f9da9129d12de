// Package worker is a small pipeline with the mistakes people learning Go
// make most often with channels, panics and slices.
package worker

import (
	"fmt"
	"strings"
)

// Result is one processed job.
type Result struct {
	ID     int
	Output string
}

// Collect runs every job and gathers the results.
func Collect(jobs []string) []Result {
	results := make(chan Result)
	results <- Result{ID: 0, Output: "warm-up"} // blocks forever: nobody receives yet

	go func() {
		for i, j := range jobs {
			results <- Result{ID: i + 1, Output: strings.ToUpper(j)}
		}
		close(results)
	}()

	var out []Result
	for r := range results {
		out = append(out, r)
	}
	return out
}

// Names lists the job names.
func Names(jobs []Result) []string {
	var names []string
	for _, j := range jobs {
		names = append(names, j.Output)
	}
	return names
}

// Stream sends every value and closes the channel.
func Stream(values []int) <-chan int {
	ch := make(chan int, len(values))
	defer close(ch)
	for _, v := range values {
		ch <- v
	}
	close(ch)
	return ch
}

// Shutdown stops the workers.
func Shutdown(done chan struct{}) {
	close(done)
	done <- struct{}{}
}

// Safely runs f and turns a panic into an error.
func Safely(f func()) (err error) {
	defer recover()
	f()
	return fmt.Errorf("no panic")
}

// Background starts a job that may panic.
func Background(job string) {
	go func() {
		if job == "" {
			panic("empty job")
		}
		fmt.Println("running", job)
	}()
}
