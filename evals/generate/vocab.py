"""Words the templates draw from. Titles avoid anything a date parser could read as time
(weekday or month names, 'may', 'sat', 'sun', dayparts, digits, 'every', 'daily')."""

from __future__ import annotations

STOP = {"the", "a", "an", "my", "to", "for", "of", "our", "and", "with", "in", "on", "at", "me", "i"}

# (phrase, kind)
REMINDER_TITLES = [
    "call mom", "water the plants", "submit the expense report", "pay the electricity bill",
    "take out the trash", "feed the cat", "walk the dog", "buy milk", "renew the passport",
    "book the dentist appointment", "call the plumber", "pick up the dry cleaning",
    "send the invoice to Laura", "back up the laptop", "stretch", "drink a glass of water",
    "take the vitamins", "check the oven", "move the car", "call grandma", "order new contact lenses",
    "pay the rent", "email the landlord", "review the pull requests", "clean the fridge",
    "change the bed sheets", "charge the headphones", "return the library books",
    "pick up the kids", "call the bank", "defrost the chicken", "vacuum the living room",
    "update the budget spreadsheet", "text Priya about the tickets", "file the tax return",
    "cancel the gym trial", "water the tomatoes", "take the bins out", "buy a birthday card",
    "prepare the slides", "call the insurance company", "refill the prescription",
    "check the mailbox", "lock the garage", "practice piano", "meditate", "go for a run",
    "schedule the car service", "send the contract to Jonas", "reply to the recruiter",
    "empty the dishwasher", "feed the fish", "clean the litter box", "pay the credit card",
    "book the train tickets", "renew the parking permit", "call the vet",
    "write in the journal", "order groceries", "print the boarding pass", "check the tire pressure",
]

AGENT_TITLES = [
    "summarise my unread emails", "send me the top headlines", "check the weather forecast and tell me",
    "give me a summary of my calendar", "look up the train times to Hamburg",
    "check the price of bitcoin and tell me", "compile a list of my open tasks",
    "research cheap flights to Lisbon and send me the best options", "tell me the traffic on the way to work",
    "summarise the news about the elections", "check whether the build passed and tell me",
    "draft a reply to the landlord", "give me a report of my spending",
]

REMIND_PREFIXES = [
    "remind me to", "hey, could you please remind me to", "please remind me to", "can you remind me to",
    "could you remind me to", "pls remind me to", "don't forget to", "I need to", "remember to",
    "hey taskd, remind me to", "would you kindly remind me to", "set a reminder to", "ping me to",
    "make sure I remember to", "oh and remind me to", "I have to",
]

AGENT_PREFIXES = ["please", "can you", "could you please", "hey, please", "I'd like you to", ""]

DAYNAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DAYABBR = [["Mon"], ["Tue", "Tues"], ["Wed"], ["Thu", "Thurs"], ["Fri"], ["Sat"], ["Sun"]]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
MONTHABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
ORD_ONES = ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
            "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
            "sixteenth", "seventeenth", "eighteenth", "nineteenth"]
ORD_TENS = ["", "", "twentieth", "thirtieth"]


def number_words(n: int, hyphen: bool = True) -> str:
    if n < 20:
        return ONES[n]
    t, o = divmod(n, 10)
    if o == 0:
        return TENS[t]
    return TENS[t] + ("-" if hyphen else " ") + ONES[o]


def ordinal_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}" + {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def ordinal_words(n: int) -> str:
    if n < 20:
        return ORD_ONES[n]
    t, o = divmod(n, 10)
    if o == 0:
        return ORD_TENS[t]
    return TENS[t] + "-" + ORD_ONES[o]


NTH = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
NTH_SHORT = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", -1: "last"}

# (display, IANA) for explicit zones. Abbreviations are only used in their standard-time
# season (see templates), so that "PST" and "Pacific time" cannot disagree.
ZONE_NAMES_ANYTIME = [
    ("UTC", "UTC"), ("GMT", "UTC"), ("Tokyo time", "Asia/Tokyo"), ("JST", "Asia/Tokyo"),
    ("New York time", "America/New_York"), ("Berlin time", "Europe/Berlin"),
    ("London time", "Europe/London"), ("Sydney time", "Australia/Sydney"),
    ("Pacific time", "America/Los_Angeles"), ("Eastern time", "America/New_York"),
    ("India time", "Asia/Kolkata"),
]
ZONE_ABBR_WINTER_NORTH = [("PST", "America/Los_Angeles"), ("EST", "America/New_York"),
                          ("CST", "America/Chicago"), ("CET", "Europe/Berlin")]
ZONE_ABBR_SUMMER_NORTH = [("PDT", "America/Los_Angeles"), ("EDT", "America/New_York"),
                          ("CEST", "Europe/Berlin")]
