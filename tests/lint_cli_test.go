package tests

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/berth-dev/berth/generator/doctor"
	"github.com/berth-dev/berth/generator/finding"
	"github.com/berth-dev/berth/generator/lint"
	"github.com/berth-dev/berth/tests/testutil"
)

// lintCorpus runs berth lint over every bad case at once, from the repository root of
// the corpus, in the given format.
func lintCorpus(t *testing.T, format string) (int, string) {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join("testdata", "lint", "bad", "*"))
	var abs []string
	for _, d := range dirs {
		a, _ := filepath.Abs(d)
		abs = append(abs, a)
	}
	code, stdout, stderr := runBerth(t, "", append([]string{"lint", "--output", format}, abs...)...)
	if stderr != "" {
		t.Fatalf("stderr: %s", stderr)
	}
	return code, stdout
}

// TestLintSARIFValidates: the SARIF log of the whole bad corpus validates against
// the SARIF 2.1.0 JSON schema (Microsoft's sarif-2.1.0-rtm.5.json, fetched by make
// tools), and a log broken on purpose does not.
func TestLintSARIFValidates(t *testing.T) {
	schema := sarifSchema(t)
	code, out := lintCorpus(t, "sarif")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err != nil {
		t.Fatalf("SARIF does not validate: %v", err)
	}
	var log struct {
		Runs []struct {
			Results []struct{ RuleID string }
			Tool    struct {
				Driver struct{ Rules []struct{ ID string } }
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("runs: %v", err)
	}
	if n := len(log.Runs[0].Results); n < 60 {
		t.Errorf("only %d results", n)
	}
	if n := len(log.Runs[0].Tool.Driver.Rules); n < len(lint.Rules) {
		t.Errorf("%d rules described, want at least %d", n, len(lint.Rules))
	}
	broken, _ := jsonschema.UnmarshalJSON(strings.NewReader(strings.Replace(out, `"level": "error"`, `"level": "fatal"`, 1)))
	if schema.Validate(broken) == nil {
		t.Error("the schema accepted level \"fatal\": the validator is not live")
	}
}

// sarifSchema compiles the SARIF 2.1.0 JSON schema (Microsoft's sarif-2.1.0-rtm.5.json,
// fetched by make tools).
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(testutil.ReadFile(t, tool(t, "sarif-schema/sarif-2.1.0-rtm.5.json"))))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("file:///sarif.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("file:///sarif.json")
	if err != nil {
		t.Fatal(err)
	}
	return schema
}

// TestFindingsSARIFValidates: validate and doctor share lint's writer, so their SARIF
// validates too: descriptor findings carry their JSON pointer as a logical location,
// doctor's findings (no file) carry none.
func TestFindingsSARIFValidates(t *testing.T) {
	schema := sarifSchema(t)
	dir, _ := filepath.Abs("testdata/TestValidateInvalid/in")
	for _, args := range [][]string{
		{"validate", "--output", "sarif", "-f", filepath.Join(dir, "secret-in-env.yaml")},
		{"doctor", "--output", "sarif"},
	} {
		code, out, stderr := runBerth(t, "", args...)
		if stderr != "" || (args[0] == "validate" && code != 1) {
			t.Fatalf("%v: exit %d, stderr %s", args, code, stderr)
		}
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("%v: SARIF does not validate: %v", args, err)
		}
		if args[0] == "validate" && !strings.Contains(out, `"fullyQualifiedName": "/env/DB_PASSWORD"`) {
			t.Errorf("validate's SARIF lacks the descriptor path:\n%s", out)
		}
	}
}

func TestLintJSON(t *testing.T) {
	code, out := lintCorpus(t, "json")
	var got struct {
		OK       bool
		Findings finding.List
		Errors   int
		Warnings int
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if code != 1 || got.OK || got.Errors == 0 || got.Warnings == 0 || len(got.Findings) != got.Errors+got.Warnings {
		t.Errorf("exit %d, %d errors, %d warnings, %d findings", code, got.Errors, got.Warnings, len(got.Findings))
	}
	for _, f := range got.Findings {
		if f.File == "" || f.Line < 1 || f.Rule == "" || f.Message == "" {
			t.Errorf("incomplete finding %+v", f)
		}
	}
}

// TestDeprecatedOutputFlags: the spellings from before every command said --output
// still work: lint --format and validate -o.
func TestDeprecatedOutputFlags(t *testing.T) {
	dir, _ := filepath.Abs("testdata/TestValidateInvalid/in")
	for _, args := range [][]string{
		{"lint", "--format", "json", filepath.Join("testdata", "lint", "bad", "21-no-user")},
		{"validate", "-o", "json", filepath.Join(dir, "secret-in-env.yaml")},
	} {
		code, out, stderr := runBerth(t, "", args...)
		var got finding.Report
		if err := json.Unmarshal([]byte(out), &got); err != nil || code != 1 || got.OK || got.Errors == 0 {
			t.Errorf("%v: exit %d, %v, report %+v\n%s%s", args, code, err, got, out, stderr)
		}
	}
}

// TestLintCLI: --explain, usage errors and the default ./Dockerfile.
func TestLintCLI(t *testing.T) {
	code, out, _ := runBerth(t, "", "lint", "--explain", "bg102")
	if code != 0 || !strings.Contains(out, "BG102 (error): go env -w before a USER switch") || !strings.Contains(out, "Fix: ") {
		t.Errorf("--explain: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{{"lint", "--explain", "BG999"}, {"lint", "--output", "xml"}, {"lint", "--format", "xml"}} {
		if code, _, stderr := runBerth(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, stderr)
		}
	}
	dir, _ := filepath.Abs(filepath.Join("testdata", "lint", "bad", "21-no-user"))
	if code, out, _ := runBerth(t, dir, "lint"); code != 1 || !strings.HasPrefix(out, "Dockerfile:6:1: BG111") {
		t.Errorf("default ./Dockerfile: exit %d\n%s", code, out)
	}
	if code, _, stderr := runBerth(t, t.TempDir(), "lint"); code != 1 || !strings.Contains(stderr, "Dockerfile") {
		t.Errorf("no Dockerfile: exit %d %s", code, stderr)
	}
}

// TestREADMEDocumentsLintRules: every rule has its row in README's rule table.
func TestREADMEDocumentsLintRules(t *testing.T) {
	readme := string(testutil.ReadFile(t, "../README.md"))
	for _, r := range lint.Rules {
		if !strings.Contains(readme, "| "+r.ID+" | "+r.Severity.String()+" | "+r.Title+" |") {
			t.Errorf("README lacks the row for %s (| %s | %s | %s | …)", r.ID, r.ID, r.Severity, r.Title)
		}
	}
	example := string(testutil.ReadGolden(t, "TestLintBadCorpus/03-seed-multistage-goroot-lost"))
	if !strings.Contains(readme, "&& berth lint\n"+example+"```") {
		t.Error("README's berth lint example differs from testdata/TestLintBadCorpus/03-seed-multistage-goroot-lost.golden")
	}
}

// TestREADMEDocumentsDoctor: every doctor check has its row in README.
func TestREADMEDocumentsDoctor(t *testing.T) {
	readme := string(testutil.ReadFile(t, "../README.md"))
	for _, r := range doctor.Rules {
		if !strings.Contains(readme, "| "+r.ID+" | ") {
			t.Errorf("README lacks the row for %s", r.ID)
		}
	}
}

// TestDoctorCLI: the JSON output is machine-readable whatever this machine's
// toolchain looks like, and a bad --output is a usage error.
func TestDoctorCLI(t *testing.T) {
	code, out, _ := runBerth(t, "", "doctor", "--output", "json")
	var got struct {
		Findings []struct{ Rule, Severity, Message, Fix string }
		OK       bool
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("doctor --output json: %v\n%s", err, out)
	}
	if got.OK != (code == 0) {
		t.Errorf("ok=%v but exit %d", got.OK, code)
	}
	if code, _, _ := runBerth(t, "", "doctor", "--output", "xml"); code != 2 {
		t.Errorf("--output xml: exit %d, want 2", code)
	}
}
