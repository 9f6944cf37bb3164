package bot

import (
	"reflect"
	"strings"
	"testing"
)

func TestPhrasebookComplete(t *testing.T) {
	for lang, p := range phrasebook {
		v := reflect.ValueOf(*p)
		for i := range v.NumField() {
			name, f := v.Type().Field(i).Name, v.Field(i)
			switch f.Kind() {
			case reflect.String:
				if f.String() == "" {
					t.Errorf("%s: %s is empty", lang, name)
				}
			case reflect.Array, reflect.Slice:
				if f.Len() < 2 {
					t.Errorf("%s: %s has %d entries", lang, name, f.Len())
				}
				for j := range f.Len() {
					if f.Index(j).String() == "" {
						t.Errorf("%s: %s[%d] is empty", lang, name, j)
					}
				}
			case reflect.Func:
				if f.IsNil() {
					t.Errorf("%s: %s is nil", lang, name)
				}
			}
		}
		for name, s := range map[string]string{"About": p.About, "SourcesHeader": p.SourcesHeader} {
			if strings.Count(s, "%s") != 1 || strings.Count(s, "%") != 1 {
				t.Errorf("%s: %s = %q, want exactly one %%s", lang, name, s)
			}
		}
		if !strings.Contains(p.Groups, "{inline}") || !strings.Contains(p.Groups, "{ask}") {
			t.Errorf("%s: Groups = %q lacks {inline} or {ask}", lang, p.Groups)
		}
	}
}

func TestArticles(t *testing.T) {
	for _, tt := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 0, "0 articles"},
		{"en", 1, "1 article"},
		{"en", 2, "2 articles"},
		{"ru", 0, "0 статей"},
		{"ru", 1, "1 статья"},
		{"ru", 2, "2 статьи"},
		{"ru", 4, "4 статьи"},
		{"ru", 5, "5 статей"},
		{"ru", 11, "11 статей"},
		{"ru", 12, "12 статей"},
		{"ru", 21, "21 статья"},
		{"ru", 22, "22 статьи"},
		{"ru", 111, "111 статей"},
		{"uk", 1, "1 стаття"},
		{"uk", 3, "3 статті"},
		{"uk", 14, "14 статей"},
		{"uk", 101, "101 стаття"},
	} {
		if got := phrasesFor(tt.lang).Articles(tt.n); got != tt.want {
			t.Errorf("%s Articles(%d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}

func TestLanguage(t *testing.T) {
	for _, tt := range []struct{ code, want string }{
		{"", "en"},
		{"en", "en"},
		{"en-US", "en"},
		{"ru", "ru"},
		{"ru-RU", "ru"},
		{"UK", "uk"},
		{"de", "en"},
	} {
		if got := language(tt.code); got != tt.want {
			t.Errorf("language(%q) = %q, want %q", tt.code, got, tt.want)
		}
	}
}
