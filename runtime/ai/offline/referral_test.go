package offline

import "testing"

func TestReferralExtraction(t *testing.T) {
	tests := []struct {
		name, text string
		want       Contact
		kind       Kind
	}{
		{"name at address", "Not the right person — talk to Jane at jane@x.com.", Contact{"Jane", "jane@x.com"}, Referral},
		{"full name in parentheses", "Please reach out to Priya Shah (Priya.Shah@Northwind.com).", Contact{"Priya Shah", "priya.shah@northwind.com"}, Referral},
		{"angle brackets then role", "Lena Ortiz <lena@contoso.com> handles purchasing.", Contact{"Lena Ortiz", "lena@contoso.com"}, Referral},
		{"role before name", "You should speak with our CFO, Anna Berg, at anna@berg.se", Contact{"Anna Berg", "anna@berg.se"}, Referral},
		{"address only", "Please contact procurement@globex.com instead.", Contact{"", "procurement@globex.com"}, Referral},
		{"name only", "You should talk to Marcus Lee about it.", Contact{"Marcus Lee", ""}, Referral},
		{"wrong person, address elsewhere", "Wrong person. Our buyer is Kim Novak, kim@novak.io.", Contact{"Kim Novak", "kim@novak.io"}, Referral},
		{"the writer's own plan", "I'll talk to John and get back to you.", Contact{}, Unknown},
		{"contact me is no referral", "Contact me at bob@acme.com.", Contact{}, Unknown},
		{"a team is no name", "Please talk to Sales.", Contact{}, Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ReadReply(tt.text, monday)
			if got.Referral != tt.want || got.Kind != tt.kind {
				t.Errorf("ReadReply(%q) = %s %+v (%q), want %s %+v", tt.text, got.Kind, got.Referral, got.Reasons, tt.kind, tt.want)
			}
		})
	}
}
