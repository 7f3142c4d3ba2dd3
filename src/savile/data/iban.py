"""IBANs in free text: each country's registered length and BBAN structure, with or without a valid checksum.

    >>> list(ibans("Refund to GB12 WEST 1234 5698 7654 32 please"))   # a wrong check digit: still an account
    [(10, 37)]

Used by `savile.data.pii_detect`; the registry's structures are below.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["IBAN_FORMATS", "ibans"]

_IBAN = re.compile(r"(?<![^\W_])[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){11,30}")
# Every country in the SWIFT IBAN registry with the structure of its BBAN (the part after the check
# digits): n digits, a upper-case letters, c either. Other prefixes are not IBANs (a DHL waybill
# "JD0146000062812345" passes mod-97 at some length one time in five).
IBAN_FORMATS = dict(
    entry.split(":")
    for entry in """
AD:8n12c AE:19n AL:8n16c AT:16n AZ:4a20c BA:16n BE:12n BG:4a6n8c BH:4a14c BI:23n BR:23n1a1c BY:4c4n16c CH:5n12c
CR:18n CY:8n16c CZ:20n DE:18n DJ:23n DK:14n DO:4c20n EE:16n EG:25n ES:20n FI:14n FK:2a12n FO:14n FR:10n11c2n
GB:4a14n GE:2a16n GI:4a15c GL:14n GR:7n16c GT:4c20c HN:4a20n HR:17n HU:24n IE:4a14n IL:19n IQ:4a15n IS:22n
IT:1a10n12c JO:4a4n18c KW:4a22c KZ:3n13c LB:4n20c LC:4a24c LI:5n12c LT:16n LU:3n13c LV:4a13c LY:21n MC:10n11c2n
MD:20c ME:18n MK:3n10c2n MN:16n MR:23n MT:4a5n18c MU:4a19n3a NI:4a20n NL:4a10n NO:11n OM:3n16c PK:4a16c PL:24n
PS:4a21c PT:21n QA:4a21c RO:4a16c RS:18n RU:14n15c SA:2n18c SC:4a20n3a SD:14n SE:20n SI:15n SK:20n SM:1a10n12c
SO:19n ST:21n SV:4a20n TL:19n TN:20n TR:6n16c UA:6n19c VA:18n VG:4a16n XK:16n YE:4a4n18c""".split()
)
_BBAN_CLASS = {"n": "[0-9]", "a": "[A-Z]", "c": "[A-Z0-9]"}
_BBAN = {
    country: re.compile("".join(f"{_BBAN_CLASS[k]}{{{n}}}" for n, k in re.findall(r"(\d+)([nac])", spec)))
    for country, spec in IBAN_FORMATS.items()
}
_IBAN_LENGTHS = {country: 4 + sum(int(n) for n in re.findall(r"\d+", spec)) for country, spec in IBAN_FORMATS.items()}


def _iban_ok(iban: str) -> bool:
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def ibans(text: str) -> Iterable[tuple[int, int]]:
    """(start, end) of each IBAN: a country's registered length and BBAN structure, and a valid mod-97
    checksum or else the print form of an IBAN.

    A wrong check digit (a customer's typo, a test value) still leaves someone's account number in
    the text, so without a valid checksum the value must be printed as IBANs are (_printed_as_iban).
    """
    pos = 0
    while (m := _IBAN.search(text, pos)) is not None:
        pos = m.start() + 1  # a failed candidate may hide an IBAN that starts inside it
        alnum = [(i, c.upper()) for i, c in enumerate(m.group()) if c != " "]
        n = _IBAN_LENGTHS.get(alnum[0][1] + alnum[1][1], 0)
        if not n or n > len(alnum):
            continue
        end = m.start() + alnum[n - 1][0] + 1
        value = "".join(c for _, c in alnum[:n])
        if (
            (end == len(text) or not text[end].isalnum())
            and _BBAN[value[:2]].fullmatch(value[4:])
            and (_iban_ok(value) or _printed_as_iban(text[m.start() : end]))
        ):
            yield m.start(), end
            pos = end


def _printed_as_iban(written: str) -> bool:
    """One case throughout, and no spaces or groups of four: how banks print an IBAN, and prose is not."""
    if not (written.isupper() or written.islower()):
        return False
    groups = written.split(" ")
    return len(groups) == 1 or (all(len(g) == 4 for g in groups[:-1]) and 1 <= len(groups[-1]) <= 4)
