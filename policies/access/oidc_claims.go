package access

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"
)

// subject returns the claim that names the user (sub, or the configured name claim): present,
// a string of 1 to 128 printable characters (no control or bidirectional-override characters:
// it is written in the timeline as user:<name>).
func subject(claims jwt.MapClaims, claim string) (string, error) {
	sub, ok := claims[claim].(string)
	switch {
	case !ok || sub == "":
		return "", fmt.Errorf("%w: the token has no %s claim to name the user", ErrInvalidToken, claim)
	case utf8.RuneCountInString(sub) > maxSubjectLength:
		return "", fmt.Errorf("%w: the user's name (%s) is longer than %d characters", ErrInvalidToken, claim, maxSubjectLength)
	case strings.IndexFunc(sub, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0:
		return "", fmt.Errorf("%w: the user's name (%s) holds a character that is not printable", ErrInvalidToken, claim)
	}
	return sub, nil
}

// roleOf returns the highest role among the values of claim: a string or a list of strings,
// found under its exact name, or else by following its dotted path through nested objects.
// Values that are not role names (other applications' roles, "public") are ignored.
func roleOf(claims jwt.MapClaims, claim string) (Role, error) {
	v, ok := claims[claim]
	if !ok {
		v, ok = lookup(claims, claim)
	}
	if !ok {
		return "", fmt.Errorf("%w: the token has no %q claim", ErrNoRole, claim)
	}
	var values []any
	switch v := v.(type) {
	case string:
		values = []any{v}
	case []any:
		values = v
	default:
		return "", fmt.Errorf("%w: the %q claim is neither a string nor a list of strings", ErrNoRole, claim)
	}
	best := -1
	for _, v := range values {
		s, _ := v.(string)
		r, err := ParseRole(strings.ToLower(s))
		if err != nil {
			continue
		}
		best = max(best, slices.Index(Roles(), r))
	}
	if best < 0 {
		return "", fmt.Errorf("%w: the %q claim names none of viewer, rep, manager, admin", ErrNoRole, claim)
	}
	return Roles()[best], nil
}

// lookup follows a dotted path ("realm_access.roles") through nested JSON objects.
func lookup(claims jwt.MapClaims, path string) (any, bool) {
	var v any = map[string]any(claims)
	for name := range strings.SplitSeq(path, ".") {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = obj[name]; !ok {
			return nil, false
		}
	}
	return v, true
}

// refusal says, in a sentence a caller can act on, why the parser refused a token.
func refusal(token *jwt.Token, claims jwt.MapClaims, err error) string {
	if token == nil || errors.Is(err, jwt.ErrTokenMalformed) {
		return "not a well-formed JWT"
	}
	if alg, _ := token.Header["alg"].(string); !slices.Contains(algorithms, alg) {
		return fmt.Sprintf("the signing algorithm %.20q is not accepted (RS*, PS*, ES* and EdDSA are)", alg)
	}
	switch {
	case errors.Is(err, jwt.ErrTokenUnverifiable):
		kid, _ := token.Header["kid"].(string)
		return fmt.Sprintf("the token's key (kid %.40q) is none of the issuer's signing keys", kid)
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return "the signature does not verify with the issuer's keys"
	case errors.Is(err, jwt.ErrTokenExpired):
		return "the token has expired (exp)"
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return "the token is not valid yet (nbf)"
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return "the token is issued in the future (iat)"
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return "the token comes from another issuer (iss)"
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return "the token is not meant for AIDA (aud)"
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		var missing []string
		for _, c := range []string{"exp", "iss", "aud"} {
			if _, ok := claims[c]; !ok {
				missing = append(missing, c)
			}
		}
		return "the token lacks a required claim (" + strings.Join(missing, ", ") + ")"
	case errors.Is(err, jwt.ErrInvalidType):
		return "a registered claim (exp, nbf, iat, iss, aud) has the wrong type"
	}
	return "the token is not valid"
}
