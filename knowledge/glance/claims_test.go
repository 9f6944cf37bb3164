package glance

import (
	"slices"
	"strings"
	"testing"
)

func TestAttributions(t *testing.T) {
	tests := []struct {
		body string
		want []string // party: speaker, in order
	}{
		{`"We will respond," Finnish minister Aino Virtanen said.`, []string{"Finnish minister Aino Virtanen: Finnish minister Aino Virtanen"}},
		{"Aino Virtanen said it. Later, Virtanen told reporters more. She added a warning.",
			[]string{"Aino Virtanen: Aino Virtanen", "Aino Virtanen: Virtanen", "Aino Virtanen: She"}},
		{"The Kremlin continues to ignore ISIS claims.", nil},
		{"Several explosions were reported during the attack.", nil},
		{"According to the latest reports, 70 people died.", nil},
		{"The attack killed 40, according to CNN.", []string{"Western media: CNN"}},
		{"However, Kyiv has denied involvement in the terrorist act.", []string{"Ukraine's officials and intelligence: Kyiv"}},
		{"The Kremlin had earlier in the day demanded answers.", []string{"Kremlin and Putin: Kremlin"}},
		{"An American official, in an interview with CBS News, stated that it was true. The official also confirmed it.",
			[]string{"US officials: American official", "US officials: official"}},
		{"While the group has claimed it and the West has said so, Putin said otherwise.",
			[]string{"West: West", "Kremlin and Putin: Putin"}},
		{"Russian state media as well as Reuters is reporting 40 killed.", []string{"Russian media: Russian state media as well as Reuters", "Western media: Russian state media as well as Reuters"}},
		{"The statement said the group attacked.", nil},
		{"President Pervez Musharraf Monday said it. Later, Musharraf said more.",
			[]string{"President Pervez Musharraf: President Pervez Musharraf", "President Pervez Musharraf: Musharraf"}},
		{"United Nations Secretary General Kofi Annan said it. Then UN Secretary General Kofi Annan said more.",
			[]string{"United Nations Secretary General Kofi Annan: United Nations Secretary General Kofi Annan",
				"United Nations Secretary General Kofi Annan: UN Secretary General Kofi Annan"}},
		{"Later, South Korea said no. Then North Korea said yes.", []string{"South Korea: South Korea", "North Korea: North Korea"}},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			var got []string
			for _, c := range attributions(sentences(docsOf(tt.body))) {
				got = append(got, c.Party+": "+c.Speaker)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("attributions = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCulprit(t *testing.T) {
	tests := []struct {
		body, party, culprit string
		denied               bool
	}{
		{"Putin said that he suspects Ukraine’s hand in the assault.", "Kremlin and Putin", "Ukraine's officials and intelligence", false},
		{"Some Russian officials have blamed Ukraine for the incident.", "Russian authorities", "Ukraine's officials and intelligence", false},
		{"However, Kyiv has denied involvement in the terrorist act.", "Ukraine's officials and intelligence", "Ukraine's officials and intelligence", true},
		{"The White House refuted any suggestion of Ukrainian responsibility.", "US officials", "Ukraine's officials and intelligence", true},
		{"The US said that the Islamic State is responsible for the shooting.", "US officials", "Islamic State", false},
		{"The Islamic State group claimed responsibility for the shooting.", "Islamic State", "Islamic State", false},
		{"Aino Virtanen said the attack was ordered by Atlantis.", "Aino Virtanen", "Atlantis", false},
		{"The Kremlin said nothing about it.", "Kremlin and Putin", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			claims := attributions(sentences(docsOf(tt.body)))
			i := slices.IndexFunc(claims, func(c Claim) bool { return c.Party == tt.party })
			if i < 0 {
				t.Fatalf("no claim by %s in %+v", tt.party, claims)
			}
			who, denied, _ := culprit(claims[i])
			if who != tt.culprit || denied != tt.denied {
				t.Errorf("culprit = %q (denied %v), want %q (denied %v)", who, denied, tt.culprit, tt.denied)
			}
		})
	}
}

func TestKnownParties(t *testing.T) {
	tests := []struct{ words, want string }{
		{"Russian President Vladimir Putin", "Kremlin and Putin"},
		{"The Washington Post", "Western media"},
		{"US media and government officials", "Western media"},
		{"National Security Council spokesperson Adrienne Watson", "US officials"},
		{"Office of the President of Ukraine", "Ukraine's officials and intelligence"},
		{"Russian foreign ministry", "Russia's foreign ministry"},
		{"thus", ""},
		{"ISIS-affiliated channels", ""}, // "ISIS" is not a whole word there
	}
	for _, tt := range tests {
		if got := strings.Join(knownParties(tt.words), ","); got != tt.want {
			t.Errorf("knownParties(%q) = %q, want %q", tt.words, got, tt.want)
		}
	}
}
