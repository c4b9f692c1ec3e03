// Package operation is the one table of AIDA's operations: every command and read that the
// REST API and the NATS request-reply door (aida.cmd.<kind>.<id>) serve, with its HTTP method
// and path, its NATS command name, how its input decodes into a command, which entity call
// runs it, its success status, its summary and the least role that may call it.
//
// The doors are built from the table: edge registers a fiber route for every row, edge/natscmd
// answers every row that has a NATS name, and the OpenAPI document is generated from the rows.
// A door only turns its request into an Input (REST: path, query and body; NATS: the data
// object) and the Result back into its answer, so the two doors cannot drift apart.
//
// Adding an operation is one row in table.go plus its domain code (a command in api/proto, its
// decoder in api/rest, its rules in the entity's package).
package operation
