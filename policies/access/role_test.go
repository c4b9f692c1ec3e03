package access

import (
	"errors"
	"testing"
)

func TestRoleAllows(t *testing.T) {
	tests := []struct {
		have, need Role
		want       bool
	}{
		{Viewer, Public, true},
		{Viewer, Viewer, true},
		{Viewer, Rep, false},
		{Rep, Viewer, true},
		{Rep, Manager, false},
		{Manager, Rep, true},
		{Manager, Admin, false},
		{Admin, Admin, true},
		{Public, Viewer, false},
		{Public, Public, true},
		{"root", Public, false},
		{Admin, "root", false},
	}
	for _, tt := range tests {
		if got := tt.have.Allows(tt.need); got != tt.want {
			t.Errorf("%s.Allows(%s) = %v, want %v", tt.have, tt.need, got, tt.want)
		}
	}
}

func TestParseRole(t *testing.T) {
	for _, r := range KeyRoles() {
		if got, err := ParseRole(string(r)); got != r || err != nil {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
	}
	for _, s := range []string{"public", "", "Admin", "root", " admin"} {
		if _, err := ParseRole(s); !errors.Is(err, ErrBadRole) {
			t.Errorf("ParseRole(%q) err = %v, want ErrBadRole", s, err)
		}
	}
}
