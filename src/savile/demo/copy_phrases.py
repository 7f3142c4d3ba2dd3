"""The phrase banks the reference product copy of Maison Lirelle is assembled from.

Each bank is one slot of a description (opening, material, colour, hardware, craft and origin,
usage, dimensions, closing), with dozens of phrasings so a model cannot score well by learning
one template. Placeholders are the product's own catalogue values ({colour}, {material},
{hardware}, {origin}, {category}, {collection}, {dimensions}) and glosses of its colour ({cg})
and material ({mg}). No phrase names any vocabulary value outright or uses a banned term, and
the preferred terms (atelier, patina, ...) sit mostly in the craft slot, so that the assembled
copy uses between one and three of them.
"""

from __future__ import annotations

from savile.demo.copy_glosses import COLOUR_GLOSSES, MATERIAL_GLOSSES

__all__ = [
    "OPENINGS",
    "MATERIAL_LINES",
    "COLOUR_LINES",
    "COLOUR_MATERIAL_LINES",
    "HARDWARE_LINES",
    "CRAFT_LINES",
    "CRAFT_SCARF_LINES",
    "LEATHER_CRAFT_LINES",
    "CRAFT_HARDWARE_LINES",
    "USAGE_LINES",
    "DIMENSION_LINES",
    "CLOSINGS",
    "COLOUR_GLOSSES",
    "MATERIAL_GLOSSES",
]

OPENINGS: tuple[str, ...] = (
    "From the {collection} collection, a {category} in {colour} {material}.",
    "The {collection} {category} is cut from {material}.",
    "This {category} belongs to {collection}, one of the quieter lines of the house.",
    "{collection} continues with a {category} of few lines and careful proportions.",
    "A {category} from {collection}, made to be kept for years.",
    "Part of the {collection} collection, this {category} keeps its lines simple.",
    "In the {collection} collection, the {category} is the piece that does the most work.",
    "Here is the {collection} {category}, pared back to what it needs.",
    "Few pieces in {collection} are used as often as this {category}.",
    "{colour} sets the tone for this {collection} {category}.",
    "Quiet and exact, the {collection} {category} starts with its material.",
    "Drawn in the Paris studio for {collection}, this {category} takes its proportions from the archive.",
    "Made for {collection}, this {category} was drawn around a single line.",
    "There is nothing superfluous in the {collection} {category}.",
    "Everything about this {category} from {collection} has been considered.",
    "Simple in outline, the {category} from {collection} rewards a closer look.",
    "Look closely at the {collection} {category}: the detail is in the making.",
    "A quiet {category} for the {collection} collection.",
    "{collection} brings a new {category} this season.",
    "Designed for {collection}, the {category} is direct and unadorned.",
    "The {collection} line adds a {category} in {colour}.",
    "One {category}, one material, one idea: this is {collection}.",
    "For {collection}, the studio drew a {category} with nothing to hide.",
    "Made in small runs for {collection}, this {category} is meant to be used.",
    "Among the {collection} pieces, this {category} is the most versatile.",
    "This is the {category} of {collection}: calm, exact, made to last.",
    "Of everything in {collection}, the {category} is the easiest to live with.",
    "{collection}, in the form of a {category}.",
    "Clean lines define the {collection} {category}.",
    "Some pieces announce themselves; the {collection} {category} does not.",
    "It began as a sketch for {collection} and became this {category}.",
    "The {category} from the {collection} collection is built for daily use.",
    "Cut, assembled and finished for {collection}, this {category} asks only to be used.",
    "A {category} from {collection}, in {colour}.",
    "Within {collection}, this {category} keeps to essentials.",
    "{collection} was drawn around everyday pieces, and this {category} is one of them.",
    "Restraint shapes the {category} of the {collection} collection.",
    "Nothing in this {collection} {category} is there for show.",
    "What makes the {collection} {category} is what you notice last.",
    "Straightforward by intent, this {category} opens the {collection} story.",
    "Proportion comes first in the {collection} {category}.",
    "Every line of this {category} was argued over in the {collection} studio sessions.",
    "Our {collection} collection includes this {category} in {colour}.",
    "Season after season, {collection} returns to the {category}.",
)

MATERIAL_LINES: tuple[str, ...] = (
    "It is made of {material}, {mg}.",
    "The material is {material}: {mg}.",
    "{material} was chosen for it: {mg}.",
    "The house chose {material}, {mg}.",
    "Cut from {material}, {mg}, it keeps its character.",
    "{material}: {mg}.",
    "Each one starts as {material}, {mg}.",
    "The choice of {material}, {mg}, is deliberate.",
    "{material} gives it its hand: {mg}.",
    "Made in {material}, {mg}, it asks for little attention.",
    "It is worked in {material}, {mg}.",
    "Its material is {material}, {mg}.",
    "In the hand, {material} reads as {mg}.",
    "{material} is {mg}, and it is the heart of this piece.",
    "Underneath the colour is {material}, {mg}.",
    "The house selected {material} for its character: {mg}.",
    "Touch tells you first that this is {material}, {mg}.",
    "We use {material} here, {mg}.",
    "The body is {material}, {mg}.",
    "Its substance is {material}, {mg}.",
)

COLOUR_LINES: tuple[str, ...] = (
    "The colour is {colour}, {cg}.",
    "{colour} is {cg}.",
    "It comes in {colour}, {cg}.",
    "Shown here in {colour}, {cg}.",
    "{colour}, {cg}, gives it a calm presence.",
    "The shade, {colour}, is {cg}.",
    "In {colour}, {cg}, it sits easily with the rest of a wardrobe.",
    "The house dyes it {colour}: {cg}.",
    "Its colour, {colour}, is {cg}.",
    "Here it is in {colour}, {cg}.",
    "{colour} was mixed for the house: {cg}.",
    "We call the colour {colour}; it is {cg}.",
    "The dye is {colour}, {cg}, and it goes deep.",
    "Colour: {colour}, {cg}.",
    "It is finished in {colour}, {cg}.",
    "This one is {colour}, {cg}.",
    "The tone is {colour}, {cg}, chosen to age well.",
    "Dyed through in {colour}, {cg}, it shows little wear.",
    "Its shade is called {colour}: {cg}.",
    "{colour} reads as {cg}.",
)

COLOUR_MATERIAL_LINES: tuple[str, ...] = (
    "It is cut from {material} in {colour}.",
    "{colour} {material}, {mg}, gives it its character.",
    "The {material} is dyed {colour}, {cg}.",
    "{material} in {colour}: {mg}, in {cg}.",
    "It is made of {material}, dyed {colour}.",
    "The material is {material}, {mg}; the colour, {colour}, is {cg}.",
    "Here, {material} meets {colour}, {cg}.",
    "The house pairs {material}, {mg}, with {colour}.",
    "Both the {material} and its colour, {colour}, were chosen for how they age.",
    "{material}, {mg}, dyed in {colour}.",
    "It is worked in {colour} {material}.",
    "{colour} suits {material}, {mg}.",
)

HARDWARE_LINES: tuple[str, ...] = (
    "The hardware is {hardware}, polished by hand.",
    "Its fittings are finished in {hardware}.",
    "Metal details come in {hardware}.",
    "Hardware in {hardware} is weighted so it closes with certainty.",
    "Finishes are {hardware}, chosen to sit with the colour.",
    "All metalwork is {hardware}, brushed or polished by hand.",
    "{hardware} hardware completes it.",
    "The metal parts are {hardware} and made to take daily handling.",
    "Small details in {hardware} catch the light.",
    "It is fitted with {hardware} hardware.",
    "The hardware, in {hardware}, is engraved with the house initials.",
    "Its hardware is {hardware}, tested for years of use.",
    "Hardware: {hardware}.",
    "{hardware} fittings keep the look restrained.",
    "The fittings are {hardware}, plain and solid.",
)

# For every category, scarves included: nothing here mentions stitching or leather edges.
CRAFT_LINES: tuple[str, ...] = (
    "It is hand-finished in {origin}.",
    "It is made in {origin} by an artisan who follows it from start to finish.",
    "Our atelier in {origin} makes and finishes each one.",
    "The savoir-faire is that of our workshop in {origin}.",
    "An artisan in {origin} gives it its final hours of work.",
    "Made in {origin}, it is hand-finished by a single pair of hands.",
    "The work is done in {origin}, where the house keeps its savoir-faire close.",
    "It comes from our atelier in {origin}.",
    "It is made in {origin}, and made to become an heirloom.",
    "Made in {origin}, it is understated and built to last.",
    "Its origin is {origin}, in an atelier the house has worked with for decades.",
    "Each one is made in {origin} and hand-finished at the bench.",
    "It comes from a workshop in {origin}, where savoir-faire passes from hand to hand.",
    "{origin} is where it is made, by an artisan trained in the methods of the house.",
    "The atelier in {origin} inspects every one before it leaves.",
)

CRAFT_SCARF_LINES: tuple[str, ...] = (
    "Made in {origin}, its edges are rolled and hand-stitched.",
    "An artisan in {origin} rolls each edge by hand.",
)

LEATHER_CRAFT_LINES: tuple[str, ...] = (
    "Made in {origin}, it is hand-stitched with a waxed linen thread.",
    "It is made in {origin}, with painted edges built up in several coats.",
    "Made in {origin}, it will take on a patina with use.",
    "Every seam is sewn with a saddle stitch in our atelier in {origin}.",
    "In {origin}, an artisan closes it with a saddle stitch that will not unravel.",
    "Assembled in {origin}, it is hand-finished before it leaves the workshop.",
    "The making happens in {origin}: cutting, stitching, painted edges, inspection.",
    "It is made in {origin}; the edges are painted by hand, layer by layer, for an understated finish.",
    "It is hand-stitched in {origin}, and the leather will develop a patina of its own.",
    "Made in {origin} with a saddle stitch, it is repaired rather than replaced.",
)

CRAFT_HARDWARE_LINES: tuple[str, ...] = (
    "Made in {origin}, it is hand-finished and fitted with {hardware} hardware.",
    "The {hardware} fittings are set by an artisan in {origin}.",
    "An atelier in {origin} assembles it and sets the {hardware} hardware by hand.",
    "It is made in {origin}, where an artisan attaches and checks each {hardware} fitting.",
    "{hardware} hardware and a careful hand-finished edge: all of it done in {origin}.",
    "In {origin}, the atelier finishes it with {hardware} hardware.",
    "Its {hardware} hardware is fitted in {origin}, in the same atelier that cut it.",
    "Made in {origin}, it carries {hardware} fittings and the savoir-faire of the house.",
)

USAGE_LINES: dict[str, tuple[str, ...]] = {
    "bag": (
        "It carries the essentials of a day without losing its shape.",
        "There is room for a notebook, keys and a phone, and a flat pocket for what you need to find quickly.",
        "Worn on the shoulder or carried by the handle, it goes from morning to evening without fuss.",
        "Inside, a zipped pocket and two open ones keep things in their place.",
        "It stands on its own base and opens wide, so nothing hides at the bottom.",
        "A detachable shoulder strap lets it be worn across the body.",
        "The lining is soft cotton, light in colour so nothing gets lost.",
    ),
    "evening": (
        "It holds a phone, a lipstick and a key, and nothing more, which is the point.",
        "Carried in the hand or tucked under the arm, it was made for evenings.",
        "A slim chain, stowed inside, turns it into a shoulder piece.",
        "It closes with a soft click and lies flat in the hand.",
        "Sized for an evening out: cards, keys, a phone.",
    ),
    "travel": (
        "It takes the clothes for a weekend and fits in an overhead cabin.",
        "The base is reinforced, and the handles are wrapped by hand for long carries.",
        "It opens wide on a double zip, so packing and unpacking are quick.",
        "A padded shoulder strap and a luggage tag come with it.",
        "Built for trains, planes and the boot of a car, it gets better for being used.",
    ),
    "small": (
        "It holds cards, a few notes and receipts, and slips into a jacket pocket.",
        "Slim enough for an inside pocket, it keeps cards in order.",
        "Every compartment is cut to size, so nothing slides out of place.",
        "It closes flat and opens with a thumb.",
        "Made to be handled every day, it softens in the hand.",
    ),
    "belt": (
        "It sits flat at the waist and works with tailoring and denim alike.",
        "The buckle fastens with a quiet click; the tip is shaped and turned by hand.",
        "Worn with trousers or over a coat, it holds its line.",
        "Evenly spaced holes leave room to adjust.",
    ),
    "scarf": (
        "Knotted at the neck, tied to a handle or worn over the hair, it goes everywhere.",
        "Folded in a triangle or worn loose, it softens a coat collar.",
        "It folds small enough to travel in a pocket, and comes out without a crease.",
        "Wear it long over a jacket or knotted close on a cold morning.",
        "The print was drawn by hand in the studio before it was engraved for weaving.",
    ),
    "loafer": (
        "The leather sole is stitched rather than glued, so it can be replaced when it wears.",
        "It breaks in within a week and keeps its shape for years.",
        "Cut on a last made for walking all day, it is as easy with tailoring as with denim.",
        "A cushioned insole makes it comfortable from the first wear.",
        "Slip it on for the office, the weekend or a long lunch.",
    ),
    "sneaker": (
        "The rubber sole is stitched as well as bonded, and can be replaced at the boutique.",
        "A padded collar and a cushioned insole make it easy from the first wear.",
        "Made for city days on foot, it pairs with tailoring as readily as with denim.",
        "The laces are waxed cotton, with spares in the box.",
        "It stays light on the foot, even after a long walk.",
    ),
    "bracelet": (
        "It sits close at the wrist and stacks with a watch.",
        "Light enough to forget, it is made to be worn every day.",
        "The clasp opens with one hand and closes securely.",
        "Worn alone or several together, it adds a line of colour at the wrist.",
    ),
    "strap": (
        "It fits most watches with spring bars and changes without tools.",
        "Lined and padded, it sits flat and comfortable on the wrist.",
        "Quick-release pins let you change it in moments.",
        "Made to be worn daily, it softens to the shape of the wrist.",
    ),
}

DIMENSION_LINES: tuple[str, ...] = (
    "Dimensions: {dimensions}.",
    "Measurements: {dimensions}.",
    "Size: {dimensions}.",
    "For reference, {dimensions}.",
)

CLOSINGS: tuple[str, ...] = (
    "A piece to keep.",
    "It will only improve with time.",
    "Made to be used, and used again.",
    "Nothing more is needed.",
    "It asks only to be used.",
    "Quiet, exact, lasting.",
    "The rest is up to you.",
    "Let it age with you.",
    "A companion for many years.",
    "Built to be kept, and to be passed on.",
    "Simple, and made well.",
    "It gets better the more it is handled.",
    "That is all it needs to be.",
    "Understated by design.",
    "An heirloom in the making.",
    "It is the kind of piece you stop noticing, and never stop using.",
    "Everything else is detail.",
    "Made slowly, meant to stay.",
    "One to keep close.",
    "It will wear its years well.",
    "Time will give it a patina of its own.",
    "Look after it, and it will last.",
    "Chosen once, kept for good.",
    "Little said, much made.",
)
