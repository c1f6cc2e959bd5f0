package demo

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"cobro/internal/ledger"
)

// agent is a field agent with the towns of their routes. Two agents share
// the Valencia zone, as a busy province would.
type agent struct {
	code, zone, province string // province: the two digits of its tax ids
	phone                string // landline prefix
	english              int    // percent of English-speaking customers
	towns                []string
}

var agents = []agent{
	{"AG01", "Valencia", "46", "963", 8, []string{"Valencia Centro", "Russafa", "Benimaclet", "Burjassot", "Paterna", "Torrent"}},
	{"AG02", "Alicante", "03", "965", 35, []string{"Alicante", "Elche", "Benidorm", "Dénia", "Torrevieja", "Xàbia"}},
	{"AG03", "Castellón", "12", "964", 5, []string{"Castellón de la Plana", "Vila-real", "Burriana", "Benicàssim", "Vinaròs"}},
	{"AG04", "Murcia", "30", "968", 15, []string{"Murcia", "Cartagena", "Lorca", "Molina de Segura", "San Javier"}},
	{"AG05", "Albacete", "02", "967", 3, []string{"Albacete", "Hellín", "Almansa", "Villarrobledo", "La Roda"}},
	{"AG06", "Valencia", "46", "962", 6, []string{"Gandia", "Alzira", "Sueca", "Xàtiva", "Oliva", "Cullera"}},
}

// segment is a line of business: its names, what it buys and how it pays.
type segment struct {
	name    string
	weight  int        // percent of customers
	es, en  []string   // name patterns: {S} surname, {S2} second surname, {N} first name, {T} town, {E} English surname, {F} English first name
	invoice [2]int     // a typical invoice, euros, from..to
	every   [2]int     // days between invoices, from..to
	pays    []weighted // preferred instruments
	bad     int        // percent of bad payers
}

type weighted struct {
	what   ledger.Instrument
	weight int
}

var segments = []segment{
	{name: "horeca", weight: 30, invoice: [2]int{150, 900}, every: [2]int{18, 30}, bad: 14,
		es: []string{"Bar El Rincón", "Bar {S}", "Restaurante Casa {N}", "Cafetería La Plaza", "Bar Los Amigos", "Mesón {S}",
			"Cervecería La Esquina", "Horno Cafetería {N}", "Bar Restaurante El Puerto", "Arrocería {S} S.L.", "Bar Casa {N}"},
		en:   []string{"The Red Lion Bar", "{F}'s Bar & Grill", "The Anchor Pub", "Costa Blanca Café", "The Queen's Arms", "{E}'s Fish & Chips"},
		pays: []weighted{{ledger.Cash, 45}, {ledger.DirectDebit, 30}, {ledger.Transfer, 15}, {ledger.Cheque, 10}}},
	{name: "retail", weight: 25, invoice: [2]int{300, 1500}, every: [2]int{25, 40}, bad: 8,
		es: []string{"Supermercado {S}", "Droguería {N}", "Comercial {S} e Hijos S.L.", "Alimentación {N} {S}", "Papelería {S}",
			"Frutería {N}", "Perfumería {S} {S2}", "Ultramarinos {S} C.B."},
		en:   []string{"{E}'s Supermarket", "British Corner Shop", "{E} Home Stores", "{E} Convenience Ltd"},
		pays: []weighted{{ledger.DirectDebit, 40}, {ledger.Transfer, 25}, {ledger.Cash, 20}, {ledger.Cheque, 15}}},
	{name: "hardware", weight: 18, invoice: [2]int{400, 2500}, every: [2]int{30, 50}, bad: 8,
		es: []string{"Ferretería {S}", "Ferretería Hermanos {S}", "Suministros {S} S.L.", "Bricolaje {T} S.L.", "Electricidad {S} e Hijos",
			"Ferretería Industrial {T} S.L.", "Pinturas {S} {S2}"},
		en:   []string{"{E} & Sons Hardware Ltd", "{E} DIY Supplies", "Costa Builders Merchants Ltd"},
		pays: []weighted{{ledger.PromissoryNote, 35}, {ledger.Transfer, 30}, {ledger.DirectDebit, 20}, {ledger.Cheque, 15}}},
	{name: "pharmacy", weight: 10, invoice: [2]int{600, 3000}, every: [2]int{25, 40}, bad: 2,
		es:   []string{"Farmacia {S} {S2}", "Farmacia Ldo. {N} {S}", "Farmacia {T} C.B.", "Farmacia {S} {S2} C.B."},
		en:   []string{"{E} Pharmacy Ltd", "{E} Chemists"},
		pays: []weighted{{ledger.DirectDebit, 50}, {ledger.Transfer, 50}}},
	{name: "automotive", weight: 10, invoice: [2]int{300, 2000}, every: [2]int{35, 55}, bad: 10,
		es: []string{"Talleres {S} S.L.", "Neumáticos {T} S.L.", "Autorecambios {S}", "Taller Mecánico Hermanos {S}", "Chapa y Pintura {S}",
			"Automoción {S} {S2} S.A."},
		en:   []string{"{E} Motors", "Costa Car Services Ltd", "{E} Tyres & Exhausts"},
		pays: []weighted{{ledger.PromissoryNote, 30}, {ledger.Transfer, 30}, {ledger.Cheque, 20}, {ledger.DirectDebit, 20}}},
	{name: "wholesale", weight: 7, invoice: [2]int{2000, 12000}, every: [2]int{15, 25}, bad: 5,
		es:   []string{"Distribuciones {S} S.L.", "Almacenes {S} S.A.", "Cash {T} S.L.", "Mayorista {S} {S2} S.L.", "Hermanos {S} Distribución S.A."},
		en:   []string{"{E} Trading Ltd", "Iberia Wholesale Ltd", "{E} Imports Ltd"},
		pays: []weighted{{ledger.PromissoryNote, 50}, {ledger.Transfer, 40}, {ledger.DirectDebit, 10}}},
}

var (
	firstNames = []string{"José", "Antonio", "Manuel", "Francisco", "Juan", "Vicente", "Pepe", "Paco", "Salva", "Toni",
		"Carmen", "María", "Amparo", "Rosa", "Pilar", "Lola", "Empar", "Inma", "Conchi", "Nuria"}
	surnames = []string{"García", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández",
		"Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos", "Gil",
		"Serrano", "Molina", "Castro", "Ortiz", "Rubio", "Núñez", "Sanz", "Iglesias", "Ferrer", "Soler", "Martí", "Vidal",
		"Pons", "Climent", "Ribera", "Llorens", "Boix", "Peñalver", "Cánovas", "Ibáñez", "Catalá"}
	englishFirst = []string{"John", "David", "Paul", "Mark", "Steve", "Gary", "Susan", "Karen", "Julie", "Sarah"}
	englishNames = []string{"Smith", "Johnson", "Taylor", "Brown", "Wilson", "Evans", "Thomas", "Roberts", "Walker",
		"Wright", "Green", "Hall", "Hughes", "Clarke", "Turner", "Cooper"}
)

// customer is a generated customer and what drives its documents.
type customer struct {
	id, name, taxID, email, phone, lang, segment, zone, route string
	agent                                                     *agent
	seg                                                       *segment
	pays                                                      ledger.Instrument // how it usually pays
	terms                                                     int               // days from issue to due
	payer                                                     payer
	limit                                                     int64 // cents; 0 with noLimit
	noLimit                                                   bool
	over, near                                                bool // deliberately over, or near, the limit
}

type payer int

const (
	punctual payer = iota
	late
	bad
)

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

func pickWeighted(rng *rand.Rand, ws []weighted) ledger.Instrument {
	total := 0
	for _, w := range ws {
		total += w.weight
	}
	n := rng.IntN(total)
	for _, w := range ws {
		if n < w.weight {
			return w.what
		}
		n -= w.weight
	}
	return ws[len(ws)-1].what
}

func pickSegment(rng *rand.Rand) *segment {
	n := rng.IntN(100)
	for i := range segments {
		if n < segments[i].weight {
			return &segments[i]
		}
		n -= segments[i].weight
	}
	return &segments[0]
}

// termsFor is how many days a customer paying with in gets.
func termsFor(rng *rand.Rand, in ledger.Instrument) int {
	switch in {
	case ledger.Cash:
		return pick(rng, []int{0, 15, 15})
	case ledger.Cheque:
		return 30
	case ledger.PromissoryNote:
		return pick(rng, []int{60, 90, 90})
	}
	return pick(rng, []int{30, 30, 60})
}

// newCustomers makes n customers with names, tax ids and contacts; limits
// are set later, from their documents.
func newCustomers(rng *rand.Rand, n int) []*customer {
	out := make([]*customer, 0, n)
	names, emails := map[string]bool{}, map[string]bool{}
	for i := 1; i <= n; i++ {
		ag := &agents[rng.IntN(len(agents))]
		seg := pickSegment(rng)
		town := pick(rng, ag.towns)
		c := &customer{id: fmt.Sprintf("C%05d", 10000+i), agent: ag, seg: seg, segment: seg.name, zone: ag.zone, route: town, lang: "es"}
		patterns := seg.es
		if rng.IntN(100) < ag.english {
			c.lang, patterns = "en", seg.en
		}
		for try := 0; try == 0 || names[c.name] && try < 4; try++ {
			c.name = fill(rng, pick(rng, patterns), town)
		}
		c.taxID = taxID(rng, c.name, c.lang, ag.province)
		// A second "Bar El Rincón" is told apart by its town, as ERPs do.
		if names[c.name] && !strings.Contains(c.name, town) {
			c.name += " (" + town + ")"
		}
		for i, base := 2, c.name; names[c.name]; i++ {
			c.name = fmt.Sprintf("%s %d", base, i)
		}
		names[c.name] = true
		c.email = emailOf(c.name, emails)
		if rng.IntN(100) < 60 {
			c.phone = fmt.Sprintf("+34 6%02d %03d %03d", rng.IntN(100), rng.IntN(1000), rng.IntN(1000))
		} else {
			local := fmt.Sprintf("%s%07d", ag.phone, rng.IntN(10_000_000))[:9]
			c.phone = "+34 " + local[:3] + " " + local[3:6] + " " + local[6:]
		}
		c.pays = pickWeighted(rng, seg.pays)
		if c.lang == "en" && c.pays == ledger.DirectDebit && rng.IntN(2) == 0 {
			c.pays = ledger.Transfer
		}
		c.terms = termsFor(rng, c.pays)
		switch r := rng.IntN(100); {
		case r < seg.bad:
			c.payer = bad
		case r < seg.bad+25:
			c.payer = late
		}
		out = append(out, c)
	}
	return out
}

func fill(rng *rand.Rand, pattern, town string) string {
	r := strings.NewReplacer("{S}", pick(rng, surnames), "{S2}", pick(rng, surnames), "{N}", pick(rng, firstNames),
		"{T}", town, "{E}", pick(rng, englishNames), "{F}", pick(rng, englishFirst))
	return r.Replace(pattern)
}

// taxID is a Spanish tax id with a valid check character: a CIF for a
// company (letter by legal form, province digits), a NIF for a Spanish sole
// trader, a NIE for a foreign one.
func taxID(rng *rand.Rand, name, lang, province string) string {
	switch {
	case strings.HasSuffix(name, "S.L."):
		return cif('B', province, rng)
	case strings.HasSuffix(name, "S.A."):
		return cif('A', province, rng)
	case strings.HasSuffix(name, "C.B."):
		return cif('E', province, rng)
	case strings.HasSuffix(name, "Ltd"):
		return cif('N', "00", rng) // a foreign company: its control is a letter
	case lang == "en":
		n := rng.IntN(10_000_000)
		prefix := rng.IntN(2) // X or Y
		return string("XY"[prefix]) + fmt.Sprintf("%07d", n) + string(nifLetters[(prefix*10_000_000+n)%23])
	}
	n := 10_000_000 + rng.IntN(89_999_999)
	return strconv.Itoa(n) + string(nifLetters[n%23])
}

const nifLetters = "TRWAGMYFPDXBNJZSQVHLCKE"

// cif builds a CIF: a letter, two province digits, five digits and the
// control (a digit for A, B and E; a letter for N).
func cif(letter byte, province string, rng *rand.Rand) string {
	digits := province + fmt.Sprintf("%05d", rng.IntN(100_000))
	return cifOf(letter, digits)
}

func cifOf(letter byte, digits string) string {
	sum := 0
	for i, ch := range digits {
		d := int(ch - '0')
		if i%2 == 0 {
			d *= 2
			d = d/10 + d%10
		}
		sum += d
	}
	control := (10 - sum%10) % 10
	if letter == 'N' || letter == 'P' || letter == 'Q' || letter == 'S' {
		return string(letter) + digits + string("JABCDEFGHI"[control])
	}
	return string(letter) + digits + strconv.Itoa(control)
}

// emailOf is an address at a reserved domain (nothing is ever delivered).
func emailOf(name string, seen map[string]bool) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ñ", "n",
		"à", "a", "è", "e", "ò", "o", "ç", "c").Replace(name)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	local := strings.TrimSuffix(strings.TrimSuffix(b.String(), "sl"), "ltd")
	if len(local) > 24 {
		local = local[:24]
	}
	addr := local + "@example.com"
	for i := 2; seen[addr]; i++ {
		addr = fmt.Sprintf("%s%d@example.com", local, i)
	}
	seen[addr] = true
	return addr
}
