module example.com/hasher

go 1.26

require example.com/checksum v0.0.0

replace example.com/checksum => ./third_party/checksum
