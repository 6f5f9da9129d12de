package main

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
	fmt.Println("stopping")
	close(done)
}

func main() {
	for v := range produce([]int{1, 2, 3}) {
		fmt.Println(v)
	}
	stop(make(chan struct{}))
}
