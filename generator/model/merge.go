package model

// Nulls says what a null in the overriding map means to Merge.
type Nulls int

const (
	// KeepNulls keeps a null in the result, as Helm's merge of value files does: Helm
	// deletes the key only when it coalesces the result with the chart's defaults.
	KeepNulls Nulls = iota
	// NullsDelete removes the key, as a descriptor environment's override does; a null
	// for something the base never had leaves nothing behind.
	NullsDelete
)

// Merge returns over applied to base: maps merge key by key, anything else in over
// (lists and scalars) replaces. Neither input is modified. This one rule serves the
// descriptor's environments and Helm's value files alike; only nulls differ.
func Merge(base, over map[string]any, nulls Nulls) map[string]any {
	out := make(map[string]any, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		if v == nil && nulls == NullsDelete {
			delete(out, k)
			continue
		}
		if om, ok := v.(map[string]any); ok {
			bm, isMap := out[k].(map[string]any)
			if isMap || nulls == NullsDelete {
				out[k] = Merge(bm, om, nulls)
				continue
			}
		}
		out[k] = v
	}
	return out
}
