module example.com/gohint-demo

go 1.22
