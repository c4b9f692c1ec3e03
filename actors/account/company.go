package account

import "strings"

// NormalizeCompany is the unique key of an account's company name: trimmed, runs of white
// space collapsed to one space, lower case. It strips no legal suffixes: "Acme" and
// "Acme Inc" are different keys.
func NormalizeCompany(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}
