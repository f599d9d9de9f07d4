"""What taskd knows of each language besides English: small closed word lists, no grammar.

Each table is one construction's vocabulary (weekdays, day words, clock-time heads, dayparts,
recurrence heads, fillers); the recognisers in `pieces` are written once over these tables, so a
language is added by adding a `Language`, not code. dateparser reads what needs a real
grammar of the language (dates with month names, "in N units").
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Language:
    code: str  # what dateparser calls it
    name: str
    # Words typical of the language and rare in English: what detection counts.
    markers: frozenset[str]
    weekdays: dict[str, int]  # every spelling -> 0 (Monday) .. 6, plural forms included
    weekday_heads: tuple[str, ...]  # words before a weekday that change nothing ("el", "am")
    day_words: dict[str, int]  # "mañana" -> 1 day ahead; longest phrase first when matched
    not_a_day: tuple[str, ...]  # words before a day word that make it a daypart ("por la" mañana)
    clock_heads: tuple[str, ...]  # "a las", "um", "à": what introduces a clock time
    clock_tails: tuple[str, ...]  # "uhr", "h", "heures", "horas"
    half_past: tuple[str, ...]  # "y media"
    quarter_past: tuple[str, ...]
    quarter_to: tuple[str, ...]
    half_before: tuple[str, ...]  # German "halb neun" is 8:30
    named_times: dict[str, str]  # "mediodía" -> "12:00"
    pm_words: tuple[str, ...]  # after a clock time: "de la tarde", "abends"
    am_words: tuple[str, ...]
    dayparts: dict[str, str]  # "por la mañana" -> "morning"; "esta noche" -> "tonight"
    today_dayparts: tuple[str, ...]  # those of `dayparts` that also mean today ("ce soir")
    every: tuple[str, ...]  # "cada", "jeden", "tous les", "chaque"
    every_day: tuple[str, ...]
    every_week: tuple[str, ...]
    every_month: tuple[str, ...]
    workdays: tuple[str, ...]
    weekday_adverbs: dict[str, int]  # German "montags": every Monday
    units: dict[str, str]  # "minutos" -> "minutes" (for "cada 2 horas", "in N units")
    numbers: dict[str, int]
    relative_heads: tuple[str, ...]  # "en", "dentro de", "in", "dans"
    fillers: tuple[str, ...]  # phrases that ask for a reminder and are no part of the title
    glue: frozenset[str]  # words left dangling at a title's edges once the time is taken out
    month_names: frozenset[str] = field(default_factory=frozenset)


_ES_DAYS = {"lunes": 0, "martes": 1, "miércoles": 2, "miercoles": 2, "jueves": 3, "viernes": 4,
            "sábado": 5, "sabado": 5, "sábados": 5, "sabados": 5, "domingo": 6, "domingos": 6}
_DE_DAYS = {"montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4,
            "samstag": 5, "sonnabend": 5, "sonntag": 6}
_FR_DAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5,
            "dimanche": 6}
_FR_DAYS.update({day + "s": n for day, n in list(_FR_DAYS.items())})

SPANISH = Language(
    code="es", name="Spanish",
    markers=frozenset({
        "recuérdame", "recuerdame", "recordarme", "recuérdamelo", "avísame", "avisame", "recordar",
        "mañana", "manana", "hoy", "pasado", "minutos", "horas", "hora", "días", "dias", "día",
        "semana", "semanas", "meses", "cada", "todos", "todas", "las", "los", "el", "del", "al",
        "que", "por", "tarde", "noche", "llamar", "comprar", "dentro", "próximo", "proximo", "y",
        "con", "para", "una", "dos", "tres", "mi", "mamá", "sacar", "pagar", "enviar", "ir",
        "madrugada", "mediodía", "esta", "este", "diciembre", "enero", *_ES_DAYS}),
    weekdays=_ES_DAYS,
    weekday_heads=("el próximo", "el proximo", "el", "este", "próximo", "proximo", "los"),
    day_words={"pasado mañana": 2, "pasado manana": 2, "mañana": 1, "manana": 1, "hoy": 0},
    not_a_day=("por la", "de la", "esta", "la"),
    clock_heads=("a las", "a la", "sobre las", "hacia las"),
    clock_tails=("horas", "hrs", "h"),
    half_past=("y media",), quarter_past=("y cuarto",), quarter_to=("menos cuarto",),
    half_before=(),
    named_times={"al mediodía": "12:00", "al mediodia": "12:00", "a mediodía": "12:00",
                 "a medianoche": "00:00", "a la medianoche": "00:00"},
    pm_words=("de la tarde", "de la noche", "por la tarde", "por la noche", "pm", "p.m."),
    am_words=("de la mañana", "de la manana", "de la madrugada", "por la mañana", "am", "a.m."),
    dayparts={"por la mañana": "morning", "por la manana": "morning", "esta mañana": "morning",
              "por la tarde": "afternoon", "esta tarde": "afternoon", "esta noche": "tonight",
              "por la noche": "evening"},
    today_dayparts=("esta mañana", "esta tarde", "esta noche"),
    every=("cada", "todos los", "todas las"),
    every_day=("cada día", "cada dia", "todos los días", "todos los dias", "diariamente",
               "a diario"),
    every_week=("cada semana", "todas las semanas", "semanalmente"),
    every_month=("cada mes", "todos los meses", "mensualmente"),
    workdays=("de lunes a viernes", "entre semana", "los días laborables", "cada día laborable"),
    weekday_adverbs={},
    units={"minuto": "minutes", "minutos": "minutes", "hora": "hours", "horas": "hours",
           "día": "days", "días": "days", "dia": "days", "dias": "days", "semana": "weeks",
           "semanas": "weeks", "segundos": "seconds", "segundo": "seconds"},
    numbers={"un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
             "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "quince": 15,
             "veinte": 20, "treinta": 30, "cuarenta": 40, "media": 0},
    relative_heads=("dentro de", "en"),
    fillers=("recuérdame que", "recuerdame que", "recuérdame", "recuerdame", "recuérdamelo",
             "avísame para", "avísame que", "avísame", "avisame", "no olvides", "por favor",
             "tengo que", "hay que"),
    glue=frozenset({"a", "de", "que", "y", "en", "el", "para", "dentro", "las", "los", "la"}),
    month_names=frozenset({"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
                           "septiembre", "setiembre", "octubre", "noviembre", "diciembre"}),
)

GERMAN = Language(
    code="de", name="German",
    markers=frozenset({
        "erinnere", "erinner", "erinnern", "mich", "bitte", "morgen", "heute", "übermorgen",
        "minuten", "stunden", "stunde", "tagen", "tag", "tage", "woche", "wochen", "jeden", "jede",
        "jedes", "um", "uhr", "und", "der", "den", "dem", "das", "zu", "mit", "für", "abends",
        "morgens", "nachmittags", "früh", "nächsten", "nächste", "einer", "einem", "zwei", "drei",
        "anrufen", "kaufen", "täglich", "werktags", "mama", "mir", "daran", "halb", "vormittags",
        "nachts", "abend", "ich", "muss", "bringen", "zahlen", "machen", "dezember", "januar",
        "montags", "dienstags", "mittwochs", "donnerstags", "freitags", "samstags", "sonntags",
        *_DE_DAYS}),
    weekdays=_DE_DAYS,
    weekday_heads=("am nächsten", "am kommenden", "nächsten", "nächste", "kommenden", "diesen",
                   "am", "an"),
    day_words={"übermorgen": 2, "uebermorgen": 2, "morgen": 1, "heute": 0},
    not_a_day=("am", "heute", "guten", "jeden"),
    clock_heads=("um", "gegen"),
    clock_tails=("uhr", "h"),
    half_past=(), quarter_past=(), quarter_to=(),
    half_before=("halb",),
    named_times={"um mitternacht": "00:00", "mittags": "12:00", "am mittag": "12:00",
                 "zu mittag": "12:00"},
    pm_words=("abends", "am abend", "nachmittags", "am nachmittag", "mittags", "pm"),
    am_words=("morgens", "früh", "am morgen", "vormittags", "am vormittag"),
    dayparts={"heute morgen": "morning", "morgen früh": "morning", "morgens": "morning",
              "früh": "morning", "am morgen": "morning", "vormittags": "morning",
              "am vormittag": "morning", "nachmittags": "afternoon", "am nachmittag": "afternoon",
              "heute abend": "tonight", "abends": "evening", "am abend": "evening",
              "nachts": "night", "heute nacht": "night", "in der nacht": "night",
              # after a day word: "morgen Abend", "Montag Nachmittag"
              "abend": "evening", "nachmittag": "afternoon", "vormittag": "morning",
              "nacht": "night"},
    today_dayparts=("heute morgen", "heute abend", "heute nacht"),
    every=("jeden", "jede", "jedes", "alle"),
    every_day=("jeden tag", "täglich", "taeglich"),
    every_week=("jede woche", "wöchentlich", "woechentlich"),
    every_month=("jeden monat", "monatlich"),
    workdays=("werktags", "an werktagen", "jeden werktag", "montags bis freitags",
              "von montag bis freitag"),
    weekday_adverbs={"montags": 0, "dienstags": 1, "mittwochs": 2, "donnerstags": 3,
                     "freitags": 4, "samstags": 5, "sonntags": 6},
    units={"minute": "minutes", "minuten": "minutes", "stunde": "hours", "stunden": "hours",
           "tag": "days", "tage": "days", "tagen": "days", "woche": "weeks", "wochen": "weeks",
           "sekunden": "seconds"},
    numbers={"ein": 1, "eine": 1, "einer": 1, "einem": 1, "zwei": 2, "drei": 3, "vier": 4,
             "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11,
             "zwölf": 12, "fünfzehn": 15, "zwanzig": 20, "dreißig": 30, "vierzig": 40},
    relative_heads=("in",),
    fillers=("erinnere mich bitte daran", "erinnere mich daran", "erinnere mich bitte",
             "erinnere mich", "erinner mich", "denk daran", "vergiss nicht", "ich muss", "bitte"),
    glue=frozenset({"an", "um", "am", "zu", "und", "daran", "dass", "mich", "in", "ans"}),
    month_names=frozenset({"januar", "februar", "märz", "april", "mai", "juni", "juli", "august",
                           "september", "oktober", "november", "dezember"}),
)

FRENCH = Language(
    code="fr", name="French",
    markers=frozenset({
        "rappelle-moi", "rappelle", "rappeler", "rappelez-moi", "moi", "demain", "aujourd'hui",
        "après-demain", "heures", "heure", "jours", "jour", "semaine", "semaines", "mois", "dans",
        "tous", "toutes", "chaque", "les", "le", "du", "des", "à", "et", "de", "pour", "avec",
        "soir", "matin", "après-midi", "appeler", "acheter", "une", "deux", "trois", "prochain",
        "n'oublie", "oublie", "pas", "d'appeler", "midi", "minuit", "sortir", "payer", "maman",
        "ce", "cette", "décembre", "janvier", "faire", "aller", "envoyer", *_FR_DAYS}),
    weekdays=_FR_DAYS,
    weekday_heads=("ce", "le", "les"),
    day_words={"après-demain": 2, "apres-demain": 2, "après demain": 2, "demain": 1,
               "aujourd'hui": 0, "aujourd’hui": 0},
    not_a_day=(),
    clock_heads=("à", "vers", "pour"),
    clock_tails=("heures", "heure", "h"),
    half_past=("et demie",), quarter_past=("et quart",), quarter_to=("moins le quart",),
    half_before=(),
    named_times={"à midi": "12:00", "a midi": "12:00", "à minuit": "00:00", "a minuit": "00:00"},
    pm_words=("de l'après-midi", "de l'apres-midi", "du soir", "pm"),
    am_words=("du matin", "am"),
    dayparts={"ce matin": "morning", "le matin": "morning", "cet après-midi": "afternoon",
              "l'après-midi": "afternoon", "ce soir": "tonight", "le soir": "evening",
              "cette nuit": "night", "la nuit": "night",
              # after a day word: "demain matin", "lundi soir"
              "matin": "morning", "après-midi": "afternoon", "soir": "evening"},
    today_dayparts=("ce matin", "cet après-midi", "ce soir", "cette nuit"),
    every=("tous les", "toutes les", "chaque"),
    every_day=("tous les jours", "chaque jour", "quotidiennement"),
    every_week=("toutes les semaines", "chaque semaine"),
    every_month=("tous les mois", "chaque mois"),
    workdays=("en semaine", "du lundi au vendredi", "les jours ouvrables"),
    weekday_adverbs={},
    units={"minute": "minutes", "minutes": "minutes", "heure": "hours", "heures": "hours",
           "jour": "days", "jours": "days", "semaine": "weeks", "semaines": "weeks",
           "secondes": "seconds"},
    numbers={"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
             "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15,
             "vingt": 20, "trente": 30, "quarante": 40},
    relative_heads=("dans",),
    fillers=("rappelle-moi de", "rappelle-moi d'", "rappelle-moi", "rappelez-moi de",
             "rappelez-moi", "n'oublie pas de", "n'oublie pas d'", "il faut", "je dois",
             "s'il te plaît", "s'il vous plaît", "stp"),
    glue=frozenset({"de", "d'", "à", "et", "pour", "dans"}),
    month_names=frozenset({"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                           "septembre", "octobre", "novembre", "décembre"}),
)

LANGUAGES: dict[str, Language] = {lang.code: lang for lang in (SPANISH, GERMAN, FRENCH)}
