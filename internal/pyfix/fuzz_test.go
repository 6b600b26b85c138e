package pyfix

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzFixSysconfigData: whatever the module, the rewrite does not panic,
// and a second pass over its result changes nothing.
func FuzzFixSysconfigData(f *testing.F) {
	f.Add("build_time_vars = {'CC': 'clang -pthread', 'prefix': '/install'}\n", "/opt/py")
	f.Add("build_time_vars = {\"LIBDIR\": (\"/install\" \"/lib\"), 'X': f'{installed_base}/lib'}\n", "/a b/ü")
	f.Add("x = {'BLDSHARED': 'clang -isysroot /sdk -flto=thin', 'I': '-I/install/include'}\n", "/install/x")
	f.Fuzz(func(t *testing.T, src, prefix string) {
		if !strings.HasPrefix(prefix, "/") {
			return
		}
		out, _, err := fixSysconfigData(src, prefix)
		if err != nil {
			return
		}
		again, changed, err := fixSysconfigData(out, prefix)
		if err != nil || again != out {
			t.Fatalf("second pass changed %v (err %v)\nsrc %q\nout %q\nagain %q", changed, err, src, out, again)
		}
	})
}

// FuzzFixValue: fixing a value twice is fixing it once.
func FuzzFixValue(f *testing.F) {
	f.Add("CC", "clang -pthread -flto=thin", "/opt/py")
	f.Add("LIBDIR", "/install/lib -L/install/lib", "/install dir/x")
	f.Add("BLDSHARED", "clang -isysroot -isysroot /sdk", "/p")
	f.Fuzz(func(t *testing.T, key, value, prefix string) {
		once := fixValue(key, value, prefix)
		if twice := fixValue(key, once, prefix); twice != once {
			t.Fatalf("fixValue(%q, %q, %q) = %q, then %q", key, value, prefix, once, twice)
		}
	})
}

// FuzzFixJSON: the same for JSON documents; a document that was valid JSON
// stays valid JSON.
func FuzzFixJSON(f *testing.F) {
	f.Add(`{"CC": "clang -pthread", "prefix": "/install", "a": ["/install/lib"]}`, "/opt/py")
	f.Add(`{"base_prefix": "/install", "x": "\u00fc\"\\/install"}`, "/a \"b\"/\u00fc")
	f.Fuzz(func(t *testing.T, src, prefix string) {
		if !strings.HasPrefix(prefix, "/") {
			return
		}
		out, _, err := fixJSON(src, prefix)
		if err != nil {
			return
		}
		if json.Valid([]byte(src)) && !json.Valid([]byte(out)) {
			t.Fatalf("valid JSON became invalid:\n%q\n%q", src, out)
		}
		if again, changed, err := fixJSON(out, prefix); err != nil || again != out {
			t.Fatalf("second pass changed %v (err %v)", changed, err)
		}
	})
}
