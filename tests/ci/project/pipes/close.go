package pipes

// twice closes its channel twice; the emoji before the second close makes
// its UTF-16 column differ from its byte column.
func twice(ch chan int) {
	close(ch)
	s := "héllo 😀"; close(ch)
	_ = s
}

type worker struct{ quit chan struct{} }

func (w *worker) stop() {
	close(w.quit)
	close(w.quit)
}
