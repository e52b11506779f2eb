module github.com/acme/money

go 1.26.0
