package entities

import (
	"embed"
	"fmt"
	"strings"

	"github.com/newsfeed/newsfeed/enricher/textseg"
)

//go:embed data/*.txt
var data embed.FS

// Entity types as the article message spells them.
const (
	Person       = "person"
	Organization = "organization"
	Place        = "place"
)

// entry is one gazetteer entity.
type entry struct {
	name, typ string
}

// alias is one way of writing a gazetteer entity, as tokens.
type alias struct {
	toks []string
	ent  int
}

// lexicon holds the gazetteer and the word lists.
type lexicon struct {
	entries []entry
	byFirst map[string][]alias // first token → aliases, longest first
	given   map[string]bool
	demonym map[string]bool
	common  map[string]bool // common English words, lower case
}

func loadLexicon() (*lexicon, error) {
	lx := &lexicon{byFirst: map[string][]alias{}, given: map[string]bool{}, demonym: map[string]bool{}, common: map[string]bool{}}
	for _, f := range []struct{ file, typ string }{
		{"data/countries.txt", Place},
		{"data/places.txt", Place},
		{"data/organizations.txt", Organization},
	} {
		b, err := data.ReadFile(f.file)
		if err != nil {
			return nil, fmt.Errorf("entities: %w", err)
		}
		for line := range strings.SplitSeq(string(b), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			names := strings.Split(line, "|")
			id := len(lx.entries)
			lx.entries = append(lx.entries, entry{name: strings.TrimSpace(names[0]), typ: f.typ})
			for _, n := range names {
				var toks []string
				for _, t := range textseg.Words(strings.TrimSpace(n)) {
					toks = append(toks, t.Text)
				}
				if len(toks) == 0 {
					continue
				}
				lx.byFirst[toks[0]] = append(lx.byFirst[toks[0]], alias{toks: toks, ent: id})
			}
		}
	}
	for k, as := range lx.byFirst {
		// Longest first; stable for equal lengths.
		for i := 1; i < len(as); i++ {
			for j := i; j > 0 && len(as[j].toks) > len(as[j-1].toks); j-- {
				as[j], as[j-1] = as[j-1], as[j]
			}
		}
		lx.byFirst[k] = as
	}
	for _, f := range []struct {
		file string
		set  map[string]bool
	}{{"data/givennames.txt", lx.given}, {"data/demonyms.txt", lx.demonym}, {"data/common.en.txt", lx.common}} {
		b, err := data.ReadFile(f.file)
		if err != nil {
			return nil, fmt.Errorf("entities: %w", err)
		}
		for line := range strings.SplitSeq(string(b), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "#") {
				continue
			}
			for _, w := range strings.Fields(line) {
				f.set[w] = true
			}
		}
	}
	return lx, nil
}

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// titles precede a person's name (lower-case keys, without a final period).
var titles = set(`
president president-elect vice-president minister chancellor premier secretary secretary-general
senator sen representative rep congressman congresswoman governor gov mayor
general gen lieutenant lt colonel col major maj captain capt sergeant sgt admiral adm commander
cmdr marshal brigadier corporal private
king queen prince princess emperor empress sultan emir sheikh crown
pope cardinal archbishop bishop patriarch rabbi imam ayatollah cleric rev reverend pastor father
dr prof professor mr mrs ms mx sir dame lord lady baron baroness
judge justice prosecutor attorney ambassador envoy commissioner director chairman chairwoman
chairperson chief ceo cfo coo cto founder co-founder spokesman spokeswoman spokesperson leader speaker
lawmaker legislator mp mep deputy councillor councilor candidate nominee dictator strongman warlord
coach manager striker midfielder defender goalkeeper forward player star singer rapper actor actress
author novelist writer journalist reporter correspondent editor analyst economist activist dissident
opponent blogger billionaire tycoon oligarch businessman businesswoman entrepreneur investor
scientist researcher historian
präsident präsidentin bundespräsident bundespräsidentin bundeskanzler bundeskanzlerin kanzler
kanzlerin ministerin ministerpräsident ministerpräsidentin bürgermeister bürgermeisterin
oberbürgermeister oberbürgermeisterin regierungschef regierungschefin parteichef parteichefin
vorsitzende vorsitzender chef chefin sprecher sprecherin trainer trainerin herr frau papst könig
königin abgeordnete abgeordneter generalsekretär generalsekretärin fraktionschef fraktionschefin
présidente ministre chancelier maire m mme général roi reine porte-parole secrétaire député
sénateur presidenta ministro ministra canciller alcalde alcaldesa rey reina portavoz secretario
secretaria diputado diputada senador senadora don doña sr sra
presidente segretario sindaco
datuk dato datin seri tun tunku tengku
`)

// titleSuffixes mark German compound titles ("Außenministerin").
var titleSuffixes = []string{"minister", "ministerin", "präsident", "präsidentin", "kanzler", "kanzlerin", "chef", "chefin", "sprecher", "sprecherin"}

// office words qualify a title ("Foreign Minister", "Secretary of State")
// and are never part of the name that follows it.
var office = set(`
foreign prime deputy vice former acting interim defence defense finance interior home justice health
economy economic economics trade commerce education energy agriculture culture transport
environment labour labor state affairs attorney executive supreme senior junior first crown grand
high armed forces security intelligence national federal regional european general chief
central bank opposition party army navy air force minority majority house senate
of for the and to in on at
`)

// particles sit inside names ("Ursula von der Leyen", "Mohammed bin
// Salman", "Charles de Gaulle").
var particles = set(`von van der den de du des la le del della di da do dos das bin ibn bint al el ter zu y`)

// secondParticles are particles only after another one ("von der", "de
// la"); alone they are articles ("Namen der Gruppe").
var secondParticles = set(`der den des das la le los las`)

// connectors may join the words of an organisation or place name
// ("National League for Democracy", "Bank of England").
var connectors = set(`of for the für`)

// orgWords name organisations when they end (or open, before "of") a
// capitalised name.
var orgWords = set(`
agency association authority bank board bureau centre center chamber church club coalition college
commission committee company congress corporation corp council court department federation forum
foundation front fund group guard inc institute institution league ltd llc plc media ministry movement
network news office organisation organization parliament party police press service services society
trust union university airlines airways army navy forces force assembly senate cabinet command brigade
battalion regiment division corps times post journal herald tribune gazette telegraph daily radio
television tv channel studios records motors holdings industries technologies systems labs
pharmaceuticals exchange reserve treasury tribunal secretariat alliance partnership consortium
cooperative brotherhood academy school hospital clinic museum library theatre theater orchestra team
fc ag gmbh sa spa nv bv se kg co
properties partners ventures resources brands entertainment bancorp financial insurance investments
logistics software solutions communications electronics semiconductors
partei ministerium verband verein gewerkschaft gesellschaft stiftung institut universität hochschule
gericht behörde polizei regierung kommission zeitung konzern gruppe bundesamt landesamt
parti ministère assemblée conseil banque université fédération cour agence société groupe mouvement
partido ministerio congreso consejo banco universidad instituto unión federación comisión corte
agencia sociedad grupo frente movimiento asamblea policía ejército
`)

// orgSuffixes mark German compound organisation names.
var orgSuffixes = []string{"ministerium", "partei", "verband", "gewerkschaft", "behörde", "gericht"}

// placeWords end the names of places ("Red Square", "Yangtze River").
var placeWords = set(`
river lake sea ocean bay gulf strait channel island islands isles mountain mountains mount hills hill
heights valley desert peninsula province region district county prefecture oblast krai governorate
state territory street avenue road square boulevard lane bridge airport station port harbour harbor
park canal coast forest plain basin city town village strip rd ave blvd
`)

// placeHeads open the names of places ("Lake Victoria", "Mount Everest").
var placeHeads = set(`Lake Mount Mont Lac Lago Cape Fort Port Rio Río Sierra Isla Île San Santa Saint St Puerto`)

// placeIntro words put a capitalised name that no other rule explains in
// a place ("in Palo Alto", "near Bila Tserkva").
var placeIntro = set(`in near outside across around towards toward`)

// nonNames are capitalised words that never belong to a person's name.
var nonNames = set(`
monday tuesday wednesday thursday friday saturday sunday
january february march april may june july august september october november december
christmas easter ramadan eid thanksgiving halloween diwali hanukkah passover lent advent
day days week year years war world cup games olympics olympic paralympics open championship
championships prize award awards act bill law treaty agreement accord deal plan summit conference
festival show series season report index covid covid-19 coronavirus internet web online government
republic kingdom empire revolution constitution amendment budget election elections referendum
crisis pandemic project program programme strategy initiative mission operation north south east
west new old big great grand black white red green blue golden royal international global
capital tech technology data ai digital climate energy oil gas power nuclear space air sea land
justice peace freedom liberty democracy human rights life lives matter health care medical god
jesus christ allah bible koran quran gospel
read more also photo video watch live update updates breaking exclusive opinion analysis
`)

// speechVerbs follow or precede a speaker's name.
var speechVerbs = set(`
said says told added warned wrote stated explained noted insisted argued claimed announced tweeted
posted replied responded asked urged admitted confirmed denied declared estimated
sagte sagt sagten erklärte erklärt betonte schrieb meinte kritisierte forderte warnte
dijo afirmó aseguró declaró explicó señaló
déclaré affirmé
`)

// familyFirst are family names written first ("Xi Jinping"); a lone
// mention of one refers back to the full name.
var familyFirst = set(`Xi Li Wang Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Zhu Hu Guo Lin Luo Gao Han Deng Jiang Mao Kim Park Choi Jung Kang Cho Yoon Moon Lee Hun Nguyen Tran Pham Vo`)

// nounCapitalising lists languages that capitalise every noun; there a
// capitalised pair of words is no sign of a name.
var nounCapitalising = set(`de lb`)
