package fault

import (
	"errors"
	"fmt"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	var fs Fields
	fs.Add("email", "must be an address like %s", "ada@example.com")
	fs.Add("level", "must be 1 to 5")
	tests := []struct {
		name string
		err  error
		want *Error
	}{
		{"fields", fs.Err(), &Error{Code: Invalid, Message: "some fields are invalid", Fields: fs}},
		{"wrapped", fmt.Errorf("ctx: %w", New(NotFound, "no lead %s", "x")), &Error{Code: NotFound, Message: "no lead x"}},
		{"cause hidden", Wrap(Unavailable, errors.New("dial tcp: refused"), "store down"), &Error{Code: Unavailable, Message: "store down"}},
		{"plain error is internal", errors.New("boom"), &Error{Code: Internal, Message: "internal error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FromProto(ToProto(tt.err))
			if got.Code != tt.want.Code || got.Message != tt.want.Message || len(got.Fields) != len(tt.want.Fields) {
				t.Fatalf("round trip = %+v, want %+v", got, tt.want)
			}
			for i := range got.Fields {
				if got.Fields[i] != tt.want.Fields[i] {
					t.Fatalf("field %d = %+v, want %+v", i, got.Fields[i], tt.want.Fields[i])
				}
			}
		})
	}
}

func TestCodeOfAndUnwrap(t *testing.T) {
	cause := errors.New("refused")
	err := fmt.Errorf("load: %w", Wrap(Unavailable, cause, "store down"))
	if CodeOf(err) != Unavailable || !errors.Is(err, cause) {
		t.Fatalf("CodeOf = %v, errors.Is(cause) = %v", CodeOf(err), errors.Is(err, cause))
	}
	if CodeOf(errors.New("x")) != Internal {
		t.Fatal("a plain error must be Internal")
	}
	if (Fields{}).Err() != nil {
		t.Fatal("no fields must be no error")
	}
	if got := fs2().Error(); got != "some fields are invalid; email: bad" {
		t.Fatalf("Error() = %q", got)
	}
}

func fs2() error {
	var fs Fields
	fs.Add("email", "bad")
	return fs.Err()
}
