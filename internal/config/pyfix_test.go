package config

import "testing"

func TestLoadInterpreterFixes(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	s, err := Load(env(map[string]string{"HOME": "/home/u"}))
	if err != nil || s.NoExternallyManaged || s.CompileBytecode {
		t.Fatalf("defaults: %+v %v", s, err)
	}
	s, err = Load(env(map[string]string{"HOME": "/home/u", "PYGET_NO_EXTERNALLY_MANAGED": "yes", "PYGET_COMPILE_BYTECODE": "1"}))
	if err != nil || !s.NoExternallyManaged || !s.CompileBytecode {
		t.Fatalf("on: %+v %v", s, err)
	}
	_, err = Load(env(map[string]string{"HOME": "/home/u", "PYGET_NO_EXTERNALLY_MANAGED": "maybe", "PYGET_COMPILE_BYTECODE": "2"}))
	for _, name := range []string{"PYGET_NO_EXTERNALLY_MANAGED", "PYGET_COMPILE_BYTECODE"} {
		if err == nil || !contains(err.Error(), name) {
			t.Errorf("a bad %s is not named: %v", name, err)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
