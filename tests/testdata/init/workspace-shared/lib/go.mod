module example.com/wss/lib

go 1.26.0
