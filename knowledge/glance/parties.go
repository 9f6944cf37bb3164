package glance

import (
	_ "embed"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Party is one speaker, or group of speakers, and what they said.
type Party struct {
	Name string
	// Claims are up to three distinct statements, the earliest first.
	Claims []Claim
	// Total is how many statements the articles attribute to the party.
	Total int
	// Speakers are the words the articles name its speakers with.
	Speakers []string
}

// maxClaims is how many statements a party shows.
const maxClaims = 3

//go:embed parties.txt
var partiesTable string

// alias is one name of a known party.
type alias struct{ name, party string }

// aliases are the known parties' names, longest first.
var aliases = parseAliases(partiesTable)

func parseAliases(table string) []alias {
	var out []alias
	for _, line := range strings.Split(table, "\n") {
		line = strings.TrimSpace(line)
		party, names, ok := strings.Cut(line, ":")
		if line == "" || strings.HasPrefix(line, "#") || !ok {
			continue
		}
		party = strings.TrimSpace(party)
		out = append(out, alias{party, party})
		for _, n := range strings.Split(names, ";") {
			if n = strings.TrimSpace(n); n != "" {
				out = append(out, alias{n, party})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b alias) int { return len(b.name) - len(a.name) })
	return out
}

// knownParties returns the known parties that words name, in the order
// they appear: each alias found as whole words, longer aliases first,
// never two overlapping.
func knownParties(words string) []string {
	type hit struct {
		at    int
		party string
	}
	var hits []hit
	taken := make([]bool, len(words))
	for _, a := range aliases {
		for from := 0; ; {
			i := strings.Index(words[from:], a.name)
			if i < 0 {
				break
			}
			i += from
			end := i + len(a.name)
			from = end
			if !wordEdge(words, i, end) || slices.Contains(taken[i:end], true) {
				continue
			}
			for j := i; j < end; j++ {
				taken[j] = true
			}
			hits = append(hits, hit{i, a.party})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int { return a.at - b.at })
	var out []string
	for _, h := range hits {
		if !slices.Contains(out, h.party) {
			out = append(out, h.party)
		}
	}
	return out
}

// wordEdge reports whether s[i:end] stands as whole words in s.
func wordEdge(s string, i, end int) bool {
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:i])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' {
			return false
		}
	}
	if end < len(s) {
		r, _ := utf8.DecodeRuneInString(s[end:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' {
			return false
		}
	}
	return true
}

// parties groups the claims by party, the most quoted first.
func parties(claims []Claim) []Party {
	var out []Party
	for _, c := range claims {
		i := slices.IndexFunc(out, func(p Party) bool { return p.Name == c.Party })
		if i < 0 {
			out = append(out, Party{Name: c.Party})
			i = len(out) - 1
		}
		p := &out[i]
		p.Total++
		if !slices.Contains(p.Speakers, c.Speaker) {
			p.Speakers = append(p.Speakers, c.Speaker)
		}
		if len(p.Claims) < maxClaims && !slices.ContainsFunc(p.Claims, func(o Claim) bool { return similar(o.Text, c.Text) }) {
			p.Claims = append(p.Claims, c)
		}
	}
	slices.SortStableFunc(out, func(a, b Party) int { return b.Total - a.Total })
	return out
}

// Claims returns the parties whose name, aliases or speakers' words start
// with every word of query (case-insensitive; "ukraine", "putin", "amaq"); all
// parties when query is blank.
func (d *Digest) Claims(query string) []Party {
	words := wordsOf(query)
	if len(words) == 0 {
		return d.Parties
	}
	var out []Party
	for _, p := range d.Parties {
		hay := wordsOf(p.Name + " " + strings.Join(p.Speakers, " ") + " " + strings.Join(Aliases(p.Name), " "))
		if !slices.ContainsFunc(words, func(w string) bool {
			return !slices.ContainsFunc(hay, func(h string) bool { return strings.HasPrefix(h, w) })
		}) {
			out = append(out, p)
		}
	}
	return out
}

// Aliases returns the names the text may give a known party ("US",
// "Washington": US officials), longest first; none for another party.
func Aliases(party string) []string {
	var out []string
	for _, a := range aliases {
		if a.party == party {
			out = append(out, a.name)
		}
	}
	return out
}

// wordsOf returns the lower-cased words of s.
func wordsOf(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}
