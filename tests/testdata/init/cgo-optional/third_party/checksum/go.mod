module example.com/checksum

go 1.26
