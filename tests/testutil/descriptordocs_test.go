package testutil

import (
	"strings"
	"testing"
)

const docsSchema = `{
  "type": "object",
  "required": ["name"],
  "properties": {
    "name": {"description": "The name.", "type": "string"},
    "sidecars": {"description": "Helpers.", "type": "object", "additionalProperties": {"$ref": "#/definitions/res"}},
    "limits": {"description": "Limits.", "$ref": "#/definitions/res"},
    "mode": {"description": "How.", "enum": ["a", "b|c"], "default": "a"}
  },
  "definitions": {
    "res": {"type": "object", "properties": {"cpu": {"description": "Cores.", "type": ["string", "number"]}}}
  }
}`

func TestDescriptorREADME(t *testing.T) {
	readme := []byte("# x\n<!-- descriptor:start -->\nold\n<!-- descriptor:end -->\ntail\n")
	out, err := DescriptorREADME(readme, []byte(docsSchema))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| `name` | string | The name. Required. |",
		// A definition is expanded under its shortest use; the others point there.
		"| `sidecars` | map | Helpers. Fields as in `limits`. |",
		"| `limits.cpu` | string/number | Cores. |",
		"| `mode` | `a` \\| `b\\|c` | How. Default: a. |",
		"<!-- descriptor:end -->\ntail\n",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "old") || strings.Contains(string(out), "sidecars.NAME.cpu") {
		t.Errorf("stale or repeated rows:\n%s", out)
	}
}

func TestDescriptorREADMERefusesUndescribedFields(t *testing.T) {
	schema := strings.Replace(docsSchema, `"description": "Cores.", `, "", 1)
	_, err := DescriptorREADME([]byte("<!-- descriptor:start --><!-- descriptor:end -->"), []byte(schema))
	if err == nil || !strings.Contains(err.Error(), "limits.cpu has no description") {
		t.Errorf("want an error naming limits.cpu, got %v", err)
	}
	if _, err := DescriptorREADME([]byte("# no section\n"), []byte(docsSchema)); err == nil {
		t.Error("a README without the section was accepted")
	}
}
