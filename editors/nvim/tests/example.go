package example

import "fmt"

func produce(vs []int) <-chan int {
	ch := make(chan int, len(vs))
	for _, v := range vs {
		ch <- v
	}
	close(ch)
	close(ch)
	return ch
}

func stop(done chan struct{}) {
	defer close(done)
	go fmt.Println("stopping")
	close(done)
}
