package rest

import (
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// AutonomyRequest is the body of POST /api/v1/{leads,deals,accounts}/:id/autonomy.
type AutonomyRequest struct {
	Level  int32  `json:"level" doc:"1 draft only, 2 assisted, 3 supervised, 4 delegated, 5 autonomous"`
	Reason string `json:"reason"`
}

// DecodeAutonomy decodes an autonomy change; the body is set_autonomy.
func DecodeAutonomy(body []byte) (*aidapb.Command, error) {
	var r AutonomyRequest
	var fs fault.Fields
	if err := decodeObject(body, &r, &fs); err != nil {
		return nil, err
	}
	level(&fs, "level", r.Level, false)
	text(&fs, "reason", &r.Reason, maxReason)
	if err := report(fs); err != nil {
		return nil, err
	}
	return &aidapb.Command{Body: &aidapb.Command_SetAutonomy{SetAutonomy: &aidapb.SetAutonomy{
		Level: r.Level, Reason: r.Reason,
	}}}, nil
}

// NoteRequest is the body of POST /api/v1/{leads,deals}/:id/notes.
type NoteRequest struct {
	Text string `json:"text" doc:"required, at most 10000 characters"`
}

// DecodeNote decodes a note; the body is add_note, whose author the caller sets.
func DecodeNote(body []byte) (*aidapb.Command, error) {
	var r NoteRequest
	var fs fault.Fields
	if err := decodeObject(body, &r, &fs); err != nil {
		return nil, err
	}
	text(&fs, "text", &r.Text, maxText)
	required(&fs, "text", r.Text)
	if err := report(fs); err != nil {
		return nil, err
	}
	return &aidapb.Command{Body: &aidapb.Command_AddNote{AddNote: &aidapb.AddNote{Text: r.Text}}}, nil
}
