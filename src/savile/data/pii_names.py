"""Person names in customer-service text, found only in context: greetings, introductions, titles,
thanks, sign-offs, a name alone on a message's last line, "Name:" fields, relatives and helpers.

    >>> text = "Dear Mrs de la Fuente, thank you."
    >>> [text[s:e] for s, e in names(text, stop_phrases=set())]
    ['de la Fuente']

`savile.data.pii_detect.detect` calls `names` beside the other kinds of personal data.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

__all__ = ["UPPER", "LOWER", "names", "name_parts", "follows_title"]

# `re` has no \p{Lu}, so Latin upper and lower case letters are listed; street and city words use them too.
UPPER = "".join(c for c in map(chr, range(0x41, 0x250)) if c.isupper())
LOWER = "".join(c for c in map(chr, range(0x61, 0x250)) if c.islower())

_TOKEN = rf"(?:[{UPPER}]['’])?[{UPPER}][{LOWER}]+(?:[{UPPER}][{LOWER}]+)?(?:-[{UPPER}][{LOWER}]+){{0,2}}"
_PARTICLES = frozenset("de da di do du des del della dos das van von der den ter le la y bin ibn al".split())
_PARTICLE = "(?:" + "|".join(sorted(_PARTICLES, key=len, reverse=True)) + ")"
_NAME = rf"(?:[{UPPER}]\.[ ]?){{0,2}}{_TOKEN}(?:[ ](?:{_PARTICLE}[ ])*{_TOKEN}){{0,2}}(?![\w'’-])"
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


def names(text: str, stop_phrases: Collection[tuple[str, ...]]) -> Iterable[tuple[int, int]]:
    """(start, end) of each name in `text` found in one of the contexts; `stop_phrases` (casefolded word
    tuples, e.g. the brand's name) end a name or rule it out."""
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
