"""The demo house's collections: the categories each makes, its palette and its signature hardware."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Collection", "COLLECTIONS"]


@dataclass(frozen=True)
class Collection:
    """A collection: the categories it makes, its palette and its signature hardware."""

    name: str
    categories: tuple[str, ...]
    palette: tuple[str, ...]
    hardware: tuple[str, ...]


def _collection(name: str, categories: str, palette: str, hardware: str) -> Collection:
    # The table below is easier to read as comma-separated strings than as nested tuples.
    def split(text: str) -> tuple[str, ...]:
        return tuple(part.strip() for part in text.split(","))

    return Collection(name, split(categories), split(palette), split(hardware))


COLLECTIONS: tuple[Collection, ...] = (
    _collection(
        "Les Rives",
        "handbag, tote, wallet, card holder, scarf",
        "Bleu Orage, Gris Perle, Vert Lichen, Ivoire Nacré, Noir Minuit",
        "palladium, brushed brass",
    ),
    _collection(
        "Heure Bleue",
        "clutch, handbag, scarf, bracelet",
        "Bleu Orage, Bleu Faïence, Noir Minuit, Gris Perle, Prune Fumée",
        "ruthenium, palladium",
    ),
    _collection(
        "Quai Voltaire",
        "handbag, wallet, card holder, belt, watch strap",
        "Tabac Doré, Camel Brûlé, Noir Minuit, Bordeaux Velouté, Ivoire Nacré",
        "aged gold, brushed brass",
    ),
    _collection(
        "Passage Vivienne",
        "tote, handbag, card holder, scarf, loafer",
        "Rouge Grenat, Noir Minuit, Ocre Sienne, Blanc Craie, Tabac Doré",
        "aged gold, palladium",
    ),
    _collection(
        "Jardin d'Hiver",
        "scarf, tote, sneaker, bracelet",
        "Vert Lichen, Vert Amande, Blanc Craie, Gris Perle, Rose Poudre",
        "palladium, rose gold",
    ),
    _collection(
        "Cour Carrée",
        "handbag, belt, wallet, watch strap",
        "Noir Minuit, Camel Brûlé, Gris Perle, Bordeaux Velouté, Ocre Sienne",
        "palladium, matte black",
    ),
    _collection(
        "Belle Saison",
        "tote, scarf, sneaker, clutch",
        "Jaune Safran, Rose Poudre, Vert Amande, Blanc Craie, Bleu Faïence",
        "rose gold, brushed brass",
    ),
    _collection(
        "Ligne Claire",
        "card holder, wallet, belt, sneaker, watch strap",
        "Blanc Craie, Noir Minuit, Gris Perle, Bleu Orage, Ivoire Nacré",
        "matte black, palladium",
    ),
    _collection(
        "Nuit de Juin",
        "clutch, scarf, bracelet, handbag",
        "Noir Minuit, Prune Fumée, Rouge Grenat, Bordeaux Velouté, Bleu Orage",
        "ruthenium, aged gold",
    ),
    _collection(
        "Île Saint-Louis",
        "handbag, loafer, scarf, card holder",
        "Ivoire Nacré, Gris Perle, Tabac Doré, Bleu Faïence, Rose Poudre",
        "aged gold, rose gold",
    ),
    _collection(
        "Rue du Bac",
        "wallet, card holder, belt, loafer, bracelet",
        "Camel Brûlé, Tabac Doré, Noir Minuit, Ocre Sienne, Vert Lichen",
        "brushed brass, aged gold",
    ),
    _collection(
        "Galerie Haute",
        "handbag, clutch, bracelet, scarf",
        "Rouge Grenat, Noir Minuit, Ivoire Nacré, Jaune Safran, Bleu Orage",
        "palladium, aged gold",
    ),
    _collection(
        "Marée Basse",
        "tote, travel bag, sneaker, scarf",
        "Bleu Faïence, Gris Perle, Blanc Craie, Ocre Sienne, Vert Lichen",
        "brushed brass, palladium",
    ),
    _collection(
        "Envol",
        "travel bag, tote, card holder, watch strap",
        "Tabac Doré, Noir Minuit, Camel Brûlé, Bleu Orage, Vert Lichen",
        "ruthenium, brushed brass",
    ),
    _collection(
        "Carnet de Route",
        "travel bag, wallet, card holder, belt",
        "Camel Brûlé, Tabac Doré, Vert Lichen, Ocre Sienne, Noir Minuit",
        "brushed brass, aged gold",
    ),
    _collection(
        "Palais Royal",
        "handbag, clutch, wallet, scarf, loafer",
        "Rouge Grenat, Noir Minuit, Ivoire Nacré, Bordeaux Velouté, Prune Fumée",
        "aged gold, palladium",
    ),
    _collection(
        "Sillage",
        "scarf, bracelet, watch strap, clutch",
        "Gris Perle, Rose Poudre, Prune Fumée, Bleu Faïence, Blanc Craie",
        "rose gold, palladium",
    ),
    _collection(
        "Estampe",
        "scarf, tote, card holder",
        "Ocre Sienne, Jaune Safran, Bleu Faïence, Rouge Grenat, Ivoire Nacré",
        "brushed brass, aged gold",
    ),
    _collection(
        "Grand Tour",
        "travel bag, handbag, wallet, loafer",
        "Tabac Doré, Camel Brûlé, Noir Minuit, Bordeaux Velouté, Gris Perle",
        "aged gold, ruthenium",
    ),
    _collection(
        "Voyage Immobile",
        "tote, sneaker, scarf, card holder",
        "Vert Amande, Blanc Craie, Bleu Orage, Jaune Safran, Gris Perle",
        "matte black, palladium",
    ),
    _collection(
        "Contre-Jour",
        "handbag, belt, sneaker, bracelet",
        "Noir Minuit, Blanc Craie, Gris Perle, Rouge Grenat, Camel Brûlé",
        "matte black, ruthenium",
    ),
    _collection(
        "Demi-Lune",
        "handbag, clutch, card holder, bracelet",
        "Ivoire Nacré, Rose Poudre, Prune Fumée, Noir Minuit, Tabac Doré",
        "rose gold, aged gold",
    ),
    _collection(
        "Boussole",
        "travel bag, belt, watch strap, wallet",
        "Noir Minuit, Bleu Orage, Camel Brûlé, Vert Lichen, Tabac Doré",
        "ruthenium, matte black",
    ),
    _collection(
        "Pas de Deux",
        "loafer, clutch, scarf, bracelet",
        "Rose Poudre, Bordeaux Velouté, Ivoire Nacré, Noir Minuit, Rouge Grenat",
        "rose gold, palladium",
    ),
    _collection(
        "Ruban Noué",
        "scarf, belt, wallet, sneaker",
        "Jaune Safran, Vert Amande, Bleu Faïence, Ocre Sienne, Blanc Craie",
        "brushed brass, rose gold",
    ),
)
