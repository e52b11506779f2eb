module example.com/runtimeport

go 1.26
