package parser

import (
	"strings"
	"testing"

	"github.com/newsfeed/newsfeed/article"
)

// leadCaptionPage builds an article page with an og:image, JSON-LD and
// some markup between the headline and the body.
func leadCaptionPage(og, ld, head string) string {
	body := `<p>` + strings.Repeat("A long paragraph of article text without any links in it at all. ", 5) + `</p><p>` +
		strings.Repeat("Another paragraph of the article with more words to make it long. ", 5) + `</p>`
	page := `<html><head><meta property="og:title" content="The headline of the story"><meta property="og:image" content="` + og + `">`
	if ld != "" {
		page += `<script type="application/ld+json">` + ld + `</script>`
	}
	return page + `</head><body><article><header><h1>The headline of the story</h1>` + head + `</header><div class="body">` + body + `</div></article></body></html>`
}

func TestLeadImageCaptionCredit(t *testing.T) {
	for _, tc := range []struct {
		name, og, ld, head, caption, credit string
	}{
		{"JSON-LD copyrightHolder when the page shows no credit", "https://img.example.de/4db5b93f-7c39.jpeg?w=1200",
			`{"@type":"NewsArticle","headline":"The headline of the story","image":[{"@type":"ImageObject","url":"https://img.example.de/4db5b93f-7c39.jpeg?w=1600","copyrightHolder":{"@type":"Person","name":"picture alliance/dpa | Jane Doe"}}]}`,
			`<figure><img src="https://img.example.de/4db5b93f-7c39.jpeg?w=800" alt="The synod meets."><figcaption>The synod meets in spring.</figcaption></figure>`,
			"The synod meets in spring.", "picture alliance/dpa | Jane Doe"},
		{"JSON-LD image author when the page shows no credit", "https://images.example.de/image/16x9-1920/liverpool-110.jpg",
			`{"@type":"NewsArticle","headline":"The headline of the story","image":[{"@type":"ImageObject","url":"https://images.example.de/image/16x9-1920/liverpool-110.jpg","author":"AFP/Paul Doe"}]}`,
			`<figure><img src="https://images.example.de/image/original/liverpool-110.jpg" alt="x"><figcaption>The defender after the match.</figcaption></figure>`,
			"The defender after the match.", "AFP/Paul Doe"},
		{"a credit in the page wins over JSON-LD", "https://img.example.de/4db5b93f-7c39.jpeg",
			`{"@type":"NewsArticle","headline":"The headline of the story","image":{"@type":"ImageObject","url":"https://img.example.de/4db5b93f-7c39.jpeg","copyrightHolder":"Agency"}}`,
			`<figure><img src="https://img.example.de/4db5b93f-7c39.jpeg"><figcaption>The synod meets in spring. <small>Jane Doe</small></figcaption></figure>`,
			"The synod meets in spring.", "Jane Doe"},
		{"JSON-LD credit of another picture is not taken", "https://img.example.de/4db5b93f-7c39.jpeg",
			`{"@type":"NewsArticle","headline":"The headline of the story","image":{"@type":"ImageObject","url":"https://img.example.de/other-picture.jpeg","copyrightHolder":"Agency"}}`,
			`<figure><img src="https://img.example.de/4db5b93f-7c39.jpeg"><figcaption>The synod meets in spring.</figcaption></figure>`,
			"The synod meets in spring.", ""},
		{"a labelled credit in the figure outside its figcaption", "https://d39.example.cz/d_39/img/02.jpeg?fl=cro",
			"",
			`<figure><div><div><img src="//d39.example.cz/d_39/img/02.jpeg?fl=res,1200" loading="lazy"></div><span class="e_bj"><span class="e_bk"><span>Foto: Jana Nováková, Example News</span></span></span></div>` +
				`<figcaption><p><span>The businessman escorted by the police.</span></p></figcaption></figure>`,
			"The businessman escorted by the police.", "Jana Nováková, Example News"},
		{"a short text in the figure that is no credit", "https://d39.example.cz/d_39/img/02.jpeg?fl=cro",
			"",
			`<figure><div><img src="//d39.example.cz/d_39/img/02.jpeg?fl=res,1200"><span>Gallery</span></div>` +
				`<figcaption>The businessman escorted by the police.</figcaption></figure>`,
			"The businessman escorted by the police.", ""},
		{"a caption hidden from screen readers is shown", "https://images.example-cdn.se/v2/images/393640f8-03c2?fit=crop&w=1200",
			"",
			`<figure><img src="https://images.example-cdn.se/v2/images/393640f8-03c2?fit=crop&w=1900" alt="The police search the woods.">` +
				`<figcaption><span class="image-caption" aria-hidden="true">The police search the woods.</span><span class="image-byline"> Foto: Rescue Photo</span></figcaption></figure>`,
			"The police search the woods.", "Rescue Photo"},
		{"a figcaption after the figure's wrapper", "https://i2.example.co.uk/article365.ece/ALTERNATES/s1200/0_Gary-Doe.jpg",
			"",
			`<div class="image-embed"><div class="image-container"><figure><img src="https://i2.example.co.uk/article365.ece/ALTERNATES/s1200f/0_Gary-Doe.jpg" alt="x"><div class="label"><span>3</span></div></figure></div>` +
				`<figcaption><span class="caption-title">Gary Doe is led into a courtroom</span> <span class="credit">Jane Roe/AP</span></figcaption></div>`,
			"Gary Doe is led into a courtroom", "Jane Roe/AP"},
		{"a credit line before a <br>", "https://example.jp/wp-content/uploads/2024/10/debate-216479.jpg",
			"",
			`<figure><a href="/attachment/216479/"><img src="https://example.jp/wp-content/uploads/2024/10/debate-216479.jpg" alt=""></a>` +
				`<figcaption><span>The Example Shimbun</span><br>The leaders of seven parties take part in a debate in Tokyo on Saturday.</figcaption></figure>`,
			"The leaders of seven parties take part in a debate in Tokyo on Saturday.", "The Example Shimbun"},
		{"two lines of caption stay one caption", "https://example.jp/wp-content/uploads/2024/10/debate-216479.jpg",
			"",
			`<figure><img src="https://example.jp/wp-content/uploads/2024/10/debate-216479.jpg" alt="">` +
				`<figcaption>The leaders meet in Tokyo.<br>They debate for two hours on Saturday.</figcaption></figure>`,
			"The leaders meet in Tokyo. They debate for two hours on Saturday.", ""},
		{"a copyright element after the figure's wrapper", "https://example.de/uploads/2024/10/trump-dollar.jpg",
			"",
			`<x-element><x-featured><figure><img src="https://example.de/uploads/2024/10/trump-dollar-1024x683.jpg"><figcaption><span class="caption">The dollar rises with the polls.</span></figcaption></figure></x-featured></x-element>` +
				`<x-element><x-section class="image-meta-data"><x-html class="image-description"><div>The dollar rises with the polls.</div></x-html><x-html class="image-copyright"><div>Bildrechte: picture alliance / AP | Alex Doe</div></x-html></x-section></x-element>`,
			"The dollar rises with the polls.", "picture alliance / AP | Alex Doe"},
		{"an author box after the figure is no credit", "https://example.de/uploads/2024/10/trump-dollar.jpg",
			"",
			`<figure><img src="https://example.de/uploads/2024/10/trump-dollar-1024x683.jpg"><figcaption>The dollar rises with the polls.</figcaption></figure>` +
				`<div class="author">Jane Doe</div>`,
			"The dollar rises with the polls.", ""},
		{"a caption box with figcaptions after the figure's wrapper and an empty element", "https://image.example.ag/2192435.jpg?imageId=2192435&width=1200",
			"",
			`<div class="media"><figure><div class="img"><picture><img src="https://image.example.ag/2192435.webp?imageId=2192435&width=960" alt=""></picture></div></figure>` +
				`<div class="floatingText"></div></div><div class="caption"><figcaption itemprop="caption">The premier has noted the poll's results.</figcaption>` +
				`<figcaption itemprop="author">Foto: Mads Doe</figcaption></div>`,
			"The premier has noted the poll's results.", "Mads Doe"},
		{"a figcaption after a picture with no figure", "https://images.example.com/images/1200/570/q_80/s_fb/1072476.jpg",
			"",
			`<div class="author-box"><strong>Tom Doe</strong><p>Formula 1 and motorbikes, that is my thing. I have followed the sport for years and write about it every day.</p></div>` +
				`<picture class="detail-view"><img src="https://images.example.com/images/960/540/q_80/1072476.jpg" width="960"></picture>` +
				`<figcaption><span>The superbike riders after the race. Foto: LAT Images</span></figcaption>`,
			"The superbike riders after the race.", "LAT Images"},
		{"a link to the og:image around a smaller rendition", "https://cdn.example.net/media/1738253380/Megeve-Les-Fermes.jpg",
			"",
			`<p>` + strings.Repeat("The standfirst of the story comes first here. ", 3) + `</p>` +
				`<figure><a href="https://cdn.example.net/media/1738253380/Megeve-Les-Fermes.jpg" class="has-maximize"><picture>` +
				`<img alt="" src="/image/placeholder/800x600.png" data-src="https://cdn.example.net/media/1738253380/4x3/1200.jpg" width="800"></picture></a>` +
				`<figcaption><span class="small">Credits: Supplied Image</span></figcaption></figure>`,
			"", "Supplied Image"},
	} {
		_, caption, credit := leadCaption(t, leadCaptionPage(tc.og, tc.ld, tc.head))
		if caption != tc.caption || credit != tc.credit {
			t.Errorf("%s: caption %q credit %q, want %q %q", tc.name, caption, credit, tc.caption, tc.credit)
		}
	}
}

// leadCaption extracts page (at https://example.org/news/1) and returns
// the article with its lead image's caption and credit ("" without one).
func leadCaption(t *testing.T, page string) (*article.Article, string, string) {
	t.Helper()
	a, err := New(nil).Extract([]byte(page), Options{URL: "https://example.org/news/1"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Image == nil {
		return a, "", ""
	}
	return a, a.Image.Caption, a.Image.Credit
}

func TestCaptionOnlyCredit(t *testing.T) {
	for _, tc := range []struct{ in, caption, credit string }{
		{"Picture: iStock", "", "iStock"},
		{"коллаж: Андрей Калистратенко", "", "Андрей Калистратенко"},
		{"(Foto: dpa)", "", "dpa"},
		{"© Jane Doe/AP", "", "Jane Doe/AP"},
		// A caption that only opens with a label-like word stays.
		{"Source: the ministry says that prices rose. Then they fell.", "Source: the ministry says that prices rose. Then they fell.", ""},
		{"Picture the scene at the harbour", "Picture the scene at the harbour", ""},
	} {
		caption, credit := splitCaptionText(tc.in)
		if caption != tc.caption || credit != tc.credit {
			t.Errorf("splitCaptionText(%q) = %q, %q; want %q, %q", tc.in, caption, credit, tc.caption, tc.credit)
		}
	}
	// A JSON-LD caption that is only a credit.
	page := leadCaptionPage("https://img.example.ua/images/4a611a79a88824d3.jpeg",
		`{"@type":"NewsArticle","headline":"The headline of the story","image":{"@type":"ImageObject","url":"https://img.example.ua/images/4a611a79a88824d3.jpeg","caption":"коллаж: Андрей Калистратенко"}}`, "")
	a, err := New(nil).Extract([]byte(page), Options{URL: "https://example.org/news/1"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Image == nil || a.Image.Caption != "" || a.Image.Credit != "Андрей Калистратенко" {
		t.Errorf("JSON-LD caption that is a credit: got %+v", a.Image)
	}
}

func TestLeadFigureBeforeBody(t *testing.T) {
	body := `<p>` + strings.Repeat("A long paragraph of article text without any links in it at all. ", 5) + `</p><p>` +
		strings.Repeat("Another paragraph of the article with more words to make it long. ", 5) + `</p>`
	// No headline element the extractor recognises, an og:image at
	// another rendition than the page's: the figure just before the body,
	// whose caption is a paragraph, is the lead image.
	page := `<html><head><meta property="og:title" content="Arms exports: a complaint is filed"><meta property="og:image" content="https://www.example.de/fileadmin/_processed_/7/e/csm_gaza_a395f41217.jpg"></head>` +
		`<body><article><header><div class="kicker"><span>Arms exports</span></div><p class="meta">von <a href="/autoren/jane">Jane Doe</a></p>` +
		`<figure class="reader__image"><div><img src="/fileadmin/_processed_/7/e/csm_gaza_93268333ee.jpg" width="2048"></div>` +
		`<figcaption><p>The proceedings in Karlsruhe concern gearbox parts for tanks that were used in the war. <span>Foto: picture alliance / Jane Roe</span></p></figcaption></figure>` +
		`</header><div class="article-text-wrapper">` + body + `</div></article></body></html>`
	a, err := New(nil).Extract([]byte(page), Options{URL: "https://example.org/news/1"})
	if err != nil {
		t.Fatal(err)
	}
	want := "The proceedings in Karlsruhe concern gearbox parts for tanks that were used in the war."
	if a.Image == nil || a.Image.Caption != want || a.Image.Credit != "picture alliance / Jane Roe" {
		t.Errorf("got %+v, want caption %q", a.Image, want)
	}
}

func TestLeadImageAfterUnmatchedHeadline(t *testing.T) {
	para := func(s string) string { return `<p>` + strings.Repeat(s+" ", 5) + `</p>` }
	for _, tc := range []struct {
		name, head, caption, credit string
	}{
		{"the first h1 starts the search when no headline matched a meta title",
			`<div class="top"><div class="kicker"><h1>Ukraine: Kyiv under fire</h1></div></div>` +
				`<div class="lead"><div><div><custom-island><figure><img src="/v2/images/fedea3df-9555-31bb?w=1440" width="3289">` +
				`<figcaption><span>Smoke rises over the centre of Kyiv. <span>Foto: Dan Doe/AP</span></span></figcaption></figure></custom-island></div></div></div>`,
			"Smoke rises over the centre of Kyiv.", "Dan Doe/AP"},
		{"a figure whose caption is an author's name is a byline portrait",
			`<h1>Record number of missiles fired at Ukraine</h1><div class="byline"><figure><img src="/img/leo-author-portrait.jpg" width="200"><figcaption>Leo Doe</figcaption></figure>` +
				`<span>By <a href="/authors/leo-doe" rel="author">Leo Doe</a></span></div>` +
				`<figure><img src="/v2/images/fedea3df-9555-31bb?w=1440" width="3289"><figcaption>Smoke rises over the centre of Kyiv.</figcaption></figure>`,
			"Smoke rises over the centre of Kyiv.", ""},
	} {
		page := `<html><head><title>Record number of missiles fired at Ukraine</title><meta property="og:title" content="Record number of missiles fired at Ukraine"><meta name="twitter:title" content="Record number of missiles fired at Ukraine"><meta property="og:image" content="https://cdn.example.no/v2/images/0cefd588-bc8c-33bf.jpg">` +
			`<meta name="author" content="Leo Doe"></head><body><div class="page"><div class="head">` + tc.head + `</div>` +
			`<div class="wrap"><div class="a"><div class="b"><div class="inner"><section class="article-body">` +
			para("A long paragraph of article text without any links in it at all.") +
			para("Another paragraph of the article with more words to make it long.") +
			`</section></div></div></div></div></div></body></html>`
		a, caption, credit := leadCaption(t, page)
		if caption != tc.caption || credit != tc.credit {
			t.Errorf("%s: caption %q credit %q, want %q %q (authors %q, title %q)", tc.name, caption, credit, tc.caption, tc.credit, a.Authors, a.Title)
		}
	}
}

func TestLeadImageThroughProxy(t *testing.T) {
	for _, tc := range []struct {
		name, og, ld, head, caption, credit string
	}{
		{"an image served through a proxy that names it in its query", "https://www.example.my/uploads/images/2024/11/22/thumbs/400x400/246270.jpg",
			"",
			`<p>` + strings.Repeat("The opening paragraph of the story, before the picture. ", 4) + `</p>` +
				`<div class="article-image-gallery"><div class="layout-ratio"><picture><img class="figure-img" src="https://cdn4.example.com/?url=https://example.my/uploads/images/2024/11/22/246270.jpg&w=1000&q=100"></picture></div>` +
				`<div class="image-caption">The minister speaks in Shah Alam on November 19, 2024. — Picture by Yusof Doe</div></div>` +
				`<div class="share"><a href="/share">Share</a></div>`,
			"The minister speaks in Shah Alam on November 19, 2024.", "Yusof Doe"},
	} {
		// The picture comes after the first paragraph, where only the
		// og:image finds it.
		_, caption, credit := leadCaption(t, leadCaptionPage(tc.og, tc.ld, tc.head))
		if caption != tc.caption || credit != tc.credit {
			t.Errorf("%s: caption %q credit %q, want %q %q", tc.name, caption, credit, tc.caption, tc.credit)
		}
	}
}

func TestLeadImageAfterStandfirst(t *testing.T) {
	para := func(s string) string { return `<p>` + strings.Repeat(s+" ", 5) + `</p>` }
	// The standfirst, a paragraph named for one, comes before the lead
	// image; the body's first paragraph comes after it.
	page := `<html><head><title>The hard business of slaughter</title><meta property="og:title" content="The hard business of slaughter">` +
		`<meta property="og:image" content="https://cdn.example.de/slaughter-110_v-variantBig16x9_wm-true_zc-ecbbafc6.jpg"></head><body><div class="lineWrapper">` +
		`<h1>The hard business of slaughter</h1>` +
		`<p class="einleitung">Thuringia eats a lot of meat, but fewer and fewer animals are slaughtered in the state. A visit to a mid-sized abattoir.</p>` +
		`<div class="mediaCon"><div class="media"><div class="imageWrapper"><img src="https://cdn.example.de/slaughter-110_v-variantBig16x9_w-576_zc-915c23fa.jpg" width="576"></div>` +
		`<div class="mediaInfo"><span class="mediaSubtitle">About 45 pigs are slaughtered every hour.</span> <span class="mediaRights">Bildrechte: MDR/Jane Doe</span></div></div></div>` +
		para("A long paragraph of article text without any links in it at all.") +
		para("Another paragraph of the article with more words to make it long.") +
		`</div></body></html>`
	a, err := New(nil).Extract([]byte(page), Options{URL: "https://example.org/news/1"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Image == nil || a.Image.Caption != "About 45 pigs are slaughtered every hour." || a.Image.Credit != "MDR/Jane Doe" {
		t.Errorf("got %+v", a.Image)
	}
}
