package parser

import (
	"fmt"
	"strings"
	"testing"
)

// menu is a block of navigation links long enough to outweigh a short
// article in the page's total.
var menu = `<div class="nav">` + strings.Repeat(`<a href="/s">A section of the site with a long name</a> `, 60) + `</div>`

// para returns a paragraph of n sentences that all start with word.
func para(word string, n int) string {
	return "<p>" + strings.Repeat(word+" is a sentence of ordinary article prose with no links in it. ", n) + "</p>"
}

// counted returns n different sentences that start with word.
func counted(word string, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%s says thing number %d of the story, and then %d more words. ", word, i, i*7)
	}
	return b.String()
}

// TestBodyRules pins the generic body rules: each page must give a text
// that holds every must snippet and none of the mustNot ones.
func TestBodyRules(t *testing.T) {
	for _, tc := range []struct {
		name          string
		page          string
		must, mustNot []string
		once          []string // must appear exactly once
	}{
		{
			name: "next story appended below the first",
			page: `<html><head><meta property="og:title" content="First story headline"></head><body><main>
<article><h1>First story headline</h1>` + para("Alpha", 3) + para("Beta", 3) + `</article>
<div class="under"><article><h1>Second story headline</h1>` + para("Gamma", 4) + para("Delta", 4) + para("Epsilon", 4) + `</article></div>
</main></body></html>`,
			must:    []string{"Alpha is", "Beta is"},
			mustNot: []string{"Gamma", "Delta", "Epsilon"},
		},
		{
			name: "a forum thread's posts are its text",
			page: `<html><head><title>Question about the app store</title></head><body><main>
<h1>Question about the app store</h1>
<div class="comment-list"><div class="comment">` + para("Alpha", 2) + `</div><div class="comment">` + para("Beta", 2) + `</div></div>
</main><aside class="sidebar"><p>Zeta is a very short sidebar note.</p></aside></body></html>`,
			must:    []string{"Alpha is", "Beta is"},
			mustNot: []string{"Zeta"},
		},
		{
			name: "comments below an article stay out",
			page: `<html><head><title>Headline</title></head><body><main><article><h1>Headline</h1>` + para("Alpha", 3) + `</article>
<div class="comments"><div class="comment">` + para("Beta", 2) + `</div></div></main></body></html>`,
			must:    []string{"Alpha is"},
			mustNot: []string{"Beta"},
		},
		{
			name: "the panes of a set of tabs are one text",
			page: `<html><head><title>A product</title></head><body>` + menu + `<main><h1>A product</h1>
<div class="tabs"><div class="tab-nav"><a href="#a">Description</a> <a href="#b">Details</a></div>
<div class="tab-pane" id="a">` + para("Alpha", 4) + `</div>
<div class="tab-pane" id="b"><table><tr><th>Zeta grape</th><td>Zinfandel</td></tr><tr><th>Eta region</th><td>California</td></tr></table></div>
</div></main></body></html>`,
			must: []string{"Alpha is", "Zeta grape", "Eta region"},
		},
		{
			name: "a paragraph folded behind a read-more toggle is text",
			page: `<html><head><title>Holiday home</title></head><body>` + menu + `<main><h1>Holiday home</h1>` + para("Alpha", 4) + `
<p class="js-readmore">Zeta is the village the house stands in, a quiet place in the hills with a church, a bakery and a long walk to the lake. In summer the meadows are full of flowers and the evenings are long and warm. </p>` + para("Beta", 4) + `
<div class="read-more"><a href="/more">Read more stories about holidays in the hills and the villages around the lake</a></div></main></body></html>`,
			must:    []string{"Alpha is", "Beta is", "Zeta is the village"},
			mustNot: []string{"Read more stories"},
		},
		{
			name: "a titled section with a picture is text, a caption or a teaser is not",
			page: `<html><head><title>Career day</title></head><body>` + menu + `<main><h1>Career day</h1>` + para("Alpha", 6) + para("Beta", 6) + para("Gamma", 6) + `
<section class="venue"><div class="wrapper"><h3>Getting there</h3><p>Zeta is how you reach the venue: the workshops take place at the companies themselves, in their own offices in town.</p><img src="/map.jpg" width="600"></div></section>
<div class="photo-box"><h3>Harbour</h3><p>Eta shows the harbour at dawn, seen from the old lighthouse on the hill above the old town.</p><img src="/b.jpg" width="600"></div>
<div class="card"><h3><a href="/other">Theta is another story on the site</a></h3><p>Iota is the teaser of another story on the site, two lines long with a few more words.</p><img src="/c.jpg" width="600"></div>
</main></body></html>`,
			must:    []string{"Alpha is", "Zeta is how", "Getting there"},
			mustNot: []string{"Eta shows", "Iota is"},
		},
		{
			name: "a list that outscores its article brings the article with it",
			page: `<html><head><title>A spell</title></head><body>` + menu + `<main><h1>A spell</h1><div class="wiki">
<p>Zeta is a charm.</p><p>Eta makes water.</p><p>Theta is short.</p><p>Iota too.</p>
<ul><li>` + counted("Alpha", 3) + `</li><li>` + counted("Beta", 3) + `</li><li>` + counted("Gamma", 3) + `</li></ul>
<p>Kappa ends it.</p></div></main></body></html>`,
			must: []string{"Alpha says", "Zeta is a charm", "Eta makes water", "Kappa ends it"},
		},
		{
			name: "a table wrapped in a figure is text, its caption is not",
			page: `<html><head><title>Fees</title></head><body>` + menu + `<main><h1>Fees</h1>` + para("Alpha", 4) + `
<figure class="wp-block-table"><table><tr><td>Zeta transfer</td><td>Free deposit, 1 GBP withdrawal</td></tr><tr><td>Eta card</td><td>A fee applies</td></tr></table><figcaption>Theta shows the fees</figcaption></figure>` + para("Beta", 4) + `</main></body></html>`,
			must:    []string{"Alpha is", "Beta is", "Zeta transfer | Free deposit, 1 GBP withdrawal", "Eta card"},
			mustNot: []string{"Theta shows"},
		},
		{
			name: "a quotation wrapped in a figure with an attribution is text",
			page: `<html><head><title>Speech</title></head><body>` + menu + `<main><h1>Speech</h1>` + para("Alpha", 4) + `
<figure class="quote"><blockquote><p>Zeta is what the minister said about the bridge and its future in the town.</p></blockquote><figcaption>Eta Minister</figcaption></figure>` + para("Beta", 4) + `</main></body></html>`,
			must: []string{"Alpha is", "Beta is", "Zeta is what the minister said"},
		},
		{
			name: "an accordion's question is text, a card's header line is not",
			page: `<html><head><title>Loans</title></head><body>` + menu + `<main><h1>Loans</h1>` + para("Alpha", 4) + `
<div class="accordion"><div class="card"><div class="card-header"><div class="title" data-toggle="collapse" aria-expanded="false">Zeta: how is the interest on my loan set?</div></div>
<div class="collapse"><div class="card-body">` + para("Beta", 2) + `</div></div></div></div>
<div class="card"><div class="card-header"><span>Eta Finance Ltd, partner</span></div><div class="card-body">` + para("Gamma", 2) + `</div></div></main></body></html>`,
			must:    []string{"Alpha is", "Beta is", "Zeta: how is the interest"},
			mustNot: []string{"Eta Finance"},
		},
		{
			name: "a later h1 that is not the headline heads a part of the text",
			page: `<html><head><title>About us</title></head><body><header><h1>Site name</h1></header>` + menu + `<main><article><h1>Zeta curriculum vitae</h1>` + para("Alpha", 4) + `<h1>Eta awards</h1>` + para("Beta", 4) + `</article></main></body></html>`,
			must: []string{"Zeta curriculum vitae", "Alpha is", "Eta awards", "Beta is"},
		},
		{
			name:    "the headline worded otherwise in the first h1 stays out",
			page:    `<html><head><meta property="og:title" content="Bratwurst: the hard trade of the slaughterhouses"></head><body>` + menu + `<main><article><h1>Zeta: why fewer animals are slaughtered here</h1>` + para("Alpha", 4) + para("Beta", 4) + `</article></main></body></html>`,
			must:    []string{"Alpha is", "Beta is"},
			mustNot: []string{"Zeta"},
		},
		{
			name: "a recipe's ingredients beside its method are text",
			page: `<html><head><title>Mandarin cake</title></head><body>` + menu + `<main><h1>Mandarin cake</h1>
<article class="box recipe-ingredients"><h2>Ingredients</h2><table class="ingredients table-header"><tr><th>Zeta base:</th></tr><tr><td>250 g</td><td>Eta flour</td></tr><tr><td>1</td><td><a href="/shop/egg">Theta egg</a></td></tr></table></article>
<div class="ad-slot"><a href="/x">Advertisement</a></div>
<article class="box recipe-method"><h2>Method</h2>` + para("Alpha", 4) + para("Beta", 4) + `</article>
</main></body></html>`,
			must: []string{"Alpha is", "Beta is", "Zeta base:", "Eta flour"},
		},
		{
			name: "a recipe card holding the ingredients is text whatever its name",
			page: `<html><head><title>Noodles</title></head><body>` + menu + `<main><h1>Noodles</h1>` + para("Alpha", 5) + para("Beta", 5) + `
<div class="recipe-card header-content-align-left"><ul class="ingredients-list"><li>Zeta 120 g noodles</li><li>Eta 2 tbsp oil</li></ul>
<ol class="directions"><li>Theta: heat the oil in the wok.</li><li>Iota: add the noodles.</li></ol></div></main></body></html>`,
			must: []string{"Alpha is", "Beta is", "Zeta 120 g noodles", "Theta: heat the oil"},
		},
		{
			name: "how-to steps in boxes with a weak name are one text",
			page: `<html><head><title>Cutting tomatoes</title></head><body>` + menu + `<main><h1>Cutting tomatoes</h1><div class="steps">
<div class="print-step"><div class="step-text">` + counted("Alpha", 5) + `</div></div>
<div class="print-step"><div class="step-text">` + counted("Beta", 4) + `</div></div>
<div class="print-step"><div class="step-text">` + counted("Gamma", 4) + `</div></div>
</div></main></body></html>`,
			must: []string{"Alpha says", "Beta says", "Gamma says"},
		},
		{
			name: "the question above a page's answers is text",
			page: `<html><head><title>When to use one word or the other</title></head><body>` + menu + `<div id="mainbar">
<div class="question" id="question"><div class="votes"><a href="/up">up</a> <span>22</span> <a href="/down">down</a></div><div class="post-text"><p>Zeta asks how one knows which word to use in that context.</p></div><div class="post-menu">` + strings.Repeat(`<a href="/q/1">share this question</a> <a href="/users/7">asked by a user of the site</a> `, 4) + `</div></div>
<div id="answers"><div class="answer">` + para("Alpha", 3) + `</div><div class="answer">` + para("Beta", 3) + `</div></div>
</div></body></html>`,
			must: []string{"Zeta asks how one knows", "Alpha is", "Beta is"},
		},
		{
			name: "a heading in a header cell leaves a data table a table",
			page: `<html><head><title>Cake</title></head><body>` + menu + `<main><h1>Cake</h1>` + para("Alpha", 4) + `
<table class="list"><thead><tr><th colspan="2"><h3>Zeta base:</h3></th></tr></thead><tbody><tr><td><span>2 cans</span></td><td><span><a href="/mandarin">Eta mandarins</a></span></td></tr><tr><td>125 g</td><td>Theta flour</td></tr></tbody></table>` + para("Beta", 4) + `</main></body></html>`,
			must: []string{"Alpha is", "Beta is", "Zeta base:", "2 cans | Eta mandarins", "125 g | Theta flour"},
		},
		{
			name: "a figcaption of a hundred words is text, a caption is not",
			page: `<html><head><title>Congress</title></head><body>` + menu + `<main><h1>Congress</h1>` + para("Alpha", 4) + `
<figure><img src="/a.jpg" width="600"><figcaption>` + counted("Zeta", 12) + `</figcaption></figure>` + para("Beta", 4) + `
<figure><img src="/b.jpg" width="600"><figcaption>Eta shows the hall of congress.</figcaption></figure>` + para("Gamma", 4) + `</main></body></html>`,
			must:    []string{"Alpha is", "Beta is", "Zeta says thing number 11"},
			mustNot: []string{"Eta shows"},
		},
		{
			name: "ingredients in a block that continues the article come once",
			page: `<html><head><title>Bread</title></head><body>` + menu + `<main><h1>Bread</h1><div class="col"><div class="body">` + para("Alpha", 5) + `</div>
<div class="second"><ul class="ingredients"><li>Zeta 500 g flour</li><li>Eta 10 g salt</li></ul>` + para("Beta", 4) + `</div>
<div class="links">` + strings.Repeat(`<a href="/r">Another recipe from the site to bake</a> `, 20) + `</div></div></main></body></html>`,
			must: []string{"Alpha is", "Beta is"},
			once: []string{"Zeta 500 g flour"},
		},
		{
			name: "live blog posts are all kept",
			page: `<html><head><meta property="og:title" content="Live: the day in news"></head><body><main>
<h1>Live: the day in news</h1>
<article>` + para("Alpha", 3) + `</article><article>` + para("Beta", 3) + `</article><article>` + para("Gamma", 3) + `</article>
</main></body></html>`,
			must: []string{"Alpha is", "Beta is", "Gamma is"},
		},
		{
			name: "captions and credits beside images, no figure markup",
			page: `<html><body><article><h1>Headline</h1>` + para("Alpha", 3) + `
<div class="photo"><img src="/a.jpg"><span class="cap">Zeta shows a harbour at dawn (Image: Getty)</span></div>` + para("Beta", 3) + `
<div class="media"><div><img src="/b.jpg"></div><div class="info"><small>Eta was photographed / © Agency</small></div></div>` + para("Gamma", 3) + `
</article></body></html>`,
			must:    []string{"Alpha is", "Beta is", "Gamma is"},
			mustNot: []string{"Zeta", "Eta was"},
		},
		{
			name: "images inside text runs and emoji keep their text",
			page: `<html><body><article><h1>Headline</h1>` + para("Alpha", 3) + `
<p><strong><img src="/c.jpg">Theta opens the second paragraph in bold.</strong> More text follows here.</p>
<div>Iota is short <img class="emoji" src="/e.png"></div>` + para("Beta", 3) + `</article></body></html>`,
			must: []string{"Alpha is", "Theta opens", "Iota is short", "Beta is"},
		},
		{
			name: "a slide show is its illustrated paragraphs",
			page: `<html><body><article><h1>Ten looks</h1>` + strings.Repeat(`<div class="slide"><img src="/s.jpg">`+para("Kappa", 2)+`</div>`, 6) + `</article></body></html>`,
			must: []string{"Kappa is"},
		},
		{
			name: "the article inside a wrapper named for boilerplate",
			page: `<html><body>` + menu + `<div class="sidebar_content"><div class="post">` + para("Alpha", 6) + para("Beta", 6) + `</div></div>
<div class="footer"><p>Short footer</p></div></body></html>`,
			must: []string{"Alpha is", "Beta is"},
		},
		{
			name: "one long run of text split by br, in a widget",
			page: `<html><body>` + menu + `<div class="date-posts"><div class="elementor-widget-container">` +
				strings.Repeat("Lambda is a line of a long post that uses line breaks instead of paragraphs.<br>", 15) +
				`</div></div></body></html>`,
			must: []string{"Lambda is"},
		},
		{
			name: "a winning paragraph brings its sibling paragraphs",
			page: `<html><body>` + menu + `<div class="entry"><p>` + strings.Repeat("Mu is one long paragraph of a short blog post. ", 12) + `</p>
<div class="share">` + strings.Repeat(`<a href="/x">Share on a network</a> `, 12) + `</div>
<p>Nu ends the post with a short line.</p><p>Xi adds a second short line.</p></div></body></html>`,
			must:    []string{"Mu is", "Nu ends", "Xi adds"},
			mustNot: []string{"Share on"},
		},
		{
			name: "an article split into sibling sections",
			page: `<html><body>` + menu + `<div class="page"><h1>Cycling in the city</h1>
<div class="section text"><div class="row"><div class="col">` + para("Omicron", 3) + `</div></div></div>
<div class="teaser">` + strings.Repeat(`<a href="/t">Another story to read next</a> `, 40) + `</div>
<div class="section text"><div class="row"><div class="col">` + para("Pi", 3) + `</div></div></div>
<div class="section text"><div class="row"><div class="col">` + para("Rho", 2) + `</div></div></div>
</div></body></html>`,
			must:    []string{"Omicron is", "Pi is", "Rho is"},
			mustNot: []string{"Another story"},
		},
		{
			name: "headline, kicker and datelines above the first paragraph",
			page: `<html><head><meta property="og:title" content="Sigma, a different social headline"></head><body><article>
<h1><span>Tau kicker</span> The visible headline</h1><p>Publiziert heute um 12:19 Uhr</p><div>Stand: 22.04.2024, 06:00 Uhr</div>
<p>Upsilon was said at 10.30 in the morning, long before the vote.</p>` + para("Phi", 3) + `<p>Chi is short: 22.04.2024</p>` + para("Psi", 2) + `</article></body></html>`,
			must:    []string{"Upsilon was said", "Phi is", "Chi is short", "Psi is"},
			mustNot: []string{"Tau kicker", "Publiziert", "Stand:"},
		},
		{
			name: "a post rendered from a template in the article body",
			page: `<html><body><div class="post-body"><div class="post-content" itemprop="articleBody"><script type="text/template">` +
				para("Alpha", 5) + para("Beta", 5) + `</script><noscript>` + para("Alpha", 4) + `</noscript></div></div>
<div id="cookie-box"><script type="text/template"><div class="cookie">` + para("Gamma", 6) + `</div></script></div></body></html>`,
			must:    []string{"Alpha is", "Beta is"},
			mustNot: []string{"Gamma"},
		},
		{
			name: "newsletter, author profile, embed placeholder and ad label in the body",
			page: `<html><body><article><h1>Headline</h1>` + para("Alpha", 3) + `
<section class="NewsletterBox"><p>Sigma is the perfect start to your day with the news of the world, every morning.</p></section>` + para("Beta", 3) + `
<div class="c-oembed-placeholder"><p>Tau needs your consent to show embedded content from third parties here, which may share data.</p></div>
<p>REKLAM</p>` + para("Gamma", 3) + `
<div class="author-profile"><p>Upsilon is a producer filing stories on the Middle East for the bureau in Ottawa since 2019.</p></div>
</article></body></html>`,
			must:    []string{"Alpha is", "Beta is", "Gamma is"},
			mustNot: []string{"Sigma", "Tau", "REKLAM", "Upsilon"},
		},
		{
			name: "elements hidden by a utility class",
			page: `<html><body><article><h1>Headline</h1>` + para("Alpha", 3) + `
<div class="article-block sign-in-group hidden"><p>Phi asks you to register or sign in to unlock more articles this month, free of charge.</p></div>
<div class="hidden-xs">` + para("Beta", 3) + `</div></article></body></html>`,
			must:    []string{"Alpha is", "Beta is"},
			mustNot: []string{"Phi asks"},
		},
		{
			name: "JSON-LD articleBody as a second opinion",
			page: `<html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"H","articleBody":"` +
				counted("Alpha", 8) + `\n` + counted("Beta", 8) + `\n` + counted("Gamma", 8) + `"}</script></head>
<body><article><h1>H</h1><p>Chi, the standfirst, opens the story in the page but not in articleBody at all.</p><p>` + counted("Alpha", 8) + `</p><p>` + counted("Beta", 8) +
				`</p><p>Omega is the teaser of another story that the page puts between paragraphs of this one.</p><p>` + counted("Gamma", 8) + `</p></article></body></html>`,
			must:    []string{"Chi, the standfirst", "Alpha says", "Beta says", "Gamma says"},
			mustNot: []string{"Omega"},
		},
		{
			name: "subheads with weak names stay; related-content headings go",
			page: `<html><body><article><h1>Headline</h1>` + para("Alpha", 3) + `<h5 class="time">11.04 Uhr: Kappa happened in the morning</h5>` + para("Beta", 3) + `
<h2 class="widget-title">Lambda, the second part</h2>` + para("Gamma", 3) + `<h3>Das könnte Sie auch interessieren</h3><ul class="list">` + strings.Repeat(`<li><a href="/x">Another story</a></li>`, 4) + `</ul>` + para("Delta", 3) + `</article></body></html>`,
			must:    []string{"Kappa happened", "Lambda, the second", "Alpha is", "Delta is"},
			mustNot: []string{"Das könnte"},
		},
		{
			name: "a sign-off stays; labels, credits and names after the body go",
			page: `<html><body><article><h1>Headline</h1><div class="entry">` + para("Alpha", 3) + para("Beta", 3) + `<p>x Franzi</p></div></article></body></html>`,
			must: []string{"Beta is", "x Franzi"},
		},
		{
			name:    "a label or a credit after the body goes",
			page:    `<html><body><article><h1>Headline</h1><div class="entry">` + para("Alpha", 3) + para("Beta", 3) + `<p>Mu and more:</p><p>aja/PAP</p></div></article></body></html>`,
			must:    []string{"Beta is"},
			mustNot: []string{"Mu and more", "aja/PAP"},
		},
		{
			name:    "a sentence that is mostly a link stays; a short link line goes",
			page:    `<html><body><article><h1>Headline</h1><div class="entry">` + para("Alpha", 3) + `<p>Nu asks <a href="/q">what the professor thinks of the long and often repeated question that readers put to him every week?</a></p><p><a href="/more">Read the whole series here</a></p>` + para("Beta", 3) + `</div></article></body></html>`,
			must:    []string{"Beta is", "Nu asks what"},
			mustNot: []string{"Read the whole series"},
		},
		{
			name: "a lead beside the body, past an image, stays; a headline there goes",
			page: `<html><body><h1>Headline</h1><div class="page"><div class="kicker"><div class="big">Pi is the headline of the story on this page as set in a box</div></div>
<div class="intro"><div class="lead">Omicron is the lead of the story, set apart from its body in a box of its own, where it says in two lines what the story tells.</div><ul class="icons"><li><a href="/tw">Twitter</a></li></ul></div>
<div class="pic"><img src="/a.jpg"><span>Photo: Agency</span></div>
<div class="body">` + para("Alpha", 3) + para("Beta", 3) + `</div>
<div class="list">` + strings.Repeat(`<a href="/s">Another story with a long name</a> `, 30) + `</div></div></body></html>`,
			must:    []string{"Omicron is the lead", "Alpha is", "Beta is"},
			mustNot: []string{"Pi is the headline", "Another story", "Photo: Agency"},
		},
		{
			name: "two boxes of lead before the body stay, in their order",
			page: `<html><body><h1>Headline</h1><div class="page"><div class="one"><p>Omicron is the lead of the story, set apart from its body in a box of its own, where it says what it tells.</p></div>
<div class="two"><p>Upsilon is the second part of the lead, set apart in a box of its own too, and it says what comes next.</p></div>
<div class="body">` + para("Alpha", 3) + para("Beta", 3) + `</div>
<div class="list">` + strings.Repeat(`<a href="/s">Another story with a long name</a> `, 40) + `</div></div></body></html>`,
			must:    []string{"what it tells.\n\nUpsilon is", "comes next.\n\nAlpha is"},
			mustNot: []string{"Another story"},
		},
		{
			name: "a lead set as a heading beside the body stays",
			page: `<html><body><h1>Headline</h1><div class="page"><div class="top"><h2>Sigma is the lead of the story, set as a heading in a row of its own above the body, where it says in two lines what the story tells.</h2></div>
<div class="row">` + para("Alpha", 3) + para("Beta", 3) + `</div>
<div class="list">` + strings.Repeat(`<a href="/s">Another story with a long name</a> `, 30) + `</div></div></body></html>`,
			must:    []string{"Sigma is the lead", "Alpha is", "Beta is"},
			mustNot: []string{"Another story"},
		},
		{
			name: "the part of the body after the container stays; a short note there goes",
			page: `<html><body><h1>Headline</h1><div class="page"><div class="body">` + para("Alpha", 3) + para("Beta", 3) + `</div>
<section class="part">` + para("Gamma", 3) + `</section><div class="box"><p>Tau, sign up for our letters, it is free and it comes weekly.</p></div>
<div class="list">` + strings.Repeat(`<a href="/s">Another story with a long name</a> `, 30) + `</div></div></body></html>`,
			must:    []string{"Alpha is", "Beta is", "Gamma is"},
			mustNot: []string{"Another story", "Tau, sign"},
		},
		{
			name: "a list of scraps above the first paragraph goes, a list of key points stays",
			page: `<html><body><article><h1>Headline</h1><ul><li>News</li><li>Local</li><li>Omega Town</li></ul>
<ul><li>Sigma is the first key point of the story in a sentence.</li><li>Sigma is the second key point of the story, also a sentence.</li></ul>` +
				para("Alpha", 3) + para("Beta", 3) + `</article></body></html>`,
			must:    []string{"Sigma is the first", "Alpha is", "Beta is"},
			mustNot: []string{"Omega Town"},
		},
		{
			name: "a paragraph listing linked names stays, a paragraph that is a link to more goes",
			page: `<html><body><article><h1>Headline</h1>` + para("Alpha", 3) + `
<p>Towns: <a href="/t/1">Omicron</a>, <a href="/t/2">Pi Town</a>, <a href="/t/3">Rho</a>, <a href="/t/4">Sigma City</a></p>
<p>Read more: <a href="/news/2">Another story with a long name and a long title</a></p>` + para("Beta", 3) + `</article></body></html>`,
			must:    []string{"Alpha is", "Beta is", "Omicron, Pi Town, Rho, Sigma City"},
			mustNot: []string{"Another story"},
		},
		{
			name: "the display h2 of a page whose h1 is a crumb is the headline, not body",
			page: `<html><head><meta property="og:title" content="The displayed headline proper"></head><body>
<nav class="breadcrumb"><a href="/">Home</a> <h1>Crumb headline for search engines</h1></nav><article>
<h2><span>Upsilon kicker</span> <span>The displayed headline proper</span></h2>` + para("Alpha", 3) + para("Beta", 3) + `</article></body></html>`,
			must:    []string{"Alpha is", "Beta is"},
			mustNot: []string{"Upsilon", "displayed headline"},
		},
		{
			name: "short lines with a copyright sign go",
			page: `<html><body><article><h1>Headline</h1>` + para("Alpha", 3) + `<p>Phi on the shore at dawn. © Agency / Photographer</p>` +
				para("Beta", 3) + `<p>Chi, all the photos: © Example Media</p>` + para("Gamma", 2) + `</article></body></html>`,
			must:    []string{"Alpha is", "Beta is", "Gamma is"},
			mustNot: []string{"Phi on", "Chi, all"},
		},
		{
			name: "a contact section at the end goes",
			page: `<html><body><article><h1>Headline</h1>` + para("Alpha", 5) + para("Beta", 5) + `
<p>Contact:</p><p>Omicron Person</p><p>Phone +49 40 123 456</p><p>We answer every letter.</p></article></body></html>`,
			must:    []string{"Alpha is", "Beta is"},
			mustNot: []string{"Contact:", "Omicron", "Phone", "every letter"},
		},
		{
			name: "references under a heading at the end go",
			page: `<html><body><article><h1>Headline</h1>` + para("Alpha", 5) + para("Beta", 5) + `
<h2>Further reading</h2><p>Kappa, A. (2021). A study of things. https://example.org/study</p><p>Lambda, B. (2019). More things.</p></article></body></html>`,
			must:    []string{"Alpha is", "Beta is"},
			mustNot: []string{"Further reading", "Kappa", "Lambda"},
		},
		{
			name: "a last section of prose, a list or a table stays",
			page: `<html><body><article><h1>Headline</h1>` + para("Alpha", 5) + para("Beta", 5) + `
<h2>What comes next</h2><p>Gamma is what the council plans to do next, and it will vote on it in May.</p>
<p>Requirements:</p><ul><li>Delta one</li><li>Delta two</li></ul>
<h3>Figures</h3><table><tr><td>Epsilon</td><td>4</td></tr><tr><td>Zeta</td><td>5</td></tr></table></article></body></html>`,
			must: []string{"Alpha is", "Beta is", "Gamma is", "Delta one", "Epsilon"},
		},
		{
			name: "a pointer to another story between the paragraphs goes, a sentence with a link stays",
			page: `<html><body><article><h1>Headline</h1>` + para("Alpha", 4) + `
<p><em>Kicker of another story: <a href="/other">Theta in the other headline</a></em></p>` + para("Beta", 4) + `
<p>Iota said so in <a href="/interview">an interview</a></p>
<p>Prefecture: <a href="/a">Kappa</a>, <a href="/b">Lambda town</a>, <a href="/c">Mu city</a></p>` + para("Gamma", 4) + `
</article></body></html>`,
			must:    []string{"Alpha is", "Beta is", "Gamma is", "Iota said", "Kappa"},
			mustNot: []string{"Theta"},
		},
		{
			name: "what follows the comments heading goes",
			page: `<html><body><article><h1>Headline</h1>` + para("Alpha", 5) + para("Beta", 5) + `
<h3>Comments</h3><div class="thread"></div>
<p><em>Nu is what the publisher says about its advertising offers, and there are many more words here.</em></p>
</article></body></html>`,
			must:    []string{"Alpha is", "Beta is"},
			mustNot: []string{"Nu is"},
		},
		{
			name: "ruby readings without a fallback are left out, with <rp> they stay",
			page: `<html><body><article><h1>Headline</h1>` + para("Alpha", 3) + `
<p><ruby>子<rt>こ</rt></ruby>どもへの<ruby>虐待<rt>ぎゃくたい</rt></ruby>をなくすための<ruby>法律<rt>ほうりつ</rt></ruby>ができて、親が子どもを教育するために、たたいたり蹴ったりする体罰を禁止することになりました。</p>
<p>韓国の<ruby>尹錫悦<rp>（</rp><rt>ユンソンニョル</rt><rp>）</rp></ruby>大統領は３日夜、緊急談話を出し、野党が国政をまひさせているとして「非常戒厳」を宣言した。</p>` + para("Beta", 3) + `
</article></body></html>`,
			must:    []string{"子どもへの虐待をなくすための法律ができて", "尹錫悦（ユンソンニョル）大統領"},
			mustNot: []string{"ぎゃくたい", "ほうりつ"},
		},
		{
			// A cell holds a <div>: the table is laid out, and its rows
			// are walked as blocks.
			name: "a table row with a picture in one cell is data, not an image box",
			page: `<html><body><article><h1>Headline</h1>` + para("Alpha", 3) + `
<table><tr><th>Image</th><th>Name</th><th>Description</th></tr>
<tr><td><div><img src="/mead.png" width="48"></div></td><td>Mead</td><td>Omicron: a fermented beverage made from honey.</td></tr>
<tr><td><div><img src="/wine.png" width="48"></div></td><td>Wine</td><td>Pi: drink in moderation.</td></tr></table>` + para("Beta", 3) + `
</article></body></html>`,
			must: []string{"Alpha is", "Beta is", "Omicron: a fermented", "Pi: drink"},
		},
		{
			name: "unlinked prose in a box with a weak name stays, a caption box goes",
			page: `<html><body><article><h1>Headline</h1>` + para("Alpha", 5) + para("Beta", 5) + `
<div class="note"><p>Omicron: the legend says he saved a boy who was choking on a fish bone, and so the blessing is given against illness of the throat on his feast day, with two crossed candles held by the priest.</p></div>` + para("Gamma", 5) + `
<div class="info-box"><p>Pi: the house has room for nine guests, a garden with a view of the valley and a barn for bicycles, and it lies at the end of a quiet village road near the forest, ten minutes from the lake on foot.</p></div>` + para("Delta", 5) + `
<div class="photo-caption"><p>Rho: a mother and her children sell bread at a market in the old town on Tuesday, two weeks before the local elections that are scheduled for the fourth of June this year.</p></div>` + para("Epsilon", 5) + `
</article></body></html>`,
			must:    []string{"Alpha is", "Epsilon is", "Omicron: the legend", "Pi: the house"},
			mustNot: []string{"Rho: a mother"},
		},
		{
			name: "a subhead's id is an anchor, not a hint",
			page: `<html><body><article><h1>Headline</h1>` + para("Alpha", 4) + `
<h3 id="nav_only_the_foil_remains__1" class="subheading">Only the foil remains</h3>` + para("Beta", 4) + `
<h2 id="share-options">Upsilon: what the plant does next</h2>` + para("Gamma", 4) + `
</article></body></html>`,
			must: []string{"Alpha is", "Only the foil remains", "Upsilon: what the plant", "Gamma is"},
		},
		{
			name: "addresses written out stay, a linked phrase alone goes",
			page: `<html><body><article><h1>Headline</h1>` + para("Alpha", 4) + `
<p><a href="http://www.openpetition.de/petition/online/gegen-die-reform">http://www.openpetition.de/petition/online/gegen-die-reform</a></p>` + para("Beta", 4) + `
<p><a href="mailto:suivi.reformes@example.org">suivi.reformes@example.org</a></p>` + para("Gamma", 4) + `
<p><a href="/other">Sigma in the other story</a></p>` + para("Delta", 4) + `
</article></body></html>`,
			must:    []string{"Alpha is", "http://www.openpetition.de/petition/online/gegen-die-reform", "suivi.reformes@example.org", "Delta is"},
			mustNot: []string{"Sigma"},
		},
		{
			name: "a command after a short heading at the end is not a trailing section",
			page: `<html><body><article><h1>Headline</h1>` + para("Alpha", 5) + para("Beta", 5) + `
<h3>Switching it back on</h3>
<pre>netsh interface tcp set global autotuninglevel=normal</pre>
</article></body></html>`,
			must: []string{"Alpha is", "Beta is", "autotuninglevel=normal"},
		},
		{
			name: "a box with a heading or a list beside the lead picture is text, not its caption",
			page: `<html><head><title>Law office</title><meta property="og:image" content="https://example.com/img/portrait.jpg"></head><body>` + menu + `<main>
<div class="intro"><div class="col"><h2>Welcome!</h2><p>Kappa: I am a lawyer for IT law, and I advise start-ups and small companies on their contracts. I look forward to meeting you!</p></div>
<div class="pic"><img src="https://example.com/img/portrait.jpg"></div></div>
` + para("Alpha", 4) + para("Beta", 4) + `</main></body></html>`,
			must: []string{"Alpha is", "Kappa: I am a lawyer", "I look forward to meeting you!"},
		},
		{
			name: "a standfirst under the headline, above a jump list and wrappers around the body, is the lead",
			page: `<html><head><title>Lease or buy a car</title></head><body>` + menu + `<section>
<article class="stage"><div class="stage-head"><ol class="crumbs"><li><a href="/">Home</a></li><li><a href="/credit">Credit</a></li></ol><div class="topic">Credit</div><h1>Lease or buy a car</h1></div>
<div class="stage-body"><p>Kappa: there are several ways to get a car of your own. Which of them pays depends on how long you keep it, how far you drive and what you can pay each month.</p></div></article>
<div class="basis"><div class="basis-container"><div class="basis-row"><article class="basis-content"><div class="jumps">Contents</div><div class="basis-text">` + para("Alpha", 4) + para("Beta", 4) + `</div></article>
<aside class="teasers">` + strings.Repeat(`<a href="/x">Compare loans now and save money</a> `, 20) + `</aside></div></div></div>
</section></body></html>`,
			must:    []string{"Alpha is", "Kappa: there are several ways"},
			mustNot: []string{"Home", "Compare loans"},
		},
		{
			name: "a short sentence with a long link inside it is text, a label or a call before a link is not",
			page: `<html><body><article><h1>Headline</h1>` + para("Alpha", 5) + `
<p>Mu said in April that <a href="https://example.com/a">the couple announced they are expecting a child</a>.</p>
<p>Nu magazine now digital! <a href="https://example.com/b">Simply click here and register for the edition</a></p>
<p>Xi also: <a href="https://example.com/c">the couple announced they are expecting a third child</a>.</p>` + para("Beta", 5) + `
</article></body></html>`,
			must:    []string{"Alpha is", "Mu said in April that the couple announced", "Beta is"},
			mustNot: []string{"Simply click here", "Xi also"},
		},
		{
			name: "a slide show whose slides' text is named for captions is the text when nothing else is",
			page: `<html><head><title>The phone is here</title></head><body>` + menu + `<main><h1>The phone is here</h1><section class="slides">` +
				strings.Repeat(`<section class="slide"><h2>Cheaper than the rest</h2><p itemprop="caption description" class="s-desc">Rho: all of this, coupled with better cameras, comes in at less than half the price of the flagships.</p></section>`, 5) + `
</section></main></body></html>`,
			must: []string{"Rho: all of this"},
		},
		{
			name: "folded text beside an empty block is still folded text",
			page: `<html><head><title>Holiday home</title></head><body>` + menu + `<main><h1>Holiday home</h1>` + para("Alpha", 4) + `
<div class="js_readmore"><span>Sigma: heating, power, water and a cot are included in the price.<br> Children under four are not counted as paying guests, and parking for cars and bicycles is free for all guests of the house.</span><div><span></span></div></div>` + para("Beta", 4) + `</main></body></html>`,
			must: []string{"Alpha is", "Beta is", "Sigma: heating", "Children under four"},
		},
		{
			name: "a list of points beside a picture is text, not an image box",
			page: `<html><body><article><h1>Headline</h1>` + para("Alpha", 5) + `
<div class="row"><div class="icon"><img src="/nc.png" width="384" height="384"></div><div class="text"><ul><li>Phi: the name nc stands for non commercial</li><li>The crossed-out dollar means no reuse for money</li></ul></div></div>` + para("Beta", 5) + para("Gamma", 5) + `
</article></body></html>`,
			must: []string{"Alpha is", "Phi: the name nc", "crossed-out dollar", "Gamma is"},
		},
		{
			name: "a closing before the author's name is a sign-off, the name alone is a byline",
			page: `<html><body><article><h1>Headline</h1>` + para("Alpha", 5) + para("Beta", 5) + `<p>Good luck to all of you!</p><p>Euer HansEhrlich</p></article>
<article><h1>Another</h1>` + para("Gamma", 5) + para("Delta", 5) + `<p>Good luck to all of you!</p><p>Hans Ehrlich</p></article></body></html>`,
			must: []string{"Alpha is", "Euer HansEhrlich"},
		},
		{
			name: "a smiley does not make a post an image box",
			page: `<html><body><article><h1>Headline</h1>` + para("Alpha", 5) + `
<div class="post">Tau: he has been out since five this morning and came back just now <img class="smilie smilie--sprite" src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" alt=":)"> and slept.</div>` + para("Beta", 5) + para("Gamma", 5) + `
</article></body></html>`,
			must: []string{"Alpha is", "Tau: he has been out", "Gamma is"},
		},
		{
			name: "a list of names under a closing label is a trailing section, a list of steps is not",
			page: `<html><body><article><h1>Headline</h1>` + para("Alpha", 5) + para("Beta", 5) + `
<h3>How to apply</h3><ul><li>Chi: fill in the form on the last page</li><li>Send it to the office before May</li></ul>` + para("Gamma", 2) + `
<h4>Funding and partners</h4><ul><li>Phifund</li><li>Psi Institute</li><li>Omegalab</li></ul>
</article></body></html>`,
			must:    []string{"Alpha is", "Chi: fill in the form", "Gamma is"},
			mustNot: []string{"Phifund", "Omegalab"},
		},
		{
			// The menu inside the story makes one section the best
			// candidate; the sections are then joined, and what
			// scores below zero between them is left out.
			name: "a note box between the sections of a split article does not count against it",
			page: `<html><body><main><h1>Headline</h1><div class="story">
<div class="text">` + para("Alpha", 4) + para("Beta", 4) + `</div>
<div class="note"><p>Omega: according to the best-known legend he saved a boy who was choking on a fish bone, and that is where the blessing against illness of the throat, given on his feast day with two crossed candles, comes from.</p></div>
<div class="text">` + para("Gamma", 4) + para("Delta", 4) + `</div>
` + menu + `</div></main></body></html>`,
			must: []string{"Alpha is", "Omega: according to", "Delta is"},
		},
		{
			name: "hidden pages of a paged article stay, other hidden elements go",
			page: `<html><body><article><h1>Headline</h1><div class="gallery">
<div id="s0" class="gallery-section">` + para("Alpha", 4) + `</div>
<div id="s1" class="gallery-section hidden" style="display: none">` + para("Beta", 4) + `</div>
<div id="s2" class="gallery-section" style="display:none">` + para("Gamma", 4) + `</div>
<div class="signup-box" style="display:none">` + para("Zeta", 2) + `</div>
</div></article></body></html>`,
			must:    []string{"Alpha is", "Beta is", "Gamma is"},
			mustNot: []string{"Zeta"},
		},
		{
			name: "a live ticker whose entries are named comments is the text beside a scrap",
			page: `<html><body><main><h1>Lorient against Lyon, live</h1>
<div class="match-header"><p>Kick-off at nine in the evening at the stadium.</p></div>
<div class="live-match-comments">` + strings.Repeat(`<div class="live-match-comment">`+para("Omicron", 3)+`</div>`, 12) + `</div>
</main></body></html>`,
			must: []string{"Omicron is"},
		},
		{
			name: "a credit named so inside a caption or a paragraph stays out",
			page: `<html><body><main><h1>Headline</h1>` + para("Alpha", 4) + `
<p class="image-text">Omicron stands beside the winner of the vote at the meeting.<span class="credits">Zeta Agency / Eta</span></p>
` + para("Beta", 4) + `</main></body></html>`,
			must:    []string{"Alpha is", "Omicron stands beside", "Beta is"},
			mustNot: []string{"Zeta Agency"},
		},
		{
			name: "a note on affiliate links stays out, named for its text or not",
			page: `<html><body><main><h1>Headline</h1>` + para("Alpha", 4) + `
<div class="affiliate-text"><p>Zeta is how we pay for our work: when you buy through the links marked with a star on this page, the shop pays us a fee for it.</p></div>
<p class="comp disclosure-text text-block">Eta is a note that we may receive compensation when you visit the partners we recommend on this page.</p>
` + para("Beta", 4) + `</main></body></html>`,
			must:    []string{"Alpha is", "Beta is"},
			mustNot: []string{"Zeta is", "Eta is"},
		},
		{
			name: "an Instagram embed's markup stays out, a tweet stays in",
			page: `<html><body><main><h1>Headline</h1>` + para("Alpha", 4) + `
<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/x/"><div><p>&nbsp;</p><div><div></div></div><div><div>Sieh dir diesen Beitrag auf Instagram an</div></div><p>Zeta is a post shared by Somebody (@somebody)</p></div></blockquote>
` + para("Beta", 4) + `
<blockquote class="twitter-tweet"><p>Omicron is what the minister wrote about the vote this morning.</p>&mdash; Minister (@minister) <a href="https://twitter.com/minister/status/1">May 4, 2022</a></blockquote>
` + para("Gamma", 4) + `</main></body></html>`,
			must:    []string{"Alpha is", "Beta is", "Gamma is", "Omicron is"},
			mustNot: []string{"Instagram", "Zeta is"},
		},
		{
			name: "a box of other stories under a related heading goes, the text below it and a note on further reading stay",
			page: `<html><body><main><h1>Headline</h1>` + para("Alpha", 4) + `
<div class="section"><h3>Weitere Meldungen</h3><div class="row"><div class="post"><a href="/sport">Sport</a><h2><a href="/news/2">Zeta wins the cup</a></h2><p>Zeta won the final on Sunday ...</p></div>
<div class="post"><a href="/city">City</a><h2><a href="/news/3">Eta opens a shop</a></h2><p>Eta is a baker in the old town ...</p></div></div></div>
` + para("Beta", 4) + `
<div><h2>Mehr zum Thema</h2><p>Omicron is where you find a detailed overview of the new interface, and more on it on the maker's pages:</p>
<ul><li><a href="https://example.com/help">Using the interface in the help centre</a></li><li><a href="https://example.com/maker">More about the maker</a></li></ul></div>
</main></body></html>`,
			must:    []string{"Alpha is", "Beta is", "Omicron is"},
			mustNot: []string{"Zeta", "Eta is", "Weitere Meldungen"},
		},
		{
			name: "a custom element is named by its tag as a class names an element",
			page: `<html><body><main><h1>Headline</h1>` + para("Alpha", 4) + `
<pp-inline-teaser><h3>Zeta questions</h3><p>Zeta answers to your questions.</p></pp-inline-teaser>
` + para("Beta", 4) + `<social-share-bar><p>Eta share on the networks</p></social-share-bar></main></body></html>`,
			must:    []string{"Alpha is", "Beta is"},
			mustNot: []string{"Zeta", "Eta share"},
		},
		{
			name: "a box about the author that a label opens stays out, a section on an author stays in",
			page: `<html><body><main><h1>Headline</h1>` + para("Alpha", 4) + `
<div class="highlight"><div class="content"><div class="header">AUTOR</div><h3>Dr. Zeta Example</h3><p>Zeta is a founding partner of a law firm in Berlin, working on banking law and consumer protection.</p></div></div>
` + para("Beta", 4) + `<h2>The author</h2>` + para("Gamma", 4) + `</main></body></html>`,
			must:    []string{"Alpha is", "Beta is", "Gamma is"},
			mustNot: []string{"Zeta"},
		},
	} {
		a, err := New(nil).Extract([]byte(tc.page), Options{URL: "https://example.org/news/1"})
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		for _, s := range tc.must {
			if !strings.Contains(a.Text, s) {
				t.Errorf("%s: %q missing from %q", tc.name, s, a.Text)
			}
		}
		for _, s := range tc.mustNot {
			if strings.Contains(a.Text, s) {
				t.Errorf("%s: %q kept in %q", tc.name, s, a.Text)
			}
		}
		for _, s := range tc.once {
			if n := strings.Count(a.Text, s); n != 1 {
				t.Errorf("%s: %q %d times in %q, want once", tc.name, s, n, a.Text)
			}
		}
	}
}

func TestUndouble(t *testing.T) {
	story := counted("Alpha", 12)
	for _, tc := range []struct{ in, want string }{
		{story + " " + story, strings.TrimSpace(story)},
		{story, strings.TrimSpace(story)},
		{"short text short text", "short text short text"},
		// A repeated sentence inside a story is not a second copy.
		{story + " Alpha says thing number 0 of the story, and a different end.", strings.TrimSpace(story + " Alpha says thing number 0 of the story, and a different end.")},
	} {
		if got := undouble(tc.in); got != tc.want {
			t.Errorf("undouble(%.40q...) = %.60q..., want %.60q...", tc.in, got, tc.want)
		}
	}
}
