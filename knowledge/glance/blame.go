package glance

import (
	"regexp"
	"slices"
	"strings"
)

// Account is one party's answer to who is behind the event.
type Account struct {
	Party string
	// Culprit is who the party says is behind it, as a party name when
	// known ("Ukraine's officials and intelligence", "Islamic State"), else
	// in the text's words ("Russian special services").
	Culprit string
	// Denied is set when the party only denies a culprit (its own
	// involvement, or another's).
	Denied bool
	// Claims are the statements that say so, up to three.
	Claims []Claim
}

// culpritCue finds who a statement holds responsible; the named group
// is the culprit, self means the speaker itself.
type culpritCue struct {
	re   *regexp.Regexp
	self bool
}

const namePhrase = `((?:[A-Z][\w.-]*(?:['’]s)? ){0,4}[A-Z][\w.-]*)`

var culpritCues = []culpritCue{
	{re: regexp.MustCompile(namePhrase + `(?:['’]s)? (?:hand|trace|involvement|responsibility|role|culpability|complicity|claims? of responsibility)\b`)},
	{re: regexp.MustCompile(`\b(?:blamed|blame|blames|blaming|accusing|accused|accuses|accuse)\s+(?:the\s+)?` + namePhrase)},
	{re: regexp.MustCompile(`\b(?:provocation|carried out|committed|ordered|organi[sz]ed|perpetrated|masterminded) by (?:the hand of )?((?:[\w'’-]+ ){0,3}?[\w'’-]+)(?:[,.;:“”"]| at | under | with | in | who | that |$)`)},
	{re: regexp.MustCompile(`(?:` + namePhrase + `|(?:“|")?an? ([A-Z]+) entity(?:”|")?)(?:”|")? (?:is|was|were|are|as) (?:responsible|behind)\b`)},
	{re: regexp.MustCompile(`\b(?:claimed|claims|claim|denied|denies|deny|rejected|rejects)\s+(?:any\s+)?(?:the\s+)?(?:responsibility|involvement|role|accusations)\b`), self: true},
}

var negation = regexp.MustCompile(`(?i)\b(no|not|never|denied|deny|denies|rejected|rejects|refuted|refutes|without|innocence)\b`)

var denyVerbs = map[string]bool{"denied": true, "denies": true, "deny": true, "rejected": true, "rejects": true, "refuted": true, "refutes": true}

// culprit returns who a claim holds responsible, and whether it denies it.
func culprit(c Claim) (who string, denied, ok bool) {
	type hit struct {
		at     int
		who    string
		denied bool
	}
	var hits []hit
	for _, cue := range culpritCues {
		for _, m := range cue.re.FindAllStringSubmatchIndex(c.Text, -1) {
			h := hit{at: m[0]}
			if m[0] < max(c.at, 0) || m[0] >= c.until || (cue.self && m[0] != c.at) {
				// A quoted speaker's culprit is in what follows the verb;
				// only the speaker's own verb makes it the culprit itself.
				continue
			}
			if cue.self && c.at < 0 {
				continue
			}
			if cue.self {
				h.who = c.Party
				h.denied = !strings.HasPrefix(c.Text[m[0]:], "claim")
			} else {
				for g := 1; g < len(m)/2; g++ {
					if m[2*g] >= 0 {
						h.who = normalizeCulprit(c.Text[m[2*g]:m[2*g+1]])
						break
					}
				}
				before := c.Text[max(0, m[0]-30):m[0]]
				h.denied = denyVerbs[c.Verb] || negation.MatchString(before)
			}
			if h.who != "" {
				hits = append(hits, h)
			}
		}
	}
	if len(hits) == 0 {
		return "", false, false
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return a.at - b.at })
	if i := slices.IndexFunc(hits, func(h hit) bool { return !h.denied }); i >= 0 {
		return hits[i].who, false, true
	}
	return hits[0].who, true, true
}

func normalizeCulprit(words string) string {
	words = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(words), "'s"), "’s")
	if known := knownParties(words); len(known) > 0 {
		return known[0]
	}
	return words
}

// accounts gives each party's first stated culprit (or, failing one, its
// first denial) with the statements that back it; accounts naming the
// same culprit sit together, the culprit named by most parties first,
// and the denials last.
func accounts(claims []Claim) []Account {
	var out []Account
	for _, c := range claims {
		who, denied, ok := culprit(c)
		if !ok {
			continue
		}
		i := slices.IndexFunc(out, func(a Account) bool { return a.Party == c.Party })
		switch {
		case i < 0:
			out = append(out, Account{Party: c.Party, Culprit: who, Denied: denied, Claims: []Claim{c}})
		case out[i].Denied && !denied:
			out[i] = Account{Party: c.Party, Culprit: who, Claims: []Claim{c}}
		case out[i].Culprit == who && out[i].Denied == denied && len(out[i].Claims) < maxClaims &&
			!slices.ContainsFunc(out[i].Claims, func(o Claim) bool { return similar(o.Text, c.Text) }):
			out[i].Claims = append(out[i].Claims, c)
		}
	}
	backers := map[string]int{}
	for _, a := range out {
		if !a.Denied {
			backers[a.Culprit]++
		}
	}
	slices.SortStableFunc(out, func(a, b Account) int {
		if a.Denied != b.Denied {
			if a.Denied {
				return 1
			}
			return -1
		}
		if backers[a.Culprit] != backers[b.Culprit] {
			return backers[b.Culprit] - backers[a.Culprit]
		}
		return strings.Compare(a.Culprit, b.Culprit)
	})
	return out
}
