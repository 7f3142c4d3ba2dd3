"""What Maison Lirelle's customers write: questions per policy, and the lines around them.

Every question names its topic with at least one keyword of that policy (see
`guide.POLICIES`) and none of another's; `conversations` re-checks each assembled message, since
names, products and addresses are added around the question. Placeholders: {owned} a product
the customer has, {wanted} one they would like, {city} where they live, {order} their order
number.
"""

from __future__ import annotations

__all__ = [
    "QUESTIONS",
    "GREETINGS",
    "INTRODUCTIONS",
    "SIGN_OFFS",
    "ORDER_LINES",
    "EMAIL_LINES",
    "PHONE_LINES",
    "EMAIL_PHONE_LINES",
    "ADDRESS_LINES",
    "THANKS",
    "FOLLOW_UP_LEADS",
    "OWNED_FORMS",
    "WANTED_FORMS",
]

QUESTIONS: dict[str, tuple[str, ...]] = {
    "returns": (
        "I would like to return {owned}; it does not suit me after all. How do I go about it?",
        "Can I exchange {owned} for a different colour?",
        "I received {owned} as a gift but already have one. Is a refund possible?",
        "What is your return policy? I bought {owned} last week and I'm having second thoughts.",
        "If I send it back, how long until I get my money back?",
        "The size of {owned} isn't right for me. Could I exchange it?",
        "How long do I have to return something bought online?",
        "I'd like a refund for {owned}, it's unworn and still in its box.",
        "Can something bought in a boutique be returned through the website?",
        "My husband bought me {owned} but it's not quite me. Can I swap it or get a refund?",
        "Can I still return {owned}? I've only tried it on at home.",
        "The colour of {owned} is darker than it looked on screen and I want to send it back.",
        "Could you tell me how exchanges work? I ordered {owned} in the wrong size.",
        "I changed my mind about {owned}. Is there a deadline for a refund?",
        "hi, is it too late to return {owned}? bought it about three weeks ago",
    ),
    "repairs": (
        "A seam on {owned} has come apart. Is that covered by the warranty?",
        "I think {owned} is damaged: there's a mark that wasn't there before. What can be done?",
        "Part of the stitching on {owned} came loose after a few months. Do you repair that?",
        "How long is the warranty on your pieces?",
        "Unfortunately {owned} is broken. What are my options?",
        "Do you offer repairs for older pieces? Mine is about six years old.",
        "The edge paint on {owned} is peeling. Can the atelier repair it?",
        "I dropped {owned} and one corner is damaged. Can it be fixed, and what would it cost?",
        "Is {owned} still under warranty? I bought it about a year ago.",
        "Something came loose on {owned} this morning. Who should I contact?",
        "Does the warranty cover a zip that has stopped working?",
        "The clasp is broken on a piece I've had for years. Can you still repair it?",
        "What does a repair cost once the warranty is over?",
        "my {owned_short} is damaged, can you help?",
    ),
    "made_to_order": (
        "Is it possible to commission {wanted} in a different colour?",
        "Do you make bespoke pieces? I would love {wanted} with different hardware.",
        "How long does a made-to-order piece take?",
        "Could I personalise {wanted} with my initials?",
        "Could {wanted} be made to order in a colour that is not on the website?",
        "What would a bespoke version of {wanted} involve?",
        "Can I commission a piece for my wedding?",
        "Is there a deposit for made-to-order pieces?",
        "I'd like to personalize a gift for my mother. What are the options?",
        "What is the lead time for bespoke work?",
        "My partner wants {wanted} made-to-order with contrast stitching. Is that something you do?",
        "Would the atelier make {wanted} to my own specification? A bespoke colour and hardware.",
        "How do I commission a piece, and how much do I pay upfront?",
    ),
    "shipping": (
        "How long does delivery take to {city}?",
        "Do you charge for shipping to {city}?",
        "When will my order {order} be dispatched?",
        "Which courier do you use, and will I need to sign for the parcel?",
        "What are the delivery times for {wanted}? It's a gift.",
        "Is shipping free within Europe?",
        "My parcel hasn't arrived yet. Can you check on {order}?",
        "Could you send me the tracking link for {order}?",
        "Do you offer express delivery?",
        "How much is shipping on {wanted}?",
        "Is delivery to {city} possible before the weekend?",
        "When do you dispatch orders placed on a Friday?",
        "I ordered {wanted} yesterday. Is there tracking for the parcel?",
        "hello, how long is shipping to {city} usually?",
    ),
    "care": (
        "How should I clean {owned}?",
        "What is the best way to look after {owned}?",
        "I got a stain on {owned}. What do you suggest?",
        "There is a water mark on {owned} after the rain. What should I do?",
        "How do I maintain the leather on {owned}?",
        "Any advice on how to take care of {owned} over the winter?",
        "Can I clean {owned} myself or should I bring it in?",
        "How should I store {owned}, and how do I look after it between seasons?",
        "Is there a product you recommend to maintain {owned}?",
        "I spilled coffee on {owned} and now there's a stain. Help!",
        "How often should I clean a leather piece like {owned}?",
        "What's the right way to take care of {owned} so it lasts?",
    ),
    "authenticity": (
        "How can I tell whether {owned} is authentic?",
        "I bought {owned} second-hand. Can you confirm it is genuine?",
        "I'm worried {owned} might be a fake. What should I look for?",
        "Is there a way to check that a piece is genuine before I buy it from a reseller?",
        "I saw {wanted} on a marketplace for much less. Could it be counterfeit?",
        "Does {owned} come with anything that proves it's authentic?",
        "My aunt left me an old piece from your house and I'd like to know if it's genuine.",
        "How do you protect clients against counterfeit pieces?",
        "Could you authenticate {owned} for me?",
        "Someone is selling {wanted} online and I'm not sure it's genuine. How can I tell?",
        "is {owned_short} from a reseller likely to be fake?",
    ),
    "availability": (
        "Is {wanted} in stock?",
        "{wanted} is sold out online. Will it come back?",
        "When will you restock {wanted}?",
        "Can I join the waiting list for {wanted}?",
        "Is {wanted} available in a boutique near {city}?",
        "I've been looking for {wanted} for weeks. Do you know when it will be back in stock?",
        "Is there any availability for {wanted} before Christmas?",
        "The website says {wanted} is sold out. Is there really none left anywhere?",
        "Do you expect {wanted} to be available again this season?",
        "How does the waiting list work?",
        "any chance {wanted} will be restocked soon?",
    ),
}

# How a customer names a product: from its catalogue name, colour, category and collection.
OWNED_FORMS = ("my {name}", "the {name}", "my {colour} {category}", "my {category} from {collection}", "my {category}")
WANTED_FORMS = (
    "the {name}",
    "the {name} in {colour}",
    "the {colour} {category}",
    "the {category} from {collection}",
    "the {collection} {category}",
)

# A greeting ending in a comma stands on its own line; the others run into the message.
GREETINGS = (
    "Hello,",
    "Hi,",
    "Bonjour,",
    "Good morning,",
    "Good evening,",
    "Dear Maison Lirelle,",
    "Hello there,",
    "Dear team,",
    "Hi there,",
    "Good afternoon,",
    "Hello!",
    "Hi!",
    "Bonjour!",
    "Good morning.",
)
INTRODUCTIONS = (
    "My name is {full}.",
    "This is {full}.",
    "{full} here.",
    "I'm {full}.",
    "My name is {full}, a client of yours.",
    "I am writing as {full}.",
)
SIGN_OFFS = (
    "Best,\n{full}",
    "Thanks,\n{full}",
    "Kind regards,\n{full}",
    "Many thanks,\n{full}",
    "Best, {full}",
    "Regards, {full}",
    "Merci,\n{full}",
    "Thank you,\n{full}",
    "Warmly,\n{full}",
    "— {full}",
)

ORDER_LINES = (
    "My order number is {order}.",
    "The order reference is {order}.",
    "For reference, my order is {order}.",
    "(Order {order}.)",
    "Order no. {order}.",
    "It was order {order}.",
)
EMAIL_LINES = (
    "You can reach me at {email}.",
    "My email is {email}.",
    "Please reply to {email}.",
    "Best to write to me at {email}.",
)
PHONE_LINES = (
    "Please call me on {phone}.",
    "My number is {phone}.",
    "You can ring me on {phone} if that's easier.",
    "Phone: {phone}.",
)
EMAIL_PHONE_LINES = (
    "You can reach me at {email} or on {phone}.",
    "My details: {email}, {phone}.",
    "Email {email} or call {phone}, whichever suits.",
)
ADDRESS_LINES = (
    "My address is {address}.",
    "I live at {address}.",
    "I'm at {address}, if that helps.",
    "Address: {address}.",
    "For your records, my address is {address}.",
)

# Thank-you turns close a conversation; they must name no policy topic.
THANKS = (
    "Thank you, that's very clear.",
    "Merci beaucoup!",
    "Great, thank you so much.",
    "That's exactly what I needed to know. Thanks!",
    "Thank you for the quick answer.",
    "Wonderful, thank you.",
    "Many thanks, that helps a lot.",
    "Understood, thank you!",
    "Thanks, I'll do that.",
    "Lovely, thank you for your help.",
    "OK, thanks a lot.",
    "Thank you, you've been very helpful.",
    "Noted with thanks.",
    "Brilliant, thank you very much.",
    "Merci, that answers my question.",
)
FOLLOW_UP_LEADS = (
    "One more question:",
    "Also:",
    "Thanks! Another thing:",
    "Perhaps you can also help with this:",
    "While I have you:",
    "That helps, thank you. Separately:",
    "Great. Out of interest:",
    "",
)
