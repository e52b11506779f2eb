package sbom

import "testing"

// TestStampedVersion: the version a build stamps with -X, in the forms go build takes.
func TestStampedVersion(t *testing.T) {
	for ldflags, want := range map[string]string{
		"-s -w -X main.version=1.2.3":                          "1.2.3",
		"-X=github.com/acme/app/internal/build.Version=v2.0.0": "v2.0.0",
		"-s -w -X main.commit=abc":                             "",
		"-s -w":                                                "",
		"-X":                                                   "",
	} {
		if got := stampedVersion(ldflags); got != want {
			t.Errorf("%q: %q, want %q", ldflags, got, want)
		}
	}
}
