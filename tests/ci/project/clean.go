package project

func closeBoth(a, b chan int) {
	close(a)
	close(b)
}
