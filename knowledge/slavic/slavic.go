// Package slavic reads Russian and Ukrainian words for an English index:
// their stems (the Snowball Russian stemmer, which Ukrainian shares roots
// with once its own letters are written as Russian ones), their Latin
// transliteration, and a consonant key that matches a transliterated name
// with its English spelling ("Уотсон" uotson ~ Watson, "Макрон" makron ~
// Macron).
package slavic

import (
	"bufio"
	_ "embed"
	"strings"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/russian"
)

//go:embed translit.txt
var translitData string

// latin is the transliteration table of translit.txt.
var latin = func() map[rune]string {
	m := map[rune]string{}
	sc := bufio.NewScanner(strings.NewReader(translitData))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		r := []rune(f[0])[0]
		if len(f) > 1 {
			m[r] = f[1]
		} else {
			m[r] = ""
		}
	}
	return m
}()

// asRussian writes the letters only Ukrainian has as their Russian
// counterparts, so that shared roots meet ("терористів": "терористив",
// stem "террорист" less one т).
var asRussian = strings.NewReplacer("і", "и", "ї", "и", "є", "е", "ґ", "г", "ё", "е", "'", "", "’", "")

// AsRussian writes the letters of a lower-case Ukrainian word that only
// Ukrainian has as their Russian counterparts, and ё as е, so that the
// roots the two languages share meet.
func AsRussian(word string) string {
	return asRussian.Replace(word)
}

// Stem returns the stem of a lower-case Russian or Ukrainian word.
func Stem(lang, word string) string {
	if lang == "uk" {
		word = asRussian.Replace(word)
	}
	env := snowballstem.NewEnv(word)
	russian.Stem(env)
	return env.Current()
}

// Latin writes a Russian or Ukrainian word in Latin letters; other
// characters stay as they are.
func Latin(word string) string {
	var sb strings.Builder
	for _, r := range word {
		if s, ok := latin[r]; ok {
			sb.WriteString(s)
		} else {
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// soundAlike spells the letters that sound alike as one, for Key: made
// once, as building a Replacer costs far more than using it.
var soundAlike = strings.NewReplacer("kh", "k", "ck", "k", "ph", "f", "c", "k", "q", "k", "x", "ks", "j", "dzh", "z", "s")

// Key is the consonant skeleton of a lower-case Latin word, by which a
// transliterated name meets its English spelling: letters that sound
// alike are one letter, vowels and the half-vowels w, y and h are dropped,
// doubled letters are one ("edrienn" and "adrienne" are both "drn",
// "uotson" and "watson" "tsn", "makron" and "macron" "mkrn").
func Key(word string) string {
	word = soundAlike.Replace(word)
	var sb strings.Builder
	var last rune
	for _, r := range word {
		if strings.ContainsRune("aeiouywh", r) || r < 'a' || r > 'z' {
			continue
		}
		if r == last {
			continue
		}
		sb.WriteRune(r)
		last = r
	}
	return sb.String()
}
