module example.com/dnsd

go 1.26
