package attest

import "testing"

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"": Auto, "auto": Auto, " Require ": Require, "OFF": Off} {
		if got, err := ParseMode(in); err != nil || got != want {
			t.Errorf("ParseMode(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseMode("strict"); err == nil {
		t.Error("ParseMode(strict): no error")
	}
	for _, m := range []Mode{Auto, Require, Off} {
		if got, _ := ParseMode(m.String()); got != m {
			t.Errorf("%v does not round-trip", m)
		}
	}
}

func TestAttested(t *testing.T) {
	for tag, want := range map[string]bool{
		"20250212":          true,
		"20260610":          true,
		"20250205":          false,
		"20240107":          false,
		"3.13.2+20250212":   true,
		"3.12.8+20241219":   false,
		"latest":            true, // not a date: look it up
		"2025021":           true,
		"3.14.0a1+2025021x": true,
	} {
		if got := Attested(tag); got != want {
			t.Errorf("Attested(%q) = %v, want %v", tag, got, want)
		}
	}
}
