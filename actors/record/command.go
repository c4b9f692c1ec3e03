package record

import "github.com/aidacrm/aida/api/aidapb"

// CommandName is the name of cmd's body field, like "capture_lead", for the message that says
// a kind does not take a command; "" when cmd or its body is nil.
func CommandName(cmd *aidapb.Command) string {
	if cmd == nil {
		return ""
	}
	m := cmd.ProtoReflect()
	fd := m.WhichOneof(m.Descriptor().Oneofs().ByName("body"))
	if fd == nil {
		return ""
	}
	return string(fd.Name())
}
