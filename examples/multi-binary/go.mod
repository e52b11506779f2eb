module example.com/multi-binary

go 1.26.0
