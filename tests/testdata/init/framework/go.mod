module example.com/framework

go 1.26
