module example.com/ws/svc

go 1.26.0
