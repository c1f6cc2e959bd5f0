// An amount in words, as a receipt states its total: the field app's
// receipts are printed offline, so it writes them itself. It follows
// i18n.AmountInWords (internal/i18n/words.go) rule for rule, and the
// browser test checks the two agree on many amounts: change both together.
// Integer minor units only, never a float.
(function () {
  'use strict';
  var currencies = {
    EUR: { en: ['euro', 'euros'], es: ['euro', 'euros'], enMinor: ['cent', 'cents'], esMinor: ['céntimo', 'céntimos'] },
    USD: { en: ['dollar', 'dollars'], es: ['dólar', 'dólares'], enMinor: ['cent', 'cents'], esMinor: ['centavo', 'centavos'] },
    MXN: { en: ['peso', 'pesos'], es: ['peso', 'pesos'], enMinor: ['centavo', 'centavos'], esMinor: ['centavo', 'centavos'] },
    GBP: { en: ['pound', 'pounds'], es: ['libra', 'libras'], enMinor: ['penny', 'pence'], esMinor: ['penique', 'peniques'], esFem: true },
    CHF: { en: ['franc', 'francs'], es: ['franco', 'francos'], enMinor: ['centime', 'centimes'], esMinor: ['céntimo', 'céntimos'] },
    COP: { en: ['peso', 'pesos'], es: ['peso', 'pesos'], enMinor: ['centavo', 'centavos'], esMinor: ['centavo', 'centavos'] },
    ARS: { en: ['peso', 'pesos'], es: ['peso', 'pesos'], enMinor: ['centavo', 'centavos'], esMinor: ['centavo', 'centavos'] },
    CLP: { en: ['peso', 'pesos'], es: ['peso', 'pesos'], enMinor: ['', ''], esMinor: ['', ''] },
    PEN: { en: ['sol', 'soles'], es: ['sol', 'soles'], enMinor: ['céntimo', 'céntimos'], esMinor: ['céntimo', 'céntimos'] }
  };
  var esUnits = ['cero', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve', 'diez',
    'once', 'doce', 'trece', 'catorce', 'quince', 'dieciséis', 'diecisiete', 'dieciocho', 'diecinueve', 'veinte',
    'veintiuno', 'veintidós', 'veintitrés', 'veinticuatro', 'veinticinco', 'veintiséis', 'veintisiete', 'veintiocho', 'veintinueve'];
  var esTens = ['', '', '', 'treinta', 'cuarenta', 'cincuenta', 'sesenta', 'setenta', 'ochenta', 'noventa'];
  var esHundreds = ['', 'ciento', 'doscientos', 'trescientos', 'cuatrocientos', 'quinientos', 'seiscientos',
    'setecientos', 'ochocientos', 'novecientos'];
  var enUnits = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
    'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
  var enTens = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

  function form(forms, n) { return n === 1 ? forms[0] : forms[1]; }
  function div(a, b) { return Math.floor(a / b); } // integers below 2^53: exact

  function apocope(w, fem) {
    if (w.slice(-3) !== 'uno') return w;
    if (fem) return w.slice(0, -1) + 'a';
    if (w === 'veintiuno') return 'veintiún';
    return w.slice(0, -1);
  }
  function esBelow1000(n, fem) {
    var parts = [], h = div(n, 100);
    if (h > 0) {
      var w = esHundreds[h];
      if (n === 100) w = 'cien';
      else if (fem && h > 1) w = w.slice(0, -2) + 'as';
      parts.push(w);
    }
    var r = n % 100;
    if (r > 0 && r < 30) parts.push(apocope(esUnits[r], fem));
    else if (r >= 30) {
      var t = esTens[div(r, 10)], u = r % 10;
      if (u > 0) t += ' y ' + apocope(esUnits[u], fem);
      parts.push(t);
    }
    return parts.join(' ');
  }
  function esThousands(n, fem) {
    var parts = [], k = div(n, 1000);
    if (k > 0) parts.push(k === 1 ? 'mil' : esBelow1000(k, fem) + ' mil');
    if (n % 1000 > 0) parts.push(esBelow1000(n % 1000, fem));
    return parts.join(' ');
  }
  function esNumber(n, fem) {
    if (n === 0) return 'cero';
    var parts = [], b = div(n, 1e12), m = div(n % 1e12, 1e6);
    if (b > 0) parts.push(b === 1 ? 'un billón' : esThousands(b, false) + ' billones');
    if (m > 0) parts.push(m === 1 ? 'un millón' : esThousands(m, false) + ' millones');
    if (n % 1e6 > 0) parts.push(esThousands(n % 1e6, fem));
    return parts.join(' ');
  }
  function enBelow1000(n) {
    var parts = [], h = div(n, 100);
    if (h > 0) parts.push(enUnits[h] + ' hundred');
    var r = n % 100;
    if (r > 0 && r < 20) parts.push(enUnits[r]);
    else if (r >= 20) {
      var t = enTens[div(r, 10)], u = r % 10;
      if (u > 0) t += '-' + enUnits[u];
      parts.push(t);
    }
    return parts.join(' ');
  }
  function enNumber(n) {
    if (n === 0) return 'zero';
    var parts = [];
    [[1e12, 'trillion'], [1e9, 'billion'], [1e6, 'million'], [1e3, 'thousand']].forEach(function (sc) {
      var q = div(n, sc[0]);
      if (q > 0) { parts.push(enNumber(q) + ' ' + sc[1]); n %= sc[0]; }
    });
    if (n > 0) parts.push(enBelow1000(n));
    return parts.join(' ');
  }

  // words writes minor units of cur (with digits minor digits) in lang.
  window.cobroWords = function (minor, cur, digits, lang) {
    minor = Math.abs(minor);
    var scale = Math.pow(10, digits);
    var units = div(minor, scale), cents = minor % scale;
    var cw = currencies[cur] || { en: [cur, cur], es: [cur, cur], enMinor: ['', ''], esMinor: ['', ''] };
    var s;
    if (lang === 'es') {
      s = esNumber(units, !!cw.esFem) + ' ';
      if (units % 1e6 === 0 && units >= 1e6) s += 'de ';
      s += form(cw.es, units);
      if (cents > 0) {
        if (!cw.esMinor[0]) return s + ' con ' + cents + '/' + scale;
        s += ' con ' + esNumber(cents, false) + ' ' + form(cw.esMinor, cents);
      }
      return s;
    }
    s = enNumber(units) + ' ' + form(cw.en, units);
    if (cents > 0) {
      if (!cw.enMinor[0]) return s + ' and ' + cents + '/' + scale;
      s += ' and ' + enNumber(cents) + ' ' + form(cw.enMinor, cents);
    }
    return s;
  };
})();
