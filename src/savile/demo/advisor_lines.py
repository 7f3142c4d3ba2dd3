"""What Maison Lirelle's client advisors write back: policy answers and the lines around them.

Every body in `ANSWERS[policy]` states all of that policy's facts verbatim (see
`guide.POLICIES`); the greetings, acknowledgements, closings and sign-offs around it vary, so
that a model learns the facts rather than one reply. No line uses a banned term. Placeholders:
{first} and {full} the customer's name, {order} their order number, {item} the product they
asked about, {phone} their number, {advisor} the advisor's first name.
"""

from __future__ import annotations

__all__ = [
    "ANSWERS",
    "EXTRAS",
    "GREETINGS_NAMED",
    "GREETINGS_ANON",
    "ACKNOWLEDGEMENTS",
    "ORDER_ACKNOWLEDGEMENTS",
    "ITEM_ACKNOWLEDGEMENTS",
    "CALL_BACKS",
    "CLOSINGS",
    "SIGN_OFFS",
    "ADVISORS",
    "FOLLOW_UP_OPENERS",
    "THANKS_REPLIES",
]

ANSWERS: dict[str, tuple[str, ...]] = {
    "returns": (
        "Unworn pieces can be returned within 30 days of delivery for a full refund, or "
        "exchanged for another size or colour.",
        "You have 30 days from delivery to return the piece, unworn and in its packaging, and "
        "we will issue a full refund to your original means of payment.",
        "Our policy is simple: within 30 days of delivery, an unworn piece may come back to us "
        "for a full refund or an exchange.",
        "As long as it is unworn and in its original packaging, you may return it within 30 "
        "days and receive a full refund.",
        "Returns are accepted within 30 days of delivery. Once the piece reaches the atelier "
        "and has been checked, a full refund is made to the card you used.",
        "An exchange is possible if you prefer; otherwise a full refund applies to any unworn "
        "piece sent back within 30 days of delivery.",
        "The window is 30 days from delivery. Provided the piece is unworn, you can choose an "
        "exchange or a full refund.",
        "Within 30 days of delivery we take back unworn pieces for a full refund, and I can "
        "send you a prepaid label today.",
        "I can confirm that a full refund applies to unworn pieces returned within 30 days of "
        "delivery. Pieces made to your own specification are the one exception.",
    ),
    "repairs": (
        "Every piece is covered for 2 years against defects in materials and workmanship, "
        "which we repair free of charge. After that, our repair service can restore it for a "
        "fee quoted after inspection.",
        "Within 2 years of purchase, a defect is repaired at no cost. For anything older, or "
        "for wear and accidents, the repair service in our atelier will look at it and send "
        "you a quote.",
        "Our warranty runs for 2 years and covers defects in workmanship. Beyond it, or for "
        "accidental damage, the repair service restores pieces for a fee agreed before any "
        "work begins.",
        "If the piece is under 2 years old and the fault is one of making, we will put it "
        "right free of charge. Otherwise our repair service will inspect it and quote first.",
        "The house guarantees its workmanship for 2 years, and our artisans also run a paid "
        "repair service for older pieces and everyday wear.",
        "Please bring it to any boutique or let me send you a prepaid label: within 2 years it "
        "falls under the warranty, and after that the repair service quotes before starting.",
        "Defects are covered for 2 years; everything else goes through our repair service, at "
        "a cost we agree with you first. Most repairs take three to six weeks.",
        "Our repair service can handle this. If the piece is less than 2 years old and "
        "the issue is a defect, there is no charge at all.",
    ),
    "made_to_order": (
        "Made-to-order pieces take 8 to 10 weeks from confirmation. We take a deposit of 30% "
        "when you confirm, and the balance on completion.",
        "You choose the colour, material and hardware with an advisor; the atelier then needs "
        "8 to 10 weeks. A 30% deposit secures the order.",
        "The lead time is 8 to 10 weeks, and a deposit of 30% is taken at confirmation, with "
        "the rest due when the piece is ready.",
        "We would be glad to make it for you. Allow 8 to 10 weeks from the moment you confirm, "
        "at which point we ask for 30% of the price as a deposit.",
        "A deposit of 30% confirms the commission, and the piece is ready 8 to 10 weeks later; "
        "the balance is settled on completion.",
        "Bespoke work follows a simple rhythm: choices made together, a 30% deposit, then 8 to "
        "10 weeks in the atelier.",
        "From confirmation to completion, count 8 to 10 weeks. The deposit is 30%, and "
        "initials can be hot-stamped at no charge.",
        "It is possible, yes. Made-to-order pieces are finished 8 to 10 weeks after "
        "confirmation, and we take 30% as a deposit.",
    ),
    "shipping": (
        "Shipping is complimentary on every order, and within Europe delivery takes 2 to 4 "
        "business days by insured courier.",
        "There is nothing to pay for shipping: it is complimentary, and in Europe delivery takes 2 to 4 business days.",
        "Within Europe, please allow 2 to 4 business days; shipping is complimentary and the parcel is insured.",
        "Orders travel by insured courier and shipping is complimentary. In Europe the parcel "
        "arrives within 2 to 4 business days; elsewhere, allow up to a week.",
        "Delivery is complimentary, and a tracking link is sent on the day of dispatch. In "
        "Europe it takes 2 to 4 business days.",
        "There is no charge for shipping, which is complimentary. European deliveries arrive "
        "within 2 to 4 business days and need a signature.",
        "Your parcel will leave by insured courier with complimentary shipping and should "
        "reach you within 2 to 4 business days inside Europe.",
        "Expect 2 to 4 business days for delivery within Europe. Shipping is complimentary on every order.",
    ),
    "care": (
        "Keep it away from heat, damp and direct light, and nourish the leather twice a year "
        "with a leather balm. Between wears, store it stuffed with tissue in its dust bag.",
        "A little leather balm twice a year keeps the leather supple, and the dust bag "
        "protects it when it is not in use.",
        "Wipe it with a soft, dry cloth, never water. Use a leather balm twice a year, and keep "
        "it in its dust bag away from light.",
        "For marks, dab gently with a dry cloth rather than rubbing, then let it rest in its "
        "dust bag. Twice a year, apply a thin layer of leather balm.",
        "Store it in its dust bag, stuffed with tissue so it keeps its shape, and feed the "
        "leather with a leather balm every six months.",
        "Our advice: a leather balm twice a year, the dust bag between wears, and no heat or "
        "direct sun. Silk and cashmere should only be dry-cleaned.",
        "Any boutique will look at it during a complimentary care appointment; at home, a "
        "leather balm and the dust bag are all you need.",
        "Avoid water and solvents. A leather balm, applied sparingly, restores the surface, "
        "and the dust bag keeps dust and light away.",
    ),
    "authenticity": (
        "Every piece leaves the atelier with a certificate of authenticity and a serial number stamped inside.",
        "Look for the serial number stamped inside and the certificate of authenticity that "
        "comes with each piece; any boutique can check both against our register.",
        "Each piece has its own serial number and a certificate of authenticity. If you send "
        "me a photograph of the number, I can check it for you.",
        "A genuine piece carries a serial number stamped inside and arrives with a certificate "
        "of authenticity; our boutiques check both free of charge.",
        "We sell only through our boutiques and website, and each piece comes with a "
        "certificate of authenticity and a serial number held in the house register.",
        "The serial number inside the piece matches the one on its certificate of "
        "authenticity, and we keep both in our register.",
        "Please bring it to a boutique: we will read the serial number and compare it with the "
        "certificate of authenticity and our records.",
        "Checking is simple. The serial number is stamped inside, and the certificate of "
        "authenticity carries the same number.",
    ),
    "availability": (
        "It is sold out at the moment, but I can add you to the waiting list. When it comes "
        "back, clients are contacted in turn and the piece is held for 48 hours.",
        "I have added your name to the waiting list. When one comes in, we will contact you and hold it for 48 hours.",
        "There is a waiting list for this piece. Clients on it are called in order, and each has 48 hours to confirm.",
        "Our boutiques have none at present. The waiting list is the surest way: when a piece "
        "comes back, it is held for you for 48 hours.",
        "I can check other boutiques for you, and in the meantime put you on the waiting list; "
        "you will then have 48 hours to decide once it is back.",
        "Joining the waiting list costs nothing. When your turn comes, we hold the piece for 48 hours.",
        "It is not in our boutiques today. May I put you on the waiting list? We hold each "
        "piece that comes back for 48 hours for the next client.",
        "New pieces arrive in small numbers. The waiting list works in order, and a piece "
        "reserved for you is held for 48 hours.",
    ),
}

EXTRAS: dict[str, tuple[str, ...]] = {
    "returns": (
        "A prepaid label can be sent to you by email.",
        "Any boutique can also take the piece back in person.",
        "Please keep the dust bag and box, as the piece should travel in them.",
    ),
    "repairs": (
        "A quote is always agreed with you before work begins.",
        "Most repairs take three to six weeks.",
        "Any boutique can receive the piece and send it to the atelier for you.",
    ),
    "made_to_order": (
        "Choices can be made in a boutique or by video appointment.",
        "Initials may be hot-stamped at no charge.",
        "Your advisor will send sketches for approval before work begins.",
    ),
    "shipping": (
        "A signature is needed on arrival, as every parcel is insured.",
        "You will receive a tracking link by email on the day of dispatch.",
        "Deliveries outside Europe may take up to a week.",
    ),
    "care": (
        "Silk and cashmere should be dry-cleaned only.",
        "Each boutique offers a complimentary care appointment once a year.",
        "Avoid leaving it in direct sunlight for long periods.",
    ),
    "authenticity": (
        "Maison Lirelle sells only through its own boutiques and website.",
        "Pieces bought elsewhere can be checked at a boutique free of charge.",
        "Please never share the serial number publicly.",
    ),
    "availability": (
        "Boutiques can also check whether another boutique holds the piece.",
        "We will contact you by email and telephone when your turn comes.",
        "You can leave the list at any time with a simple reply.",
    ),
}

GREETINGS_NAMED = (
    "Dear {first},",
    "Bonjour {first},",
    "Hello {first},",
    "Good morning {first},",
    "Good afternoon {first},",
    "Dear {full},",
    "Thank you for writing, {first}.",
    "{first}, thank you for your message.",
    "Hello {full},",
    "Bonjour {full},",
    "Dear {first}, thank you for your message.",
)
GREETINGS_ANON = (
    "Hello,",
    "Good morning,",
    "Bonjour,",
    "Thank you for your message.",
    "Good afternoon,",
    "Thank you for writing to us.",
)

ACKNOWLEDGEMENTS = (
    "Thank you for getting in touch.",
    "I'm glad to help with this.",
    "Thank you for your question.",
    "Of course.",
    "Happy to explain.",
    "I have looked into this for you.",
    "Let me set out how it works.",
    "Thank you for asking before deciding.",
    "I understand completely.",
    "It is a question we are often asked.",
    "That is easily answered.",
    "Thank you for your patience.",
    "I would be pleased to help.",
    "",
)
ORDER_ACKNOWLEDGEMENTS = (
    "I have your order {order} in front of me.",
    "I have found order {order}.",
    "Thank you for the reference, {order}.",
    "I have checked order {order}.",
    "Order {order} is on my screen now.",
)
ITEM_ACKNOWLEDGEMENTS = (
    "Thank you for your interest in {item}.",
    "Thank you for your message about {item}.",
    "I'm pleased to hear from you about {item}.",
    "{item} is a piece we know well.",
)
CALL_BACKS = (
    "I can also call you on {phone} if that is easier.",
    "If you prefer, I will ring you on {phone}.",
    "I am happy to call you on {phone} to go through it.",
)
CLOSINGS = (
    "If anything is unclear, simply reply to this message.",
    "I remain at your disposal.",
    "Do let me know if I can help further.",
    "Should you have any other question, I am here.",
    "Please write again whenever you need.",
    "I hope this helps.",
    "It would be a pleasure to welcome you in a boutique.",
    "I will keep an eye on my inbox for your reply.",
    "With my thanks for your trust.",
    "Do not hesitate to contact me directly.",
    "I look forward to hearing from you.",
    "I hope this answers your question.",
    "",
)
SIGN_OFFS = (
    "Warm regards,\n{advisor}\nMaison Lirelle Client Advisory",
    "With best wishes,\n{advisor}, Maison Lirelle",
    "Kind regards,\n{advisor}\nClient Advisor, Maison Lirelle",
    "Bien à vous,\n{advisor}",
    "Sincerely,\n{advisor}\nMaison Lirelle",
    "Best regards,\n{advisor}",
    "",
)
ADVISORS = ("Élodie", "Mathieu", "Sophie", "Karim", "Anaïs", "Thomas", "Léa", "Victor", "Inès", "Raphaël")

FOLLOW_UP_OPENERS = (
    "Of course, {first}.",
    "Certainly.",
    "Happy to help with that too.",
    "Good question, {first}.",
    "With pleasure.",
    "Yes, of course.",
    "On that point:",
    "",
)
THANKS_REPLIES = (
    "You are very welcome, {first}.",
    "It was a pleasure, {first}. Do write again.",
    "With pleasure, {first}. Have a lovely day.",
    "You are most welcome.",
    "My pleasure, {first}. I am here if you need anything else.",
    "Thank you, {first}. It was a pleasure to help.",
    "Avec plaisir, {first}.",
    "Glad I could help, {first}. Until next time.",
    "You're welcome. Enjoy your piece, {first}.",
    "Thank you for your kind words, {first}.",
    "Glad I could help.",
    "With pleasure. Have a lovely day.",
    "It was a pleasure to help.",
    "Thank you for your kind words.",
)
