package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/berth-dev/berth/generator/finding"
)

// Rules is the catalogue of berth's own lint rules, in ID order: berth lint --explain and
// SARIF describe them, README lists them. Each is declared beside the check that applies
// it; BuildKit's rules are reported as buildkit/<Name> and are not in the catalogue.
var Rules = []finding.Rule{
	ruleGOROOT,
	ruleGoEnvW,
	ruleGoBuildA,
	ruleSourcesBeforeDownload,
	ruleCacheMounts,
	ruleCGOExplicit,
	ruleCGOLibc,
	ruleCACerts,
	ruleTZData,
	ruleMissingProgram,
	ruleUser,
	ruleUnpinned,
	ruleVendorIgnored,
	ruleVendorNotSent,
	ruleVendorFlag,
	ruleGoModIgnored,
	ruleInsecureGoEnv,
	ruleSecrets,
	ruleTrimpath,
	ruleStripSymbols,
	ruleUnreadableText,
	rulePolicyRequired,
	rulePolicyValue,
	rulePolicyForbidden,
}

// RuleByID finds a rule of the catalogue by its ID, in any case.
func RuleByID(id string) (finding.Rule, bool) {
	i := slices.IndexFunc(Rules, func(r finding.Rule) bool { return strings.EqualFold(r.ID, id) })
	if i < 0 {
		return finding.Rule{}, false
	}
	return Rules[i], true
}

// Explain is the text of berth lint --explain ID.
func Explain(id string) (string, error) {
	r, ok := RuleByID(id)
	if !ok {
		var ids []string
		for _, r := range Rules {
			ids = append(ids, r.ID)
		}
		return "", fmt.Errorf("no rule %q; rules: %s (and buildkit/<Name> from BuildKit's linter)", id, strings.Join(ids, ", "))
	}
	return fmt.Sprintf("%s (%s): %s\n\n%s\n\nFix: %s\n", r.ID, r.Severity, r.Title, r.Why, r.Fix), nil
}
