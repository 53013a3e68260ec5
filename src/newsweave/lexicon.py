"""English calendar and person words, one copy for every module that reads them.

Month and weekday names, their abbreviations, seasons and their TIMEX3 codes,
parts of the day, number words, and the title and honorific words that sit
before a person's name. The temporal normaliser, the timeline, the coverage
aligner, actors, names and quotes, the extractor's byline and dateline rules
and the page's date labels all read these tables, so a new spelling is one edit
here. Regex fragments are built from the tables by the modules that use them
(each needs its own case and punctuation rules).
"""

from __future__ import annotations


def word_list(text: str) -> list[str]:
    """A whitespace-separated word list (keeps the data tables here and elsewhere readable)."""
    return text.split()


# --- calendar -------------------------------------------------------------------
MONTH_NAMES: tuple[str, ...] = tuple(
    word_list(
        "january february march april may june july august september october november december"
    )
)
# Written abbreviations, in the order the date patterns try them ("sept" after "sep").
MONTH_ABBREVIATIONS: tuple[str, ...] = tuple(
    word_list("jan feb mar apr may jun jul aug sep sept oct nov dec")
)
# Every spelling (name or abbreviation, lower case, no period) -> month number.
MONTHS: dict[str, int] = {
    **{name: i for i, name in enumerate(MONTH_NAMES, start=1)},
    **{abbr: next(i for i, m in enumerate(MONTH_NAMES, start=1) if m.startswith(abbr[:3]))
       for abbr in MONTH_ABBREVIATIONS},
}  # fmt: skip
# How a date label writes a month ("11 Nov 2019"): the three-letter English abbreviation.
MONTH_SHORT: tuple[str, ...] = tuple(m[:3].title() for m in MONTH_NAMES)

WEEKDAY_NAMES: tuple[str, ...] = tuple(
    word_list("monday tuesday wednesday thursday friday saturday sunday")
)
WEEKDAY_ABBREVIATIONS: tuple[str, ...] = tuple(
    word_list("mon tue tues wed thu thur thurs fri sat sun")
)
# Weekday name -> Python weekday number (Monday 0).
WEEKDAYS: dict[str, int] = {name: i for i, name in enumerate(WEEKDAY_NAMES)}

# TIMEX3 season codes; winter is named by the year its December falls in.
SEASONS: dict[str, str] = {
    "spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI",
}  # fmt: skip
# Code -> (first month, last month); 14 = February of the next year.
SEASON_MONTHS: dict[str, tuple[int, int]] = {
    "SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14),
}  # fmt: skip
# Codes other systems write for a season we code otherwise (TimeML corpora use "AU").
SEASON_CODE_ALIASES: dict[str, str] = {"AU": "FA"}
# How a label names a season's code (British usage, as the rest of our labels).
SEASON_NAMES: dict[str, str] = {"SP": "spring", "SU": "summer", "FA": "autumn", "WI": "winter"}

# Words for a part of the day -> TIMEX3 code, and code -> the word a label uses.
PARTS_OF_DAY: dict[str, str] = {
    "morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI",
}  # fmt: skip
PART_OF_DAY_NAMES: dict[str, str] = {
    "MO": "morning", "MI": "midday", "AF": "afternoon", "EV": "evening", "NI": "night",
}  # fmt: skip

# --- numbers --------------------------------------------------------------------
# Cardinal number words -> value, "one" to "ninety" (the tens and the teens).
CARDINAL_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip

# --- people -----------------------------------------------------------------------
# Capitalised words that are part of a role, never of a name. A role is every
# token up to the last role word or lowercase word in a mention
# ("Former North Korean nuclear negotiator Kim Yong Chol"). Collected from the
# shared samples, our example story and the PolNeAR dev split.
TITLE_WORDS: frozenset[str] = frozenset(
    w.lower()
    for w in word_list("""
    Mr Mrs Ms Miss Mx Dr Prof Professor Sir Dame Lord Lady Rev Reverend Father Sister
    Brother Rabbi Imam Sheikh Saint St Hon Honorable
    President Vice Prime Minister Premier Chancellor Secretary Undersecretary Deputy
    Assistant Acting Chief Head Director Manager Commissioner Superintendent Inspector
    Chairman Chairwoman Chairperson Chair Speaker Leader Majority Minority Whip
    Sen Senator Rep Representative Congressman Congresswoman Councilman Councilwoman
    Councillor Councilor Alderman Assemblyman Assemblywoman Delegate Governor Gov Lt
    Lieutenant Mayor Judge Justice Attorney General Gen Adm Admiral Col Colonel Maj
    Major Capt Captain Cmdr Commander Sgt Sergeant Cpl Corporal Pvt Private Officer
    Officers Detective Det Marshal Sheriff Constable Trooper Ambassador Envoy Consul
    Spokesman Spokeswoman Spokesperson Press Chairwoman Founder CEO CFO COO CTO
    King Queen Prince Princess Emperor Pope Cardinal Bishop Archbishop Pastor
    Coach Dean Provost Chancellor Warden Ranger Engineer Nurse Doctor Physician Harbourmaster
    Harbormaster Pilot Skipper Foreman Supervisor Inspector Auditor Regulator
    Fire Police Defense Defence Foreign State Interior Health Treasury Justice
    Army Navy Air Force Marine Marines Coast Guard Gen. Former Then Incoming Outgoing
    Senior Junior Special Supreme Top Executive Secretary-General Minister-President
    Analyst Researcher Economist Expert Reporter Editor Correspondent Commentator
    Official Officials Negotiator Adviser Advisor Aide Counsel Lawyer Prosecutor
    Resident Witness Owner Volunteer Student Teacher Farmer Worker Member
    U.S. US UN U.N. EU U.K. UK
    """)
)

# Honorifics that also tell the gender of the person they precede.
HONORIFIC_GENDER: dict[str, str] = {
    **dict.fromkeys(
        word_list("mr mister sir lord king prince father brother congressman councilman "
               "chairman spokesman assemblyman"),
        "m",
    ),
    **dict.fromkeys(
        word_list("mrs ms miss dame lady queen princess sister congresswoman councilwoman "
               "chairwoman spokeswoman assemblywoman"),
        "f",
    ),
}  # fmt: skip

# Honorifics dropped from a name's comparison key ("Dr. Amara Lindqvist-Hale" = "Amara
# Lindqvist-Hale") and from role lines that would say nothing else.
HONORIFICS: frozenset[str] = frozenset(HONORIFIC_GENDER) | frozenset(
    word_list("dr prof professor rev reverend hon sen rep gov gen adm col capt sgt lt")
)

# Lowercase words that may sit inside a name ("Osama bin Laden", "Ursula von der Leyen").
NAME_PARTICLES: frozenset[str] = frozenset(
    word_list("al bin ibn da de del della der di du la le van von den ter y")
)

# Name suffixes dropped from the comparison key.
NAME_SUFFIXES: frozenset[str] = frozenset(word_list("jr sr ii iii iv"))


# --- French -------------------------------------------------------------------------
# The timeline reads a French expression by rewriting it into the English phrase the
# normaliser knows ("le mois dernier" -> "last month", "mardi soir" -> "tuesday evening");
# these tables are the words of that rewriting. Month and weekday names are written in
# lower case in French, which keeps them apart from English names ("Mars", "Mai").
FRENCH_MONTHS: dict[str, str] = dict(
    zip(
        word_list("janvier février mars avril mai juin juillet août septembre octobre "
                  "novembre décembre"),
        MONTH_NAMES,
        strict=True,
    )
)  # fmt: skip
FRENCH_MONTH_SPELLINGS: dict[str, str] = {"fevrier": "february", "aout": "august",
                                          "decembre": "december"}  # fmt: skip
FRENCH_WEEKDAYS: dict[str, str] = dict(
    zip(word_list("lundi mardi mercredi jeudi vendredi samedi dimanche"), WEEKDAY_NAMES,
        strict=True)
)  # fmt: skip
FRENCH_PARTS_OF_DAY: dict[str, str] = {
    "matin": "morning", "matinée": "morning", "après-midi": "afternoon", "soir": "evening",
    "soirée": "evening", "nuit": "night",
}  # fmt: skip
# Calendar units (singular and plural) -> the English unit.
FRENCH_UNITS: dict[str, str] = {
    "jour": "day", "jours": "day", "semaine": "week", "semaines": "week", "mois": "month",
    "an": "year", "ans": "year", "année": "year", "années": "year", "trimestre": "quarter",
    "week-end": "weekend", "weekend": "weekend", "décennie": "decade", "siècle": "century",
    "heure": "hour", "heures": "hour", "minute": "minute", "minutes": "minute",
}  # fmt: skip
# Words after (or before) a unit or a day that make it relative -> the English word.
FRENCH_RELATIVE: dict[str, str] = {
    "dernier": "last", "dernière": "last", "derniers": "last", "dernières": "last",
    "passé": "last", "passée": "last", "précédent": "previous", "précédente": "previous",
    "prochain": "next", "prochaine": "next", "suivant": "following", "suivante": "following",
}  # fmt: skip
FRENCH_DEICTIC: dict[str, str] = {
    "aujourd'hui": "today", "hier": "yesterday", "demain": "tomorrow", "ce soir": "tonight",
    "cette nuit": "tonight", "ce matin": "this morning", "cet après-midi": "this afternoon",
    "hier soir": "yesterday evening", "hier matin": "yesterday morning",
    "demain matin": "tomorrow morning", "demain soir": "tomorrow evening",
}  # fmt: skip
FRENCH_SEASONS: dict[str, str] = {"printemps": "spring", "été": "summer", "automne": "autumn",
                                  "hiver": "winter"}  # fmt: skip
# "début mars", "mi-mars", "fin mars" -> the English modifiers.
FRENCH_MODIFIERS: dict[str, str] = {"début": "early", "mi": "mid", "fin": "late"}
FRENCH_CARDINAL_WORDS: dict[str, int] = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20,
    "trente": 30, "quarante": 40, "cinquante": 50, "cent": 100,
}  # fmt: skip

# Role words before a French name ("la maire Claire Vasseur", "le préfet Marc Dubois"):
# they are dropped from a speaker's or actor's name. Lower-case in running French text,
# capitalised at a sentence start.
FRENCH_TITLE_WORDS: frozenset[str] = frozenset(
    word_list("""
    m. mme mlle me dr pr maître docteur docteure professeur professeure monsieur madame
    maire adjoint adjointe préfet préfète ministre président présidente directeur
    directrice procureur procureure porte-parole secrétaire général générale député
    députée sénateur sénatrice conseiller conseillère commissaire capitaine colonel
    lieutenant commandant chef ingénieure ingénieur médecin infirmier infirmière
    habitant habitante riverain riveraine responsable délégué déléguée syndicaliste
    avocat avocate juge élu élue patron patronne gérant gérante pêcheur pêcheuse
    """)
)
# Words before a French name that tell the speaker's gender ("la maire", "Mme").
FRENCH_GENDER_WORDS: dict[str, str] = {
    **dict.fromkeys(word_list("m. monsieur le il"), "m"),
    **dict.fromkeys(word_list("mme mlle madame la elle"), "f"),
}
