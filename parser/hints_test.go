package parser

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		tag  string
		want hint
	}{
		{`<div class="article-body">`, hintPositive},
		{`<div class="most-read">`, hintStrongNeg},
		{`<div class="article-comments">`, hintComments},
		{`<div class="article-meta">`, hintWeakNeg},
		{`<div class="card__title">`, hintNone},
		{`<div class="article__body">`, hintPositive},
		// BEM and CSS modules: the block counts when it names boilerplate.
		{`<div class="Newsletter__container___x7">`, hintStrongNeg},
		{`<div class="related__list">`, hintStrongNeg},
		{`<div class="comments__body">`, hintComments},
		{`<span class="image-source__rbsO4">`, hintWeakNeg},
		{`<div class="NewsletterBox">`, hintStrongNeg},
		{`<div class="post hentry status-publish tag-comentarios">`, hintNone},
		{`<nav class="article-body">`, hintStrongNeg},
		// Blog themes' post metadata (date, categories, comment links).
		{`<div class="postmetadata">`, hintStrongNeg},
		{`<p class="postmeta">`, hintStrongNeg},
		{`<footer class="entry-footer">`, hintStrongNeg},
		{`<div class="entry-meta">`, hintWeakNeg},
		// A modifier on a block's element does not name it; a block's
		// own modifier still does.
		{`<section class="TestReport__Section TestReport__Section--Ads">`, hintNone},
		{`<div class="teaser--sponsored">`, hintStrongNeg},
		// Utility classes under a variant style, they do not name.
		{`<div class="group dark:text-white-solid print:max-w-container-small">`, hintNone},
		{`<div class="md:w-1/2 print:hidden article-body">`, hintPositive},
		{`<div id="print:x" class="x">`, hintWeakNeg},
		// A numbered name names what its stem does.
		{`<div class="giz-sidebar1">`, hintStrongNeg},
		{`<div id="content2">`, hintPositive},
		{`<div class="col-2 x1">`, hintNone},
		// A recipe's ingredients are text, whatever else the name says.
		{`<ul class="ingredients table-header">`, hintPositive},
		{`<div class="m053-ingredients">`, hintPositive},
	}
	for _, tt := range tests {
		doc, err := html.Parse(strings.NewReader("<body>" + tt.tag + "x"))
		if err != nil {
			t.Fatal(err)
		}
		n := findBody(doc).FirstChild
		if got, _ := classify(n, nil); got != tt.want {
			t.Errorf("%s: hint %d, want %d", tt.tag, got, tt.want)
		}
	}
}
