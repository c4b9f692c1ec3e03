package rest

import (
	"maps"
	"reflect"

	"github.com/aidacrm/aida/api/fault"
)

// merge returns the utm and the owner of a capture once the reference names are read: utm_params
// stands for utm and user_id for owner, and each pair given with different values is recorded
// in fs.
func (r ReferenceCapture) merge(fs *fault.Fields, utm map[string]string, owner string) (map[string]string, string) {
	if r.UTMParams != nil {
		checkUTM(fs, r.UTMParams)
		switch {
		case utm == nil:
			utm = r.UTMParams
		case !maps.Equal(utm, r.UTMParams):
			fs.Add("utm_params", "differs from utm: send one of them")
		}
	}
	if r.UserID != nil {
		text(fs, "user_id", r.UserID, maxShort)
		switch {
		case owner == "":
			owner = *r.UserID
		case *r.UserID != "" && *r.UserID != owner:
			fs.Add("user_id", "differs from owner: send one of them")
		}
	}
	return utm, owner
}

// client returns custom with the reference system's client details (ip_address, user_agent,
// referer) added under their own names; one that custom_fields already holds with another
// value is recorded in fs.
func (r ReferenceCapture) client(fs *fault.Fields, custom map[string]any) map[string]any {
	for _, f := range []named{{"ip_address", r.IPAddress}, {"user_agent", r.UserAgent}, {"referer", r.Referer}} {
		if f.p == nil {
			continue
		}
		text(fs, f.name, f.p, maxReason)
		if *f.p == "" {
			continue
		}
		if v, ok := custom[f.name]; ok {
			if !reflect.DeepEqual(v, *f.p) {
				fs.Add(f.name, "differs from custom_fields.%s: send one of them", f.name)
			}
			continue
		}
		if custom == nil {
			custom = map[string]any{}
		}
		custom[f.name] = *f.p
	}
	return custom
}
