package catalog

import (
	"reflect"
	"strings"
	"testing"
)

func TestEncodeUVRoundTrip(t *testing.T) {
	c, warnings, err := Parse("valid.json", readTestdata(t, "valid.json"))
	if err != nil || len(warnings) > 0 {
		t.Fatalf("Parse: %v %v", err, warnings)
	}
	data, err := EncodeUV(c.Entries)
	if err != nil {
		t.Fatal(err)
	}
	back, warnings, err := Parse("encoded", data)
	if err != nil || len(warnings) > 0 {
		t.Fatalf("Parse(EncodeUV): %v %v\n%s", err, warnings, data)
	}
	if !reflect.DeepEqual(back.Entries, c.Entries) {
		t.Fatalf("round trip changed the entries:\n got %+v\nwant %+v", back.Entries, c.Entries)
	}
	again, err := EncodeUV(back.Entries)
	if err != nil || string(again) != string(data) {
		t.Fatalf("encoding is not stable (err %v)", err)
	}
}

func TestEncodeUVFormat(t *testing.T) {
	e := Entry{Name: "cpython", Arch: Arch{Family: "x86_64", Variant: "v3"}, OS: "linux", Libc: "gnu",
		Major: 3, Minor: 14, Patch: 6, Variant: "freethreaded", Build: "20260610",
		URL: "https://example.invalid/20260610/cpython-3.14.6%2B20260610-x.tar.gz"}
	data, err := EncodeUV([]Entry{e})
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for _, want := range []string{
		`"cpython-3.14.6+freethreaded-linux-x86_64_v3-gnu": {`, // CanonicalKey when Key is empty
		`"sha256": null`, `"variant": "v3"`, `"variant": "freethreaded"`, `%2B20260610`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %s:\n%s", want, s)
		}
	}
	if _, err := EncodeUV([]Entry{e, e}); err == nil {
		t.Error("two entries with one key: no error")
	}
}
