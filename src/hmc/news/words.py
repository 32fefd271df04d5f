"""The words the rules look for, in English and Arabic (folded, see :mod:`hmc.news.folding`)."""

from __future__ import annotations

import re

Words = dict[str, re.Pattern[str]]  # a pattern per language


def _any(*words: str, arabic: bool = False) -> re.Pattern[str]:
    body = "|".join(sorted(words, key=len, reverse=True))
    prefix = r"(?:[وف]?(?:[بل]?ال|لل|[بل])?)" if arabic else ""
    return re.compile(rf"(?<![\w]){prefix}(?:{body})(?![\w])")


ATTACK = {
    "en": _any(
        r"attack(?:s|ed|ing)?",
        r"rockets?",
        r"drones?",
        r"mortars?",
        "ieds?",
        r"roadside bombs?",
        r"bomb(?:s|ing|ings)?",
        r"explosive(?:s)?",
        r"explosions?",
        r"ambush(?:ed|es)?",
        r"shell(?:ing|ed)",
        r"targeted",
        r"targeting",
        "gunmen",
        "suicide",
        r"clash(?:es|ed)",
        r"assaults?",
        "opened fire",
        r"fired",
        r"blasts?",
        r"missiles?",
        r"storm(?:ed|ing)",
        r"clash",
        "gunfire",
        "exploded",
        "detonated",
    ),
    # Arabic words with the endings they take: dual, plural, accusative, verb persons
    # («مسيرتين», «استهدفتا», «هجومين»).
    "ar": _any(
        r"هجوم(?:ا|ين|ان)?",
        r"هجمات",
        r"هاجم(?:ت|وا|تا|ا)?",
        r"استهدف(?:ت|وا|تا|ا)?",
        r"استهداف",
        r"صاروخ(?:ا|ين|ان)?",
        r"صواريخ",
        r"طائرة مسيرة",
        r"طائرتين مسيرتين",
        r"مسير(?:ة|ات|تين|تان)",
        r"قذائف",
        r"قذيف(?:ة|تين|تان)",
        r"هاون",
        r"كاتيوشا",
        r"عبوة ناسفة",
        r"عبو(?:ة|تين|تان|ات)",
        r"كمين",
        r"تفجير",
        r"انفجار",
        r"اشتباك(?:ات)?",
        r"مسلح(?:ين|ون)",
        r"تعرض(?:ت|وا|تا)?",
        r"اطلاق نار",
        r"انتحاري",
        r"اقتحم(?:ت|وا)?",
        r"اقتحام",
        arabic=True,
    ),
}
STRIKE = {
    "en": _any(r"strikes?", r"airstrikes?", r"air strikes?", "struck", "bombed", r"raids?",
               r"retaliatory", r"drone strikes?"),
    "ar": _any(r"ضرب(?:ة|ات|تين|تان)", r"غار(?:ة|ات|تين|تان)", r"قصف(?:ت|وا|ا)?", r"ضربت",
               r"استهدف(?:ت|وا|تا|ا)?", arabic=True),
}  # fmt: skip
SPEECH = {
    "en": _any(
        "said",
        "says",
        "stated",
        "told",
        "announced",
        "declared",
        "confirmed",
        r"emphasi[sz]ed",
        "stressed",
        "added",
        "denied",
        "condemned",
        "called",
        "described",
        "warned",
        "urged",
        "affirmed",
        "reiterated",
        "insisted",
        "noted",
        r"statement",
        "rejected",
        "classified",
        "considered",
        "concluded",
        "vowed",
        "pledged",
        "maintained",
        "informed",
        "mentioned",
        "reported",
        r"according to",
    ),
    "ar": _any(
        "قال",
        "قالت",
        "يقول",
        "تقول",
        "صرح",
        "صرحت",
        "اعلن",
        "اعلنت",
        "اكد",
        "اكدت",
        "يؤكد",
        "تؤكد",
        "اوضح",
        "اوضحت",
        "شدد",
        "شددت",
        "اشار",
        "اشارت",
        "اضاف",
        "اضافت",
        "نفى",
        "نفت",
        "دان",
        "ادان",
        "ادانت",
        "دانت",
        "وصف",
        "وصفت",
        "دعا",
        "دعت",
        "حذر",
        "حذرت",
        "بيان",
        "ذكر",
        "ذكرت",
        "افاد",
        "افادت",
        "تابع",
        "تابعت",
        "رفض",
        "رفضت",
        "اعتبر",
        "اعتبرت",
        "جدد",
        "جددت",
        "لفت",
        "لفتت",
        "ختم",
        "ختمت",
        arabic=True,
    ),
}
POSITION = {
    "en": _any(
        "timeline",
        r"time ?table",
        r"withdraw(?:al|n|ing)?",
        r"a date",
        r"schedule",
        r"end (?:of )?the (?:coalition'?s? )?mission",
        r"ending the mission",
        "transition",
        "sovereignty",
        r"self-defen[cs]e",
        r"right to defend",
        "aggression",
        r"violations?",
        r"conditions?",
        "security situation",
        r"presence of (?:foreign|us|american|coalition) (?:forces|troops)",
        r"foreign forces",
        r"departure",
        r"time ?frame",
        r"presence",
        r"respond(?:ed)?",
        r"retaliat(?:e|ed|ion)",
        r"protect (?:its|our|their) (?:personnel|forces|troops|people)",
        r"(?:coalition'?s?|the|its|their) (?:military )?mission",
        r"right to respond",
        r"take over (?:full )?(?:security )?responsibility",
        r"responsibility for security",
        r"protect(?:ing)? (?:its |our |their |the )?(?:u\.s\. |us |american |coalition )?"
        r"(?:personnel|forces|troops|people|service members)",
        r"bilateral security (?:partnership|relationship|relations)",
        r"war and peace",
        r"defend (?:its|our|their|the) (?:forces|troops|personnel|people)",
        r"capabilit(?:y|ies)",
        r"ability to (?:confront|fight|defeat|secure|protect)",
    ),
    "ar": _any(
        r"سياد(?:ة|ت(?:ه|ها|نا|هم))",
        "انسحاب",
        "الانسحاب",
        "جدول زمني",
        "جدولة",
        "سقف زمني",
        "موعد",
        "انهاء مهمة",
        "انتهاء مهمة",
        "انهاء وجود",
        "الدفاع عن النفس",
        "اعتداء على (?:ال)?(?:سيادة|عراق|اراضي)",
        "انتهاك",
        "خرق",
        "الظروف",
        "شروط",
        "الوضع الامني",
        "وجود القوات",
        "القوات الاجنبية",
        "خروج",
        "رحيل",
        "عدوان",
        "عدوانا",
        "قوات اجنبية",
        "قوات قتالية اجنبية",
        "الوجود",
        "وجود",
        "دفاعا عن",
        "الرد على",
        "مهمة التحالف",
        "حق الرد",
        "الملف الامني",
        "انتهاء المهمة",
        "انهاء المهمة",
        "شراكة امنية",
        "علاقة امنية ثنائية",
        "الحرب والسلم",
        "حصر السلاح",
        "قدرات القوات",
        arabic=True,
    ),
}
MEETING = {
    "en": _any(r"meetings?", "meet", "met", "talks", r"sessions?", r"round of", "convened",
               "chaired", r"dialogue", r"negotiations",
               r"(?:received|hosted) (?:the |a )?(?:[\w-]+ )?(?:commander|delegation|ambassador|"
               r"minister|envoy|general|chief|head|secretary)"),
    "ar": _any("اجتماع", "اجتماعا", "اجتمع", "اجتمعت", "يجتمع", "تجتمع", "التقى", "التقت", "لقاء",
               "مباحثات", "محادثات", "جولة", "ترأس", "ترأست", "جلسة", "مفاوضات", "حوار",
               r"استقبلت? (?:\w+ ){0,2}?(?:قائد|وفدا|الوفد|السفير|السفيرة|وزير|المبعوث|رئيس)",
               arabic=True),
}  # fmt: skip
COMMISSION = {
    "en": _any(r"higher military commission", r"senior military commission", "hmc",
               r"joint (?:military |security )?(?:commission|committee)", "commission"),
    "ar": _any("اللجنة العسكرية العليا", "اللجنة العسكرية المشتركة", "اللجنة العليا", "اللجنة",
               arabic=True),
}  # fmt: skip
# Words that say who spoke without naming them: the speaker of the sentence before.
SPEAKER = {
    "en": _any("spokesperson", "spokesman", "spokeswoman", "he", "she", "the statement",
               "the minister", "the official", "the ministry", "the department", "the embassy",
               "the government"),
    "ar": _any("المتحدث", "المتحدثة", "الناطق", "البيان", "الوزير", "المسؤول", "الوزارة",
               "الحكومة",
               "واضاف", "واضافت", "وتابع", "وتابعت", "وختم", "وختمت", arabic=True),
}  # fmt: skip
KILLED = {
    "en": _any("killed", "killing", "dead", "died", "deaths", "lost their lives", "martyred"),
    "ar": _any("مقتل", "قتل", "قتلى", "قتيلا", "قتيل", "استشهاد", "شهداء", "شهيدا", "مصرع",
               arabic=True),
}  # fmt: skip
WOUNDED = {
    "en": _any("wounded", "wounding", "injured", "injuring", "injuries", "hurt"),
    "ar": _any("اصابة", "اصابه", "جرح", "جرحى", "مصابين", "مصابا", "جريحا", "اصيب", "اصيبوا",
               arabic=True),
}  # fmt: skip
COUNTED = {
    "en": re.compile(r"\s*(?:(?:rocket|drone|separate|such|hostile|militia|more|and|or)\s+)*"
                     r"(?:attacks?|strikes?|assaults?|incidents?|operations?|times)(?![\w])"),
    "ar": re.compile(r"\s*(?:هجوم|هجوما|هجمات|ضربة|ضربات|عملية|عمليات|اعتداء|اعتداءات|غارة|غارات|مرة|مرات)(?![\w])"),  # noqa: E501
}  # fmt: skip
# Who did it, after: "by" (near the attack), "claimed by" (anywhere).
BY = {"en": re.compile(r"(?<![\w])(?:(?P<claimed>claimed by|blamed on)|by)\s+(?:the\s+)?$"),
      "ar": re.compile(r"(?:(?P<claimed>نفذه|نفذها|تبناه|تبنته|تبنى|تبنت)|من قبل)\s+$")}  # fmt: skip  # noqa: E501
# Single persons: "a soldier was killed", «مقتل جندي»; «جنديين» is two.
ONE_PERSON = {
    "en": re.compile(r"(?<![\w])(?:a|an|one)\s+(?:\w+\s+){1,2}(?:was|has been)\s+(?:killed|wounded|injured)"),  # noqa: E501
    "ar": re.compile(r"(?<![\w])(?:مقتل|اصابة|استشهاد|مصرع)\s+(?:(?P<two>جنديين|شخصين|عنصرين|ضابطين|شرطيين|راعيين|مدنيين اثنين)|جندي|شخص|عنصر|ضابط|منتسب|مدني|شرطي|راعي|مواطن)(?![\w])"),  # noqa: E501
}  # fmt: skip
# A meeting that took place (or will, on a given day): held, chaired, met.
HELD = {
    "en": _any("held", "met", "chaired", "convened", "hosted", "received", "opened", "began"),
    "ar": _any("عقد", "عقدت", "اجتمع", "اجتمعت", "ترأس", "ترأست", "التقى", "التقت", "استقبل",
               "استقبلت", "انطلقت", "بدأت", arabic=True),
}  # fmt: skip
# Words that name who spoke after them ("according to the ministry", «بحسب مصدر»).
ACCORDING = {
    "en": _any("according to"),
    "ar": _any("بحسب", "حسب", "وفق", "وفقا ل", "نقلا عن", arabic=True),
}
# A party's words that condemn, not report: "condemned the attack" is a statement.
CONDEMN = {
    "en": _any("condemned", "condemns", "denounced", "deplored"),
    "ar": _any("دان", "ادان", "دانت", "ادانت", "استنكر", "استنكرت", "شجب", "شجبت", arabic=True),
}
# Words that give an attack reported before to someone: "police blamed Islamic State".
BLAME = {
    "en": _any("blamed", "accused", r"claimed (?:responsibility|the)", "responsibility"),
    "ar": _any("تبنى", "تبنت", "اتهم", "اتهمت", "مسؤولية", arabic=True),
}
NOT = {"en": _any("no", "not", "none", "nobody", "yet to"), "ar": _any("لم", "لا", "ولم", "ولا")}
# An attack named as one told of before: "the attack", "these strikes", «الهجوم», «هذه الغارات».
BEFORE = {
    "en": re.compile(r"(?:^|\s)(?:the|this|these|that|those)\s+(?:[\w-]+\s+)?$"),
    "ar": re.compile(r"(?:^|\s)(?:هذه|هذا|تلك|ذلك)\s+$"),
}
ARTICLE = re.compile(r"[وف]?(?:[بل]?ال|لل)")
# A place named only as the one before: "in the area", «في المنطقة».
AREA = {
    "en": _any(r"in the (?:same )?area", "there", "nearby", "in the vicinity"),
    "ar": _any("في المنطقة", "في المنطقة ذاتها", "في المنطقة نفسها", "هناك", arabic=True),
}
# Ordinals that count attacks: "the third attack this month" is three.
ORDINALS = {
    "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "الثاني": 2, "الثانية": 2, "الثالث": 3, "الثالثة": 3,
    "الرابع": 4, "الرابعة": 4, "الخامس": 5, "الخامسة": 5, "السادس": 6, "السادسة": 6,
    "السابع": 7, "السابعة": 7, "الثامن": 8, "الثامنة": 8, "التاسع": 9, "التاسعة": 9,
    "العاشر": 10, "العاشرة": 10,
}  # fmt: skip
ORDINAL = {
    "en": re.compile(r"(?<![\w])the (?P<n>" + "|".join(w for w in ORDINALS if w.isascii())
                     + r")\s+(?:[\w-]+\s+){0,2}?(?:attack|strike|assault)(?![\w])"),
    "ar": re.compile(r"(?<![\w])(?:الهجوم|الضربة|الاعتداء|الهجمة)\s+(?:\w+\s+){0,1}?(?P<n>"
                     + "|".join(w for w in ORDINALS if not w.isascii()) + r")(?![\w])"),
}  # fmt: skip
# A count given as a total: "bringing the number of attacks to 5", «يرتفع عدد الهجمات إلى خمسة».
TOTAL = {
    "en": re.compile(r"(?<![\w])(?:number|total|tally) of (?:[\w-]+ )?(?:attacks|strikes)(?![\w])"
                     r"(?:[^!?؟\n]{0,40}?)(?<![\w])(?:to|at|reached|stands at)\s+(?=\S)"),
    "ar": re.compile(r"(?<![\w])(?:عدد|مجموع) (?:ال)?(?:هجمات|ضربات|اعتداءات|عمليات)(?![\w])"
                     r"(?:[^!?؟\n]{0,40}?)(?<![\w])(?:الى|ب|بلغ|الى نحو)\s*(?=\S)"),
}  # fmt: skip
# An attack given as the cause of what the sentence tells: "in response to a drone attack".
CAUSE = {
    "en": re.compile(r"(?<![\w])(?:after|following|in response to|in retaliation for)\s+"
                     r"(?:(?:a|an|the|last|[\w-]+)\s+){0,3}?"
                     r"(?:attacks?|strikes?|rocket attacks?|drone attacks?|bombing)(?![\w])"),
    "ar": re.compile(r"(?<![\w])(?:ردا على|بعد|اثر|عقب)\s+(?:\w+\s+){0,2}?"
                     r"(?:ال)?(?:هجوم|هجمات|ضربة|اعتداء|استهداف)(?![\w])"),
}  # fmt: skip
# Words that say an armed group spoke without naming it: the group named last.
GROUP_SPEAKER = {
    "en": _any("the group", "the faction", "the militia", "the organisation", "the organization"),
    "ar": _any("الفصيل", "التنظيم", "الكتائب", "الحركة", arabic=True),
}
