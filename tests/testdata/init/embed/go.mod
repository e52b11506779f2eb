module github.com/acme/storefront

go 1.26.0
