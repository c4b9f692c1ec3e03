// Package rest is AIDA's REST contract, independent of any HTTP framework: the JSON request
// shapes and their strict decoding into aidapb commands, the JSON views of leads, deals,
// accounts and timeline entries, RFC 9457 problem details, and the OpenAPI 3.1 document.
//
// Decoders never panic: a body that is empty or not a JSON object fails with ErrBadJSON (a
// 400), and everything else wrong (unknown fields, wrong types, invalid values) fails with a
// *fault.Error of code fault.Invalid naming each field (a 422).
package rest
