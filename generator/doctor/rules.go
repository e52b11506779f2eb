package doctor

import "github.com/berth-dev/berth/generator/finding"

// Rules is the catalogue of doctor's checks, in ID order; README's table lists them.
var Rules = []finding.Rule{ruleGo, ruleGOROOTOther, ruleGOROOTTree, ruleGOROOTRelease, rulePath, ruleGOENV, ruleGOFLAGS, ruleChecksums, ruleCgoCompiler, ruleToolchain, ruleBuildKit}
