package slavic

import "testing"

func TestKeyMatchesNames(t *testing.T) {
	for _, tc := range []struct{ cyrillic, english string }{
		{"уотсон", "watson"},
		{"эдриенн", "adrienne"},
		{"макрон", "macron"},
		{"медведев", "medvedev"},
		{"красногорск", "krasnogorsk"},
		{"миллер", "miller"},
		{"байден", "biden"},
	} {
		if a, b := Key(Latin(tc.cyrillic)), Key(tc.english); a != b {
			t.Errorf("Key(Latin(%q)) = %q, Key(%q) = %q", tc.cyrillic, a, tc.english, b)
		}
	}
	if Key("watson") == Key("weston") {
		t.Errorf("different names share a key")
	}
}

func TestStem(t *testing.T) {
	for _, tc := range []struct{ lang, a, b string }{
		{"ru", "погибших", "погибшие"},
		{"ru", "террористов", "террористы"},
		{"uk", "терористів", "терористи"},
	} {
		if x, y := Stem(tc.lang, tc.a), Stem(tc.lang, tc.b); x != y {
			t.Errorf("Stem(%q) = %q, Stem(%q) = %q", tc.a, x, tc.b, y)
		}
	}
}
