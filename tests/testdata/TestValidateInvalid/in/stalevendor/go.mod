module example.com/stale

go 1.26.0

require example.com/dep v1.1.0
