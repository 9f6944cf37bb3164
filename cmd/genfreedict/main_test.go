package main

import (
	"slices"
	"strings"
	"testing"
)

func TestInvert(t *testing.T) {
	dict := `English-Russian FreeDict Dictionary ver. 0.3.1
kill /kil/
убивать, убить
city /sitiː/
город
zoo /zˈuː/
зоопарк
American /əmerikən/
1. американский
2. американец
`
	entries, err := readDict(strings.NewReader(dict))
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{englishStem("killed"): true, englishStem("city"): true, englishStem("american"): true}
	got := invert(entries, used)
	// "zoo" is not a word of the articles; "убить" stems to "уб", under
	// three letters, and is dropped.
	want := []string{"американец = american", "американск = american", "город = city", "убива = kill"}
	if !slices.Equal(got, want) {
		t.Errorf("invert = %q, want %q", got, want)
	}
}
