// Package months reads month names: English, and the other languages
// seen in news feeds and on news pages. Feed dates (parser/feed) and dates
// written for readers on article pages (parser) share it.
package months

import (
	"strings"
	"time"
)

// localMonths maps month names and abbreviations of other languages seen
// in news feeds and pages (Portuguese, Spanish, Italian, French, German,
// Dutch, Russian) to months.
var localMonths = map[string]time.Month{
	"jan": 1, "janv": 1, "janvier": 1, "ene": 1, "enero": 1, "gen": 1, "gennaio": 1, "januar": 1, "januari": 1, "janeiro": 1, "jänner": 1, "янв": 1, "января": 1, "январь": 1,
	"fev": 2, "fév": 2, "févr": 2, "février": 2, "fevereiro": 2, "feb": 2, "febrero": 2, "febbraio": 2, "februar": 2, "februari": 2, "feber": 2, "фев": 2, "февраля": 2, "февраль": 2,
	"mar": 3, "mars": 3, "março": 3, "marzo": 3, "mär": 3, "märz": 3, "mrz": 3, "mrt": 3, "maart": 3, "мар": 3, "марта": 3, "март": 3,
	"abr": 4, "abril": 4, "avr": 4, "avril": 4, "apr": 4, "aprile": 4, "апр": 4, "апреля": 4, "апрель": 4,
	"mai": 5, "maio": 5, "may": 5, "mayo": 5, "mag": 5, "maggio": 5, "mei": 5, "мая": 5, "май": 5,
	"jun": 6, "junho": 6, "junio": 6, "giu": 6, "giugno": 6, "juin": 6, "juni": 6, "июн": 6, "июня": 6, "июнь": 6,
	"jul": 7, "julho": 7, "julio": 7, "lug": 7, "luglio": 7, "juil": 7, "juillet": 7, "juli": 7, "июл": 7, "июля": 7, "июль": 7,
	"ago": 8, "agosto": 8, "août": 8, "aug": 8, "augustus": 8, "авг": 8, "августа": 8, "август": 8,
	"set": 9, "setembro": 9, "settembre": 9, "sep": 9, "sept": 9, "septiembre": 9, "septembre": 9, "сен": 9, "сент": 9, "сентября": 9, "сентябрь": 9,
	"out": 10, "outubro": 10, "oct": 10, "octubre": 10, "ott": 10, "ottobre": 10, "octobre": 10, "okt": 10, "oktober": 10, "окт": 10, "октября": 10, "октябрь": 10,
	"nov": 11, "novembro": 11, "noviembre": 11, "novembre": 11, "ноя": 11, "ноября": 11, "ноябрь": 11,
	"dez": 12, "dezembro": 12, "dic": 12, "diciembre": 12, "dicembre": 12, "déc": 12, "décembre": 12, "dezember": 12, "dec": 12, "дек": 12, "декабря": 12, "декабрь": 12,
}

// Lookup reads a month name or its abbreviation, in any case, in English
// or a language of localMonths ("June", "Jun.", "Juni", "févr", "января").
func Lookup(word string) (time.Month, bool) {
	lw := strings.ToLower(strings.TrimRight(word, "."))
	if lw == "" {
		return 0, false
	}
	for m := time.January; m <= time.December; m++ {
		full := strings.ToLower(m.String())
		if lw == full || lw == full[:3] {
			return m, true
		}
	}
	m, ok := localMonths[lw]
	return m, ok
}
