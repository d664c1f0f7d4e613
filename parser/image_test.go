package parser

import (
	"strings"
	"testing"
)

func TestLooseStem(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		// One picture at two sizes.
		{"https://img.example.de/410397424/410397424_1762454745_v16_9_1600.jpeg", "https://img.example.de/410397424/410397424_1762454745_v16_9_1200.webp"},
		{"https://example.org/uploads/2026/05/459163063-scaled-e1779374755189-1445x790.jpg", "/uploads/2026/05/459163063-scaled-e1779374755189-706x386.jpg"},
		{"https://www.example.de/DYNIMG/22/17/13862217_W2040C2040x1360o0x0.jpg", "https://pics.example.de/DYNIMG/x/22/17/13862217_M400x267.jpg"},
		{"https://www.example.lu/Bilder/Der-Slowene-Timi-Zajc-34357og.jpg", "/Bilder/Der-Slowene-Timi-Zajc-34357t.jpg"},
		{"https://cdn.example.com/photo-of-the-day@2x.png?w=1200", "https://cdn.example.com/photo-of-the-day.png"},
		{"https://lh3.example.com/hwjrfw1hPrVNOAk6LFPem1EcB3BKIAJJ=s1000", "//lh3.example.com/hwjrfw1hPrVNOAk6LFPem1EcB3BKIAJJ=s750"},
	} {
		if la, lb := looseStem(tc.a), looseStem(tc.b); la != lb || len(la) < 6 {
			t.Errorf("looseStem(%q) = %q, looseStem(%q) = %q: want equal", tc.a, la, tc.b, lb)
		}
	}
	for _, tc := range []struct{ a, b string }{
		// Two pictures.
		{"https://img.example.de/409960903/409960903_1757490812_v16_9_1600.jpeg", "https://img.example.de/409960902/409960902_1757490812_v16_9_1200.jpeg"},
		{"/img/lead-photo-2024.jpg", "/img/lead-photo-2023.jpg"},
	} {
		if la, lb := looseStem(tc.a), looseStem(tc.b); la == lb {
			t.Errorf("looseStem(%q) = looseStem(%q) = %q: want different", tc.a, tc.b, la)
		}
	}
}

func TestLeadImageMatch(t *testing.T) {
	body := `<p>` + strings.Repeat("A long paragraph of article text without any links in it at all. ", 5) + `</p><p>` +
		strings.Repeat("Another paragraph of the article with more words to make it long. ", 5) + `</p>`
	for _, tc := range []struct {
		name, og, head, caption, credit string
	}{
		{"og:image at another size, a byline figure first", "https://img.example.de/4103/4103974_1762_v16_9_1600.jpeg",
			`<figure class="byline"><figcaption><address>Von Jane Doe</address><time>06.11.2025, 21:18 Uhr</time></figcaption></figure>` +
				`<figure><picture><source srcset="https://img.example.de/4103/4103974_1762_v16_9_600.webp 600w, https://img.example.de/4103/4103974_1762_v16_9_1200.webp 1200w">` +
				`<img src="https://img.example.de/4103/4103974_1762_v16_9_1200.jpeg" alt="x"></picture>` +
				`<figcaption><div class="text-caption"><span class="w-full block">The captain holds the ball.</span><span>&copy; picture alliance / Foto Huebner</span></div></figcaption></figure>`,
			"The captain holds the ball.", "picture alliance / Foto Huebner"},
		{"og:image not in the page, a byline figure with a photo first", "https://img.example.de/9999/9999999_1742_v16_9_1600.jpeg",
			`<figure class="byline"><a rel="author" href="/autoren/jane-doe/"><img src="https://img.example.de/4066/4066500_1700_v1_1_200.jpeg" alt="Jane Doe"></a>` +
				`<figcaption><address>Von Jane Doe</address><time>06.11.2025, 21:18 Uhr</time></figcaption></figure>` +
				`<figure><img src="https://img.example.de/4099/4099521_1757_v16_9_1200.jpeg" alt="x"><figcaption><span>The minister starts her new job.</span><span>&copy; AP/dpa</span></figcaption></figure>`,
			"The minister starts her new job.", "AP/dpa"},
		{"caption named bu beside the image in a paragraph", "https://images.example.de/images/4/fold-triple_6246962.jpg",
			`<p class="caption"><span class="imagecontainer"><picture><img src="" width="960" data-src="//images.example.de/images/290/fold-triple_6246962.jpg"></picture></span>` +
				`<span class="bu">We expect new foldables.</span></p>`,
			"We expect new foldables.", ""},
		{"caption and source elements in a box", "https://p6.example.de/img/id_92947152/lego-titelbild.jpg?im=Crop",
			`<div class="mediaBlock"><div class="image"><img src="https://p6.example.de/img/id_92947152/lego-titelbild.jpg?im=Resize" title="Lego">` +
				`<div class="caption"><span class="source">Lego</span><span class="caption">Lego celebrates Star Wars day.</span></div></div></div>`,
			"Lego celebrates Star Wars day.", "Lego"},
		{"caption with a credit word in an img-info span", "https://www.example.de/DYNIMG/22/17/13862217_W2040C2040x1360o0x0.jpg",
			`<div class="article-img"><ul><li class="img"><div class="wrap"><img src="https://pics.example.de/DYNIMG/a/22/17/13862217_M400x267.jpg"></div>` +
				`<span class="img-info">Last year the festival drew thousands. Bild: Andreas Seidel/Archiv</span></li></ul></div>`,
			"Last year the festival drew thousands.", "Andreas Seidel/Archiv"},
		{"a relative time is no caption", "https://example.org/x/og-card.jpg",
			`<figure><img src="https://example.org/x/og-card.jpg"><figcaption>vor 14 Minuten</figcaption></figure>`,
			"", ""},
		{"an image in a run of text has no caption", "https://example.org/x/logo_400x300.jpg",
			`<p><strong><a href="/x/logo_400x300.jpg"><img src="/x/logo_400x300.jpg" width="200"></a>Berlin, 22 November 2022 - A company said</strong></p>`,
			"", ""},
	} {
		page := `<html><head><meta property="og:title" content="The headline of the story"><meta property="og:image" content="` + tc.og + `"></head>` +
			`<body><article><header><h1>The headline of the story</h1>` + tc.head + `</header><div class="body">` + body + `</div></article></body></html>`
		a, caption, credit := leadCaption(t, page)
		if caption != tc.caption || credit != tc.credit {
			t.Errorf("%s: caption %q credit %q, want %q %q", tc.name, caption, credit, tc.caption, tc.credit)
		}
		if tc.caption != "" && strings.Contains(a.Text, tc.caption) {
			t.Errorf("%s: caption repeated in the text", tc.name)
		}
	}
}

func TestSplitCaptionText(t *testing.T) {
	for _, tc := range []struct{ in, caption, credit string }{
		{"The minister in Bern. Foto: Peter Kneffel/dpa", "The minister in Bern.", "Peter Kneffel/dpa"},
		{"The minister in Bern. © Jane Doe", "The minister in Bern.", "Jane Doe"},
		{"The minister in Bern. (Jane Doe/AFP)", "The minister in Bern.", "Jane Doe/AFP"},
		{"Erneut wurden zwei Deutsche festgenommen. (Symbolfoto: picture alliance/dpa | Hannes P Albert)", "Erneut wurden zwei Deutsche festgenommen.", "picture alliance/dpa | Hannes P Albert"},
		// A credit after the last sentence, a bar or a slash.
		{"Should she win, she will succeed Michael D. Higgins. | Niall Carson/PA Images via Getty Images", "Should she win, she will succeed Michael D. Higgins.", "Niall Carson/PA Images via Getty Images"},
		{"Uwe Schubert möchte noch viele Punkte sammeln. IMAGO/Nico Herbertz", "Uwe Schubert möchte noch viele Punkte sammeln.", "IMAGO/Nico Herbertz"},
		{"유세에서 연설하고 있다. 연합뉴스", "유세에서 연설하고 있다.", "연합뉴스"},
		{"Polizei-Razzia, hier beim ersten Einsatz in La Soledat / Lorenzo Marina", "Polizei-Razzia, hier beim ersten Einsatz in La Soledat", "Lorenzo Marina"},
		{"気象庁で開かれた評価検討会＝１３日午後１０時３１分（代表撮影）", "気象庁で開かれた評価検討会＝１３日午後１０時３１分", "代表"},
		{"A portrait of the author. Courtesy of Tanner Fischer", "A portrait of the author.", "Tanner Fischer"},
		{"Kawasaki will not race like this in 2025, Foto: LAT Images", "Kawasaki will not race like this in 2025", "LAT Images"},
		// No credit to split.
		{"The minister in Bern. She spoke for an hour.", "The minister in Bern. She spoke for an hour.", ""},
		{"The minister met the press in Bern. Later she left.", "The minister met the press in Bern. Later she left.", ""},
		{"Price 10 / 20 francs in the shop window", "Price 10 / 20 francs in the shop window", ""},
		{"Images via the archive of the town", "Images via the archive of the town", ""},
	} {
		caption, credit := splitCaptionText(tc.in)
		if caption != tc.caption || credit != tc.credit {
			t.Errorf("splitCaptionText(%q) = %q, %q; want %q, %q", tc.in, caption, credit, tc.caption, tc.credit)
		}
	}
}

func TestCleanCredit(t *testing.T) {
	for in, want := range map[string]string{
		"Copyright Shakh Aivazov/Copyright 2024 The AP. All rights reserved": "Shakh Aivazov",
		"Tous droits réservés Euronews Tous droits réservés Euronews":        "Tous droits réservés Euronews",
		"Copyright 2024 Reuters":   "Reuters",
		"© Jane Doe":               "Jane Doe",
		"Bildrechte: Jane Doe/AP":  "Jane Doe/AP",
		"Credits: Supplied Image;": "Supplied Image",
		"(Foto: dpa)":              "dpa",
		"Photo by Ann Lee | AFP":   "Ann Lee | AFP",
		"Reuters Reuters Reuters":  "Reuters Reuters Reuters",
	} {
		if got := cleanCredit(in); got != want {
			t.Errorf("cleanCredit(%q) = %q, want %q", in, got, want)
		}
	}
}
