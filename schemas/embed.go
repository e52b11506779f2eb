// Package schemas carries the descriptor JSON Schema inside the berth binary.
package schemas

import _ "embed"

// Service is service.schema.json, the descriptor schema (draft-07).
//
//go:embed service.schema.json
var Service []byte

// ServiceID is the schema's $id; the compiler registers the schema under it so that
// messages never carry a local path.
const ServiceID = "https://raw.githubusercontent.com/berth-dev/berth/main/schemas/service.schema.json"
