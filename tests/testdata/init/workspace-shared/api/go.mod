module example.com/wss/api

go 1.26.0

require example.com/wss/lib v0.0.0
