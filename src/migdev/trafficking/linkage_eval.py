"""A generated set of case records with realistic duplicates, to measure duplicate detection.

Persons get names from several naming traditions (with accents, compound family names, names that do not
decompose such as "Ødegaard"), a birth date, one or two citizenships, sometimes a phone or an identity
number. A share of them is recorded a second time with the variants case workers produce:

* ``accents``: accents dropped or added, case changed ("Núñez" → "NUNEZ");
* ``order``: given and family names swapped, or moved between fields;
* ``typo``: one letter replaced, dropped, doubled or two letters swapped;
* ``phonetic``: a spelling variant that sounds alike ("Núñez" → "Nunes", "Mohamed" → "Muhammad");
* ``citizenship``: only one of two citizenships recorded;
* ``transposed``: birth day and month swapped (day ≤ 12).

Hard cases that are *not* duplicates are generated too: relatives (same family name and citizenship,
another given name, born a few years apart) and twins (same family name, citizenship and birth date).

Each duplicate carries one or two variants; the truth (which records are the same person) is kept, so
precision and recall can be computed for migdev's linkage and for the exact rule it replaced (same
normalised name, birth date and citizenship: :func:`migdev.protection.crypto.blind_index`). Seeded:
the same seed gives the same set.
"""

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

GIVEN = {
    "Feminine": [
        "María",
        "José",
        "Ana",
        "Lucía",
        "Fatima",
        "Aïcha",
        "Chiamaka",
        "Ngozi",
        "Amina",
        "Olga",
        "Irina",
        "Nguyễn Thị",
        "Mai",
        "Thu",
        "Priya",
        "Anjali",
        "Gabriela",
        "Joana",
        "Françoise",
        "Zoë",
        "Hélène",
        "Sofía",
        "Mariam",
        "Blessing",
        "Esther",
        "Grace",
        "Yasmin",
        "Leila",
        "Natalia",
        "Oksana",
        "Svetlana",
        "Ingrid",
        "Siobhán",
        "Małgorzata",
        "Agnieszka",
        "Ewa",
        "Elena",
        "Carmen",
        "Rosa",
        "Dolores",
    ],
    "Masculine": [
        "José",
        "Juan",
        "Luis",
        "Mohamed",
        "Ahmed",
        "Yusuf",
        "Ibrahim",
        "Chinedu",
        "Emeka",
        "Oluwaseun",
        "Sergei",
        "Dmitri",
        "Andriy",
        "Minh",
        "Tuấn",
        "Rajesh",
        "Arjun",
        "João",
        "François",
        "Jérôme",
        "Søren",
        "Björn",
        "Łukasz",
        "Paweł",
        "Mehmet",
        "Ömer",
        "Kwame",
        "Kofi",
        "Abdoulaye",
        "Mamadou",
        "Carlos",
        "Miguel",
        "Ángel",
        "Raúl",
        "Jesús",
        "Samuel",
        "David",
        "Daniel",
        "Ali",
        "Hassan",
    ],
}
FAMILY = [
    "Núñez",
    "García",
    "López",
    "Hernández",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Okafor",
    "Okonkwo",
    "Adeyemi",
    "Eze",
    "Nwosu",
    "Diallo",
    "Traoré",
    "Coulibaly",
    "Keïta",
    "Mensah",
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Ivanova",
    "Petrenko",
    "Kovalenko",
    "Shevchenko",
    "Popescu",
    "Ionescu",
    "Kowalska",
    "Wiśniewski",
    "Müller",
    "Schäfer",
    "Ødegaard",
    "Søndergaard",
    "Yılmaz",
    "Öztürk",
    "Çelik",
    "Haddad",
    "El Amrani",
    "Benali",
    "Khan",
    "Sharma",
    "Patel",
    "Singh",
    "da Silva",
    "Gonçalves",
    "Fernandes",
    "Mbeki",
    "Dlamini",
    "Asante",
    "Boateng",
    "O'Brien",
    "Ní Bhriain",
    "Dubois",
    "Lefèvre",
]
# Spellings that sound alike; each maps to the other members of its group.
PHONETIC_GROUPS = [
    ("Núñez", "Nunes", "Nuñes"),
    ("Mohamed", "Mohammed", "Muhammad", "Mohamad"),
    ("Yusuf", "Youssef", "Yousef"),
    ("Olga", "Olha"),
    ("Sergei", "Sergey", "Serhiy"),
    ("Dmitri", "Dmitry", "Dimitri"),
    ("Fatima", "Fatma", "Fatimah"),
    ("Aïcha", "Aisha", "Aicha"),
    ("Ahmed", "Ahmad", "Ahmet"),
    ("Hassan", "Hasan"),
    ("Ibrahim", "Ibrahima"),
    ("Gonçalves", "Goncalvez"),
    ("Fernandes", "Fernandez"),
    ("Ivanova", "Ivanowa"),
    ("Petrenko", "Petrenco"),
    ("Haddad", "Hadad"),
    ("Khan", "Kan"),
    ("Elena", "Helena", "Yelena"),
    ("Natalia", "Natalya", "Nataliya"),
    ("Luis", "Luiz"),
    ("Joana", "Johanna", "Juana"),
]
CITIZENSHIPS = [
    "NG",
    "GH",
    "SN",
    "ML",
    "CI",
    "VN",
    "UA",
    "RO",
    "PL",
    "MX",
    "GT",
    "HN",
    "CO",
    "VE",
    "PH",
    "IN",
    "PK",
    "BD",
    "MA",
    "DZ",
    "TR",
    "ES",
    "PT",
    "BR",
    "FR",
    "DE",
    "IT",
    "GB",
    "IE",
    "NO",
    "DK",
]
VARIANTS = ("accents", "order", "typo", "phonetic", "citizenship", "transposed")
_ACCENTED = {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú", "n": "ñ", "c": "ç"}


@dataclass
class Record:
    """One generated case record; ``person`` is the truth (records of one person share it)."""

    person: int
    first_name: str
    second_name: str
    birth_date: date | None
    citizenship: list[str]
    gender: str
    middle_name: str = ""
    mobile_phone: str = ""
    identity_number: str = ""
    variants: tuple[str, ...] = field(default_factory=tuple)

    def values(self) -> dict[str, Any]:
        return {
            "first_name": self.first_name,
            "middle_name": self.middle_name,
            "second_name": self.second_name,
            "birth_date": self.birth_date,
            "citizenship": self.citizenship,
            "gender": self.gender,
            "mobile_phone": self.mobile_phone,
            "identity_number": self.identity_number,
        }


def _strip_accents(text: str) -> str:
    from migdev.trafficking.tokens import name_parts

    return " ".join(part.capitalize() for part in name_parts(text)) or text


def _typo(rng: random.Random, text: str) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 4:
        return text + text[-1] if text else text
    # Case workers rarely mistype the first letter of a name.
    position = rng.choice(letters[1:])
    action = rng.choice(("replace", "drop", "double", "swap"))
    if action == "replace":
        return text[:position] + rng.choice("aeioumnrstl") + text[position + 1 :]
    if action == "drop":
        return text[:position] + text[position + 1 :]
    if action == "double":
        return text[:position] + text[position] + text[position:]
    if position + 1 < len(text):
        return text[:position] + text[position + 1] + text[position] + text[position + 2 :]
    return text[:position] + text[position + 1 :]


def _phonetic(rng: random.Random, text: str) -> str | None:
    for group in PHONETIC_GROUPS:
        for spelling in group:
            if spelling in text:
                return text.replace(spelling, rng.choice([s for s in group if s != spelling]))
    return None


def _accents(rng: random.Random, text: str) -> str:
    plain = _strip_accents(text)
    if plain != text:
        return plain.upper() if rng.random() < 0.5 else plain
    letters = [i for i, c in enumerate(text) if c.lower() in _ACCENTED]
    if not letters:
        return text.upper()
    position = rng.choice(letters)
    return text[:position] + _ACCENTED[text[position].lower()] + text[position + 1 :]


def _vary(rng: random.Random, record: Record, variant: str) -> Record | None:
    if variant == "accents":
        return replace(
            record, first_name=_accents(rng, record.first_name), second_name=_accents(rng, record.second_name)
        )
    if variant == "order":
        if rng.random() < 0.5:
            return replace(record, first_name=record.second_name, second_name=record.first_name)
        return replace(record, first_name=f"{record.first_name} {record.second_name}", second_name="")
    if variant == "typo":
        if record.second_name and rng.random() < 0.5:
            return replace(record, second_name=_typo(rng, record.second_name))
        return replace(record, first_name=_typo(rng, record.first_name))
    if variant == "phonetic":
        first = _phonetic(rng, record.first_name)
        if first is not None:
            return replace(record, first_name=first)
        second = _phonetic(rng, record.second_name)
        return None if second is None else replace(record, second_name=second)
    if variant == "citizenship":
        if len(record.citizenship) < 2:
            return None
        return replace(record, citizenship=[rng.choice(record.citizenship)])
    if variant == "transposed":
        value = record.birth_date
        if value is None or value.day > 12 or value.day == value.month:
            return None
        return replace(record, birth_date=date(value.year, value.day, value.month))
    raise ValueError(variant)


def _person(rng: random.Random, number: int) -> Record:
    gender = rng.choice(("Feminine", "Masculine"))
    first = rng.choice(GIVEN[gender])
    family = rng.choice(FAMILY)
    if rng.random() < 0.25:
        family = f"{family} {rng.choice(FAMILY)}"
    middle = rng.choice(GIVEN[gender]) if rng.random() < 0.15 else ""
    birth = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 46))
    citizenship = rng.sample(CITIZENSHIPS, 2 if rng.random() < 0.2 else 1)
    phone = (
        f"+{rng.choice(['234', '380', '52', '84', '33'])}{rng.randrange(10**8, 10**9)}"
        if rng.random() < 0.3
        else ""
    )
    identity = f"{rng.choice('ABCDEFGH')}{rng.randrange(10**6, 10**7)}" if rng.random() < 0.2 else ""
    return Record(
        person=number,
        first_name=first,
        middle_name=middle,
        second_name=family,
        birth_date=birth if rng.random() > 0.05 else None,
        citizenship=citizenship,
        gender=gender,
        mobile_phone=phone,
        identity_number=identity,
    )


def generate(persons: int, *, duplicate_share: float = 0.3, seed: int = 2006) -> list[Record]:
    """``persons`` people; ``duplicate_share`` of them recorded a second time with variants."""
    rng = random.Random(seed)
    records = [_person(rng, number) for number in range(persons)]
    # Relatives and twins: different people whom a careless rule would merge.
    for number, original in enumerate(list(records[: persons // 10]), start=persons):
        twin = rng.random() < 0.25
        gender = rng.choice(("Feminine", "Masculine"))
        given = rng.choice([name for name in GIVEN[gender] if name != original.first_name])
        born = original.birth_date
        if born is not None and not twin:
            born = born.replace(year=born.year + rng.choice((-4, -3, -2, 2, 3, 5)), day=min(born.day, 28))
        records.append(
            Record(
                person=number,
                first_name=given,
                second_name=original.second_name,
                birth_date=born,
                citizenship=list(original.citizenship),
                gender=gender,
            )
        )
    for original in list(records):
        if rng.random() >= duplicate_share:
            continue
        variant_count = 1 if rng.random() < 0.7 else 2
        copy: Record | None = replace(original, variants=())
        chosen: list[str] = []
        for variant in rng.sample(VARIANTS, len(VARIANTS)):
            if copy is None or len(chosen) == variant_count:
                break
            changed = _vary(rng, copy, variant)
            if changed is not None:
                copy, chosen = changed, [*chosen, variant]
        if copy is not None and chosen:
            # A second record rarely repeats the optional details.
            copy = replace(
                copy,
                variants=tuple(chosen),
                mobile_phone=copy.mobile_phone if rng.random() < 0.5 else "",
                identity_number=copy.identity_number if rng.random() < 0.5 else "",
                middle_name=copy.middle_name if rng.random() < 0.5 else "",
            )
            records.append(copy)
    rng.shuffle(records)
    return records


def true_pairs(records: list[Record], ids: list[int]) -> set[tuple[int, int]]:
    by_person: dict[int, list[int]] = {}
    for record, case_id in zip(records, ids, strict=True):
        by_person.setdefault(record.person, []).append(case_id)
    pairs = set()
    for members in by_person.values():
        members.sort()
        for position, first in enumerate(members):
            for second in members[position + 1 :]:
                pairs.add((first, second))
    return pairs


@dataclass(frozen=True)
class Scores:
    found: int
    correct: int
    truth: int

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.truth if self.truth else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "pairs_found": self.found,
            "correct": self.correct,
            "true_pairs": self.truth,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
        }


def score(found: set[tuple[int, int]], truth: set[tuple[int, int]]) -> Scores:
    return Scores(found=len(found), correct=len(found & truth), truth=len(truth))
