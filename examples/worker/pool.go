package worker

import "sync"

// Pool counts finished jobs correctly: a look-alike that gohint leaves alone.
func Pool(jobs []string) int {
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		done int
	)
	results := make(chan string, len(jobs))
	for _, j := range jobs {
		wg.Add(1)
		go func(j string) {
			defer wg.Done()
			results <- j
			mu.Lock()
			done++
			mu.Unlock()
		}(j)
	}
	wg.Wait()
	close(results)
	names := make([]string, 0, len(jobs))
	for r := range results {
		names = append(names, r)
	}
	return done + len(names)
}
