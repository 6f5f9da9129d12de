package space

func shut(done chan struct{}) {
	defer close(done)
	close(done)
}
