"""Glosses of the demo house's colour and material names, the {cg} and {mg} of its copy: several
phrasings each, so the reference copy explains a house name without always saying it the same way.
"""

from __future__ import annotations

__all__ = ["COLOUR_GLOSSES", "MATERIAL_GLOSSES"]

COLOUR_GLOSSES: dict[str, tuple[str, ...]] = {
    "Noir Minuit": (
        "a black with the depth of a city after midnight",
        "a black so deep it reads almost blue under lamplight",
        "the deepest black the house dyes",
    ),
    "Rouge Grenat": (
        "a dark garnet red",
        "a red with the depth of a garnet held to the light",
        "a deep red that warms with age",
    ),
    "Bleu Orage": (
        "the slate blue of a sky before rain",
        "a stormy blue-grey",
        "a blue with grey in it, like weather coming in",
    ),
    "Vert Lichen": (
        "a soft grey-green taken from old stone walls",
        "the muted green of lichen on stone",
        "a quiet, mossy green",
    ),
    "Ivoire Nacré": (
        "a warm ivory with a faint sheen",
        "the ivory of the inside of a shell",
        "an off-white with a soft lustre",
    ),
    "Gris Perle": (
        "a pale, luminous grey",
        "the grey of a pearl in daylight",
        "a light grey that sits with everything",
    ),
    "Tabac Doré": (
        "a tobacco brown with a golden cast",
        "a warm brown, like cured leaf",
        "a mid brown with amber in it",
    ),
    "Rose Poudre": ("a powdered, dusty pink", "a pink softened with grey", "a muted pink, never sweet"),
    "Ocre Sienne": ("a burnt earth ochre", "a warm yellow-brown earth tone", "the ochre of sun-baked clay"),
    "Blanc Craie": ("a dry chalk white", "a matte white with no blue in it", "the white of fresh chalk"),
    "Bordeaux Velouté": (
        "a deep wine red with a soft depth",
        "the red of an old vintage",
        "a dark, velvety wine colour",
    ),
    "Bleu Faïence": ("the blue of glazed earthenware", "a clear, painted-tile blue", "a bright but gentle blue"),
    "Vert Amande": ("a pale almond green", "a soft green with a touch of cream", "the green of an unripe almond"),
    "Camel Brûlé": ("a camel deepened with a touch of caramel", "a toasted camel", "a warm, sandy brown"),
    "Prune Fumée": ("a smoky plum", "a plum veiled with grey", "a dark violet with smoke in it"),
    "Jaune Safran": ("a warm saffron yellow", "the yellow of saffron threads", "a deep, spiced yellow"),
}

MATERIAL_GLOSSES: dict[str, tuple[str, ...]] = {
    "Velours calfskin": (
        "a calfskin with a fine, velvety nap",
        "a soft calfskin brushed to a velvet touch",
        "a supple calfskin with a matte surface",
    ),
    "Grainé Lirelle leather": (
        "a pebbled grain that shrugs off scratches",
        "the grained leather of the house, supple and hard-wearing",
        "a firm leather pressed with a fine, even grain",
    ),
    "Toile Lirelle canvas": (
        "a tightly woven cotton canvas, coated for wear",
        "the canvas of the house, light and weather-resistant",
        "a dense woven canvas trimmed in leather",
    ),
    "Plume lambskin": (
        "the lightest lambskin the house works",
        "a lambskin soft enough to crease like paper",
        "a feather-light lambskin with a gentle sheen",
    ),
    "Nuage silk twill": (
        "a silk twill woven dense enough to hold a print crisply",
        "a fluid silk twill with a soft hand",
        "a silk twill that drapes without weight",
    ),
    "Voile cashmere-silk": (
        "a veil-light blend of cashmere and silk",
        "cashmere and silk woven almost sheer",
        "a warm, weightless blend of cashmere and silk",
    ),
    "Taurillon Rivage leather": (
        "a full-grain bull calf leather with a relaxed grain",
        "a robust leather that softens with use",
        "a thick, supple leather with a natural grain",
    ),
    "Box Lirelle calfskin": (
        "a smooth, glazed calfskin that takes a high shine",
        "a fine-grained calfskin polished to a soft gloss",
        "a smooth calfskin that holds a crisp line",
    ),
    "Chèvre Cotelée goatskin": (
        "a goatskin with a fine ribbed grain",
        "a light, tough goatskin with a lively grain",
        "a goatskin with a crisp, ribbed texture",
    ),
    "Veau Ciré calfskin": (
        "a waxed calfskin that deepens with wear",
        "a calfskin finished with wax for a soft glow",
        "a waxed calfskin that marks and heals with use",
    ),
    "Daim Crêpe suede": (
        "a close-napped suede with a soft touch",
        "a dense, short-napped suede",
        "a suede brushed to a fine, even nap",
    ),
    "Cuir Tressé leather": (
        "a leather cut into fine strands and braided by hand",
        "a braided leather worked strand by strand",
        "a hand-braided leather that stays supple",
    ),
}
