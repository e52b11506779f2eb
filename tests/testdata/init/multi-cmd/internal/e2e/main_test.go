package main

import "testing"

func TestShop(t *testing.T) {}
