package pipes

func drain(ch chan int) {
	close(ch)
	//gohint:ignore double-close -- the caller recovers the panic on purpose
	close(ch)
}

func stale(ch chan int) {
	//gohint:ignore double-close -- nothing left to silence
	close(ch)
}
