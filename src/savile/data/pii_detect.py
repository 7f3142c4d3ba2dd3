"""Find personal data in customer-service text: emails, phones, payment cards, IBANs, order ids,
street addresses and person names.

Regular expressions plus checksums (Luhn for cards; for IBANs ISO 7064 mod-97, or else the
country's registered length and structure), no model, so it is fast and predictable. Names are found only in context: greetings ("Dear Mr Martin"),
introductions ("my name is", "I'm X Y", "X Y here", "Hi, I'm Julia."), titles ("Mrs de la
Fuente"), thanks ("Thank you, George."), sign-offs ("Kind regards,\nAna Souza"), a name alone on a
message's last line, "Name:" fields, relatives and helpers ("my husband Paul", "I spoke with
Julia", "addressed to Ana Souza", "Julia from the Paris boutique"). A name in any other position
is missed: `benchmarks/pii_recall.py` measures how often. Keyed replacement, and the bare later
mentions of a name found once ("Claire" after "Claire Martin"), live in `savile.data.privacy`.

    >>> [(f.kind, f.text) for f in detect("Hi Claire, card 4111 1111 1111 1111 was declined.")]
    [('person_name', 'Claire'), ('card', '4111 1111 1111 1111')]

The shapes `savile.data.privacy` writes (addresses at example.com, phones starting "+00 ",
"[CARD-...]", "[IBAN-...]", "<n> Example Street, <City>") are not personal data and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from savile.data.iban import ibans
from savile.errors import DataError

__all__ = [
    "KINDS",
    "DEFAULT_ORDER_ID_PATTERNS",
    "PSEUDONYM_SHAPES",
    "Finding",
    "detect",
    "resolve_overlaps",
    "name_parts",
    "follows_title",
]

KINDS = ("email", "phone", "card", "iban", "order_id", "address", "person_name")
# No house's order-id format is a default: each brand sets its own (privacy.order_id_patterns).
DEFAULT_ORDER_ID_PATTERNS: tuple[str, ...] = ()

# Among equally long overlapping spans the more specific kind wins: checksummed and configured
# formats before context-dependent guesses.
_PRIORITY = {"email": 0, "iban": 1, "card": 2, "order_id": 3, "phone": 4, "address": 5, "person_name": 6}


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: `text == source[start:end]`."""

    kind: str  # one of KINDS
    start: int
    end: int
    text: str


# --- character classes: `re` has no \p{Lu}, so Latin upper/lower case letters are listed ----------
_UP = "".join(c for c in map(chr, range(0x41, 0x250)) if c.isupper())
_LO = "".join(c for c in map(chr, range(0x61, 0x250)) if c.islower())

# --- email, phone, card, IBAN -------------------------------------------------------------------
_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-][\w.%+'-]*@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,24}(?![\w-])")
_PHONE = re.compile(
    r"""
    (?<![\w+/.,-])
    (?: \+[1-9]\d{0,2}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]?\d{1,5}){1,6}   # +33 6 12 34 56 78, +1 (212) 555-0142
      | \(\d{2,4}\)[ ]?\d{3,4}[ .-]?\d{3,4}                          # (212) 555-0142
      | 00[1-9]\d{0,2}(?:[ .-]?\d{1,5}){2,6}                          # 0033 6 12 34 56 78
      | 0\d{1,4}(?:[ .-]?\d{2,4}){2,5}                               # 06 12 34 56 78, 020 7946 0958
      | (?:1[-. ])?\d{3}([-. ])\d{3}\1\d{4}                           # 212-555-0142, 1-800-555-0199
      | 3\d{2}[ ]\d{6,7}                                              # 347 1234567 (Italian mobile)
    )
    (?![\w-]|[.,]\d)
""",
    re.X,
)
_DATE = re.compile(r"\d{1,2}[.-]\d{1,2}[.-]\d{2,4}")
# A phone-shaped run is part of a longer code when a token mixing letters and digits touches it
# ("1Z 999 AA1 09 0746 8829", "AB 0665 5565 6GB"), or when what precedes it in the sentence names
# something else ("tracking number 0381062349", "SKU 019514-933", "shipped with FedEx ... (0653729022)").
_CODE_TOKEN = r"(?:[A-Za-z]+\d|\d+[A-Za-z])[A-Za-z\d]*"
_CODE_BEFORE = re.compile(rf"{_CODE_TOKEN}[ ]$")
_CODE_AFTER = re.compile(rf"[ ]{_CODE_TOKEN}")
_OTHER_NUMBER = re.compile(
    r"(?i)\b(?:tracking|track|shipment|waybill|awb|consignment|parcel|sku|ref|reference|invoice|serial|model|"
    r"article|receipt|iban|account|dhl|ups|fedex|tnt|gls|usps|colissimo|chronopost|la[ ]poste|royal[ ]mail)\b"
    r"(?![^.!?\n]*\b(?:call|phone|mobile|cell|tel|telephone|ring|reach|text|whatsapp|sms|dial)\b)"
    r"(?:[^.!?\n]|(?<=\d)\.(?=\d)){0,40}$"
)  # a sentence ends at ".", but not at the dots of "12.12.2023"
_DIGIT_RUN = re.compile(r"(?<![\w-])\d+(?:[ -]\d+)*(?![\w-])")
# What `savile.data.privacy` writes; matches overlapping these are dropped.
_PSEUDONYM_SHAPES = re.compile(
    r"(?<![\w.%+-])[\w.%+-]+@example\.(?:com|org|net)\b|\+00 [\d()\- .]*\d|\[(?:CARD|IBAN)-[0-9a-f]{6}\]"
    r"|\b\d{1,3} Example Street, [A-Z][a-z]+\b"
)
PSEUDONYM_SHAPES = _PSEUDONYM_SHAPES  # what savile.data.privacy writes; evaluation looks for it in answers


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _phones(text: str) -> Iterable[tuple[int, int]]:
    for m in _PHONE.finditer(text):
        n_digits = sum(c.isdigit() for c in m.group())
        if not 8 <= n_digits <= 15 or _DATE.fullmatch(m.group()):
            continue
        before = text[max(0, m.start() - 60) : m.start()]
        if _CODE_BEFORE.search(before) or _CODE_AFTER.match(text, m.end()):
            continue
        if not m.group().startswith("+") and _OTHER_NUMBER.search(before):
            continue
        yield m.span()


def _cards(text: str) -> Iterable[tuple[int, int]]:
    """13-19 digit Luhn-valid windows of digit runs, so '4111 1111 1111 1111 12 27' still yields the card."""
    for run in _DIGIT_RUN.finditer(text):
        groups = list(re.finditer(r"\d+", run.group()))
        i = 0
        while i < len(groups):
            best, digits = None, ""
            for j in range(i, len(groups)):
                digits += groups[j].group()
                if len(digits) > 19:
                    break
                if len(digits) >= 13 and _luhn_ok(digits):
                    best = j
            if best is None or groups[i].group().startswith("0"):  # no card scheme starts with 0; "0041 ..." is a phone
                i += 1
                continue
            yield run.start() + groups[i].start(), run.start() + groups[best].end()
            i = best + 1


@lru_cache(maxsize=32)
def _compile_order_patterns(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for p in patterns:
        try:
            rx = re.compile(p)
        except re.error as err:
            raise DataError(
                f"order id pattern {p!r} is not a valid regular expression ({err}). "
                "Fix it in privacy.order_id_patterns."
            ) from None
        if rx.fullmatch(""):
            raise DataError(
                f"order id pattern {p!r} matches the empty string. "
                "Make it require at least one character in privacy.order_id_patterns."
            )
        compiled.append(rx)
    return tuple(compiled)


# --- street addresses ---------------------------------------------------------------------------
_HOUSE = r"\d{1,5}[A-Za-z]?(?:[-/](?:\d{1,5}[A-Za-z]?|[A-Za-z]\b))?(?:[ ]?(?:bis|ter)\b)?"
# A street or city word: "Rivoli", "d'Alsace", "dell'Orso", "St.", "5th".
_SW = rf"(?:(?:St|Ste|Mt|Ft)\.|(?:(?:[dlDL]|[dDnNsS][aeu]ll)['’])?[{_UP}][\w'’-]*|\d{{1,3}}(?:st|nd|rd|th))"
_CONN = (
    r"(?:de['’]|de|du|des|de[ ]la|la|le|les|di|del|della|dei|degli|delle|da|do|dos|das|of|the|von|van|der|"
    r"den|am|an|im|y)"
)
_WORDS = rf"(?:{_CONN}[ ]+)*{_SW}(?:[ ]+(?:{_CONN}[ ]+)*{_SW}){{0,4}}"
_EN_TYPE = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Boulevard|Blvd|Drive|Court|Ct|Place|Pl|Square|Sq|"
    r"Terrace|Way|Close|Crescent|Gardens|Row|Mews|Parkway|Pkwy|Highway|Hwy)\.?"
    r"(?:[ ](?:N|S|E|W|NE|NW|SE|SW)\b)?"
)
_NUM_FIRST_TYPE = r"(?i:rue|avenue|av\.|boulevard|bd|place|quai|all[ée]e|impasse|chemin|cours|passage|square|route)"
_TYPE_FIRST = (
    r"(?:Via|C/|(?i:avda\.|viale|piazza|piazzale|corso|largo|vicolo|"
    r"calle|carrer|avenida|plaza|pla[çc]a|paseo|passeig|ronda|rua|pra[çc]a|travessa|strada))"
)
# French-style names also name products ("Quai Voltaire Handbag 28"): only with a postal line.
_FR_TYPE_FIRST = r"(?:Rue|Avenue|Boulevard|Place|Quai|Chemin|Route)"
_DE_SUFFIX = r"(?:straße|strasse|str\.|platz|allee|weg|gasse|damm|ufer|gracht|straat|laan|plein|kade|steig)"
_DE_TYPE = r"(?:Straße|Strasse|Str\.|Platz|Allee|Gasse|Damm)"
_POSTCODE = (
    r"(?:\d{4,5}(?:-\d{4})?|\d{3}-\d{4}|[A-Z]{1,2}\d[A-Z\d]?[ ]?\d[A-Z]{2}|\d{2}-\d{3}|[A-Z]-?\d{4,5}"
    r"|[A-Z]\d[A-Z][ ]?\d[A-Z]\d|\d{4}-\d{3})"
)  # ... Canada: M5H 2N2, Portugal: 1100-053
_CITY = rf"{_SW}(?:[ -](?:{_CONN}[ ]+)?{_SW}){{0,2}}"
# state or province and code: "NY 10118", "NSW 2000", "ON M5H 2N2"
_POSTAL = (
    rf"(?:{_POSTCODE}[ ]+{_CITY}|{_CITY}[ ]+{_POSTCODE}"
    rf"|[A-Z]{{2,3}}[ ](?:\d{{5}}(?:-\d{{4}})?|\d{{4}}|[A-Z]\d[A-Z][ ]?\d[A-Z]\d))"
)
# "Apt 4B", "Suite 200", "Flat 3", "#12", "3º B"
_UNIT = (
    r"(?:(?i:apt|apartment|suite|ste|unit|flat|floor|fl|room|bldg|building|bât|bat|escalier|piso|interno|int)"
    r"\.?[ ]*\#?[ ]*(?:\d{1,5}[A-Za-z]?|[A-Za-z]\d{0,4})(?![\w])|\#[ ]?\d{1,5}[A-Za-z]?|\d{1,2}[ºª°][ ]?[A-Za-z\d]{0,2})"
)
# ", 75001 Paris", ", New York, NY 10118", ", France"; a new line only when it holds a postcode.
_TAIL = rf"(?:,[ ]*(?:{_UNIT}|{_POSTAL}|{_CITY}|{_POSTCODE})(?![\w])){{0,4}}(?:[ ]*\n[ ]*{_POSTAL}(?![\w]))?"
_ADDRESSES = [
    re.compile(rf"(?<![\w-])(?:{_UNIT},?[ ]+)?{street}{_TAIL}")
    for street in (
        rf"{_HOUSE}[ ]+(?:{_SW}[ ]+){{1,4}}{_EN_TYPE}(?![\w])",  # 221B Baker Street
        rf"{_HOUSE},?[ ]+{_NUM_FIRST_TYPE}[ ]+{_WORDS}",  # 12 rue de Rivoli
        rf"{_TYPE_FIRST}[ ]+{_WORDS},?[ ]+{_HOUSE}(?![\w])",  # Via Montenapoleone 8
        rf"{_FR_TYPE_FIRST}[ ]+{_WORDS},?[ ]+{_HOUSE},[ ]*{_POSTAL}(?![\w])",  # Rue du Rhône 62, 1204 Genève
        rf"(?:[{_UP}][{_LO}]+(?:-[{_UP}][{_LO}]+)*{_DE_SUFFIX}|[{_UP}][{_LO}]+[ ]+{_DE_TYPE})[ ]+{_HOUSE}(?![\w])",
        # 3-13-4 Roppongi, Minato-ku
        rf"\d{{1,2}}-\d{{1,2}}-\d{{1,3}}[ ]+{_SW},[ ]*[{_UP}][{_LO}]+-(?:ku|shi|cho|machi|gun)\b",
        r"(?i:p\.?[ ]?o\.?[ ]?box|postfach|bo[iî]te[ ]postale|casella[ ]postale|apartado)[ ]?\d{1,6}(?![\w])",
        # no street type word, but a full postal line after it: "Neuer Wall 12, 20354 Hamburg"
        rf"(?:{_HOUSE}[ ]+{_WORDS}|{_WORDS}[ ]+{_HOUSE}),[ ]*{_POSTAL}(?![\w])",
    )
]

# --- person names -------------------------------------------------------------------------------
_TOKEN = rf"(?:[{_UP}]['’])?[{_UP}][{_LO}]+(?:[{_UP}][{_LO}]+)?(?:-[{_UP}][{_LO}]+){{0,2}}"
_PARTICLES = frozenset("de da di do du des del della dos das van von der den ter le la y bin ibn al".split())
_PARTICLE = "(?:" + "|".join(sorted(_PARTICLES, key=len, reverse=True)) + ")"
_NAME = rf"(?:[{_UP}]\.[ ]?){{0,2}}{_TOKEN}(?:[ ](?:{_PARTICLE}[ ])*{_TOKEN}){{0,2}}(?![\w'’-])"
_TITLE = (
    r"(?:(?:Mrs|Mr|Ms|Miss|Mx|Dr|Prof|Mme|Mlle|Madame|Mademoiselle|Monsieur|Herr|Frau|Signora|Signorina|"
    r"Signor|Sig\.ra|Sig|Señora|Señorita|Señor|Sra|Srta|Sr|Dott\.ssa|Dott)\.?|M\.)"
)
_GREETINGS = (
    r"hello|hi|hey|dear|dearest|good[ ]morning|good[ ]afternoon|good[ ]evening|bonjour|bonsoir|salut|"
    r"ciao|buongiorno|buonasera|gentile|hola|buenos[ ]d[ií]as|buenas[ ]tardes|estimad[oa]|hallo|"
    r"liebe|lieber|guten[ ]tag|sehr[ ]geehrte[rs]?|greetings"
)
_SIGNOFFS = (
    r"best(?:[ ]+(?:regards|wishes))?|kind(?:est)?[ ]+regards|warm(?:est)?[ ]+regards|regards|"
    r"many[ ]+thanks|thanks(?:[ ]+(?:again|so[ ]+much|a[ ]+lot|in[ ]+advance))?|"
    r"thank[ ]+you(?:[ ]+(?:again|so[ ]+much|very[ ]+much|in[ ]+advance))?|thx|cheers|warmly|"
    r"sincerely|yours(?:[ ]+(?:sincerely|faithfully|truly))?|respectfully|all[ ]+the[ ]+best|"
    r"take[ ]+care|with[ ]+thanks|(?:bien[ ]+)?cordialement|bien[ ]+à[ ]+vous|merci(?:[ ]+beaucoup)?|"
    r"grazie(?:[ ]+mille)?|cordiali[ ]+saluti|distinti[ ]+saluti|saluti|un[ ]+saluto|saludos|"
    r"un[ ]+saludo|atentamente|gracias|mit[ ]+freundlichen[ ]+grüßen|(?:viele|liebe|beste)[ ]+grüße|danke"
)
_RELATIONS = (
    r"husband|wife|partner|fianc[ée]e?|boyfriend|girlfriend|daughter|son|mother|mum|mom|father|dad|"
    r"sister|brother|aunt|uncle|niece|nephew|cousin|grandmother|grandfather|granddaughter|grandson|friend|"
    r"colleague|boss|assistant|secretary|driver|chauffeur|housekeeper|stylist|advisor|adviser"
)
# A small list of common first names, for the one context where a single word is otherwise too weak.
_FIRST_NAMES = frozenset(
    """
anna maria sophie sofia emma olivia mia julia laura sarah lena lea lucia chiara giulia elena marta paula carmen
claire camille chloe ines louise alice emilie charlotte amelia emily grace isla lily hannah marie clara lisa nina
sara yuki sakura aoi mei hina emi wei li ming fatima aisha leila noor priya ananya maya olga natalia anastasia
james john michael david daniel thomas william george oliver harry jack charles henry peter paul mark luke adam
louis hugo lucas leo jules antoine pierre jean nicolas julien marco luca matteo lorenzo giuseppe alessandro
javier pablo carlos diego sergio alejandro juan miguel jorge felix jonas lukas leon max jan elias noah
liam ethan ben sam alex chris tom nick kenji haruto ren sota takumi hiroshi ahmed omar ali mohammed yusuf raj
arjun ivan dmitri sergei
""".split()
)
_NAME_CONTEXTS = [  # (pattern, fewest name parts, end check)
    (
        re.compile(
            rf"(?<!\w)(?i:{_GREETINGS})(?P<sep>[ ]+|[ ]*,[ ]*)(?:(?P<title>{_TITLE})[ ]+)?"
            rf"(?P<name>{_NAME})"
        ),
        1,
        "greeting",
    ),
    (
        re.compile(
            rf"(?<!\w)(?i:my[ ]+name[ ]+is|my[ ]+name's|je[ ]+m'appelle|mi[ ]+chiamo|me[ ]+llamo|"
            rf"mein[ ]+name[ ]+ist|ich[ ]+hei(?:ß|ss)e)[ ]+(?:(?P<title>{_TITLE})[ ]+)?(?P<name>{_NAME})"
        ),
        1,
        None,
    ),
    (
        re.compile(
            rf"(?<!\w)(?i:(?:writing|calling|speaking|contacting[ ]+you)[ ]+as|on[ ]+behalf[ ]+of)[ ]+"
            rf"(?:(?P<title>{_TITLE})[ ]+)?(?P<name>{_NAME})"
        ),
        1,
        None,
    ),
    (re.compile(rf"(?<!\w)(?i:this[ ]+is)[ ]+(?P<name>{_NAME})"), 2, "intro"),
    (re.compile(rf"(?:^|(?<=[.!?:])[ ]+)[ \t]*(?P<name>{_NAME})[ ]+here(?=[ ]*[.!,:;—–-])", re.M), 1, None),
    # vocatives after thanks and courtesies: "Thank you for writing, George." "It was a pleasure, Inès."
    (
        re.compile(
            rf"(?<!\w)(?i:thank[ ]+you|thanks|many[ ]+thanks|merci|grazie|gracias|danke|pleasure|welcome|"
            rf"of[ ]+course|certainly|no[ ]+problem|avec[ ]+plaisir|happy[ ]+to[ ]+help|glad[ ]+to[ ]+help)"
            rf"(?:[ ]+(?i:for)[ ][^,.!?\n]{{1,40}})?,[ ]+(?P<name>{_NAME})(?=[ ]*[.!?])"
        ),
        1,
        None,
    ),
    (re.compile(rf"^[ \t]*(?:[-–—~]+|--)[ \t]*(?P<name>{_NAME})[ \t]*\s*\Z", re.M), 1, None),  # "— Lena Schulz"
    (re.compile(rf"(?<!\w)I(?:'m|’m|[ ]+am)[ ]+(?P<name>{_NAME})"), 2, "intro"),
    (re.compile(rf"(?<![\w.])(?P<title>{_TITLE})[ ]+(?P<name>(?:{_PARTICLE}[ ])*{_NAME})"), 1, None),
    (
        re.compile(
            rf"(?:^|(?<=[.!?])[ ]+)[ \t]*(?i:{_SIGNOFFS}|signed)[ \t]*[,.!:;—–-]*[ \t]*(?:\n[ \t]*){{0,2}}"
            rf"(?:[-–—~][ \t]*)?(?P<name>{_NAME})[ \t]*[.!]?[ \t]*$",
            re.M,
        ),
        1,
        "whole",
    ),
    # Cheap gains without a model: a name alone on a message's last line; "Name: ..."; a relative or
    # helper named ("my husband Paul", "I spoke with Julia", "addressed to Ana Souza"); "Julia from
    # the Paris boutique"; and "I'm Julia." when Julia is a common first name or a greeting opens the sentence.
    (re.compile(rf"\n[ \t]*(?P<name>{_NAME})[ \t]*[.!]?\s*\Z"), 1, "whole"),
    (re.compile(rf"(?<!\w)(?i:name|full[ ]name|nom|nome|nombre)[ ]*:[ ]*(?P<name>{_NAME})"), 1, None),
    (re.compile(rf"(?<!\w)(?i:my|our|your)[ ]+(?i:{_RELATIONS})(?:[ ]*,)?[ ]+(?P<name>{_NAME})"), 1, None),
    (
        re.compile(
            rf"(?<!\w)(?i:(?:spoke|speak|speaking|talked|chatted|dealt|dealing)[ ]+(?:to|with)|ask(?:ed)?[ ]+for|"
            rf"(?:helped|assisted|served|advised|looked[ ]+after|attended)[ ]+by|addressed[ ]+to|made[ ]+out[ ]+to|"
            rf"attention[ ]+of|attn\.?:?|c/o|recipient(?:[ ]+is|:))[ ]+(?P<name>{_NAME})"
        ),
        1,
        None,
    ),
    (
        re.compile(
            rf"(?P<name>{_NAME})[ ]+(?:from|at)[ ]+(?:the|your|our)[ ]+(?:[\w'’-]+[ ]+){{0,3}}"
            rf"(?i:boutique|store|shop|team|atelier|salon|office|counter|desk|flagship)\b"
        ),
        1,
        "trailing",
    ),
    (re.compile(rf"(?<!\w)I(?:'m|’m|[ ]+am)[ ]+(?P<name>{_TOKEN})(?=[ ]*[,.!])"), 1, "first_name"),
]
_INTRO_END = re.compile(r"[ ]*(?:[,.!;:?)]|$)|[ ]+(?:and|from|here|speaking|calling|writing|of|at)\b", re.M)
_GREETING_END = re.compile(r"[ ]*(?:[,!.:;?]|$)", re.M)
_TITLE_BEFORE = re.compile(rf"(?<![\w.]){_TITLE}[ ]+$")
# Capitalised words that follow a greeting or sign-off without being a name.
_STOP = frozenset(
    """
there all everyone everybody anyone someone team teams sir sirs madam madame ma'am mesdames messieurs
monsieur customer customers client clients valued support service services concierge care friend friends
guys folks colleague colleagues staff boutique boutiques store shop maison atelier house manager advisor
adviser agent department sales again hello hi hey dear thanks thank you regards best cheers sincerely
yours kind warm please my i we our your the this that a an is it its can could would will should just
quick question regarding re about following sorry yes no ok okay hope how what when where why who any
both very really so not sure happy glad still also writing looking trying interested disappointed
pleased excited afraid unable good morning afternoon evening day today tomorrow monday tuesday wednesday
thursday friday saturday sunday january february march july september october november december order
orders delivery payment refund return returns repair repairs bag bags item items product products
everything nothing nobody somebody anybody click sign tap start look come stay right over details photo
photos picture pictures link receipt invoice info information attached update note grüße grüsse saluti
saludos merci grazie gracias danke mr mrs ms miss mx dr prof mme mlle mademoiselle herr frau signora
signorina signor señora señor write call send let see check ship deliver reply contact email collection
pickup people lady ladies gentleman gentlemen flat apartment suite unit french italian english british
american german spanish swiss japanese chinese korean canadian australian belgian dutch austrian russian
brazilian mexican indian irish scottish portuguese swedish danish greek polish turkish lebanese new back
home here fine gold silver platinum member
""".split()
)
_DETERMINER_BEFORE = re.compile(r"(?i)\b(?:the|a|an|this|that|these|those|my|your|our|their|his|her|its)[ ]+$")
_SIZE_BEFORE = re.compile(r"(?i)\b(?:size|taille|taglia|talla|gr(?:ö|oe)(?:ß|ss)e)[ ]*$")
_GREETING_BEFORE = re.compile(rf"(?:^|[.!?\n])[ \t]*(?i:{_GREETINGS})[ ]*[,!.]?[ ]*$")


def follows_title(text: str, start: int) -> bool:
    """Whether a name starting at `start` is preceded by a title ("Mr ", "Mme "), i.e. is a surname."""
    return _TITLE_BEFORE.search(text, max(0, start - 20), start) is not None


def name_parts(name: str) -> list[str]:
    """Split a name into parts, each particle kept with the word after it: 'Ana de Souza' -> ['Ana', 'de Souza']."""
    parts, pending = [], []
    for word in name.split():
        if word in _PARTICLES:
            pending.append(word)
        else:
            parts.append(" ".join([*pending, word]))
            pending = []
    return parts


def _name_span(
    m: re.Match[str], stop_phrases: Collection[tuple[str, ...]], trailing: bool = False
) -> tuple[int, int, int] | None:
    """(start, end, parts) of the name in `m` once cut at the first stop word or stop phrase, or with
    `trailing`, once everything up to the last stop word is dropped ("Could Julia" -> "Julia")."""
    words = [w for w in re.finditer(r"\S+", m.group("name")) if w.group() not in _PARTICLES]
    lowered = [w.group().casefold() for w in words]
    stops = []
    for i, low in enumerate(lowered):
        stops += [(i, i + 1)] if low in _STOP else []
        stops += [(i, i + len(p)) for p in stop_phrases if tuple(lowered[i : i + len(p)]) == p]
    if trailing:
        first, keep = max((end for _, end in stops), default=0), len(words)
    else:
        first, keep = 0, min((i for i, _ in stops), default=len(words))
    if keep <= first:
        return None
    base = m.start("name")
    start = base if first == 0 else base + words[first].start()
    return start, base + words[keep - 1].end(), keep - first


def _names(text: str, stop_phrases: Collection[tuple[str, ...]]) -> Iterable[tuple[int, int]]:
    for rx, fewest, end_check in _NAME_CONTEXTS:
        for m in rx.finditer(text):
            span = _name_span(m, stop_phrases, trailing=end_check == "trailing")
            if span is None:
                continue
            start, end, n_parts = span
            if end_check == "greeting" and "," in m.group("sep") and not _GREETING_END.match(text, end):
                continue  # "Hello, Following my order..." is a sentence, not a name
            if n_parts < fewest and not (
                end_check == "intro" and n_parts == 1 and re.match(r"[ ]+(?:from|here|speaking|calling)\b", text[end:])
            ):
                continue
            if end_check == "intro" and n_parts >= 2 and not _INTRO_END.match(text, end):
                continue  # "I'm Really Disappointed with..." is not a name
            if end_check == "whole" and end != m.end("name"):
                continue  # "Paris Boutique" after a sign-off or on the last line is a signature, not a name
            if end_check == "trailing" and _DETERMINER_BEFORE.search(text, max(0, start - 8), start):
                continue  # "the Alma at the boutique" is a bag
            if m.groupdict().get("title") == "M." and _SIZE_BEFORE.search(text, max(0, m.start() - 12), m.start()):
                continue  # "in size M. For the refund..." has no Monsieur in it
            if end_check == "first_name" and not (
                m.group("name").casefold() in _FIRST_NAMES
                or _GREETING_BEFORE.search(text, max(0, m.start() - 30), m.start())
            ):
                continue
            yield start, end


def _names_a_product(address: str, stop_phrases: Collection[tuple[str, ...]]) -> bool:
    """ "2 Quai Voltaire Handbag" is an address in shape but holds the brand's collection name and no postal line."""
    words = " ".join(address.casefold().split())
    return "," not in address and any(" ".join(p) in words for p in stop_phrases)


def resolve_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """Keep the longest of overlapping findings (ties: the more specific kind); sort by start."""
    kept: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for f in sorted(set(findings), key=lambda f: (f.start - f.end, _PRIORITY[f.kind], f.start)):
        if all(f.end <= s or f.start >= e for s, e in taken):
            kept.append(f)
            taken.append((f.start, f.end))
    return sorted(kept, key=lambda f: f.start)


def detect(
    text: str, order_id_patterns: Sequence[str] = DEFAULT_ORDER_ID_PATTERNS, *, not_names: Collection[str] = ()
) -> list[Finding]:
    """Non-overlapping findings in `text`, sorted by start; of overlapping spans the longer wins.

    `order_id_patterns` are the brand's order/loyalty id regexes; `not_names` are capitalised
    phrases never taken as a person's name (the brand's own name, e.g. "Maison Lirelle").
    """
    spans: list[tuple[str, int, int]] = [("email", *m.span()) for m in _EMAIL.finditer(text)]
    spans += [("phone", s, e) for s, e in _phones(text)]
    spans += [("card", s, e) for s, e in _cards(text)]
    spans += [("iban", s, e) for s, e in ibans(text)]
    for rx in _compile_order_patterns(tuple(order_id_patterns)):
        spans += [("order_id", *m.span()) for m in rx.finditer(text) if m.end() > m.start()]
    stop_phrases = {tuple(p.casefold().split()) for p in not_names if p.strip()}
    spans += [
        ("address", *m.span())
        for rx in _ADDRESSES
        for m in rx.finditer(text)
        if not _names_a_product(m.group(), stop_phrases)
    ]
    spans += [("person_name", s, e) for s, e in _names(text, stop_phrases)]
    protected = [m.span() for m in _PSEUDONYM_SHAPES.finditer(text)]
    return resolve_overlaps(
        Finding(kind, s, e, text[s:e]) for kind, s, e in spans if not any(s < pe and e > ps for ps, pe in protected)
    )
