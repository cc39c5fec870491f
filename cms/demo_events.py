"""Demo events: the Astana conference, the Ukraine mentors' training, the patrol-police course.

Texts come from the documents in ``shared/seeds`` (the concept note of the Astana conference,
the OSCE news items on the mentors' training and the patrol-police re-training). Speakers
other than those named in those documents are fictional. Dates are relative to today, so
the Astana conference's registration is open whenever the demo is loaded; a later run on a
day when it would have closed moves its dates forward, otherwise a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from wagtail.models import Collection, Locale

from cms.models import (
    BackgroundPaper,
    EventIndexPage,
    EventOrganiser,
    EventPage,
    FieldOfWork,
    HomePage,
    Organiser,
    Room,
    Session,
    SessionSpeaker,
    Speaker,
)

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")

INDEX = {
    "en": {
        "title": "Events",
        "intro": "<p>Conferences, trainings and courses: upcoming and past.</p>",
    },
    "ru": {
        "title": "Мероприятия",
        "intro": "<p>Конференции, тренинги и курсы: предстоящие и прошедшие.</p>",
    },
    "uk": {"title": "Заходи", "intro": "<p>Конференції, тренінги та курси: майбутні й минулі.</p>"},
}

#: The OSCE's fields of work (shared/seeds/002), in English, Russian and Ukrainian.
FIELDS_OF_WORK = [
    ("arms-control", "Arms control", "Контроль над вооружениями", "Контроль над озброєннями"),
    ("border-management", "Border management", "Управление границами", "Управління кордонами"),
    (
        "combating-trafficking",
        "Combating trafficking in human beings",
        "Борьба с торговлей людьми",
        "Протидія торгівлі людьми",
    ),
    (
        "conflict-prevention",
        "Conflict prevention and resolution",
        "Предотвращение и урегулирование конфликтов",
        "Запобігання та врегулювання конфліктів",
    ),
    (
        "countering-terrorism",
        "Countering terrorism",
        "Противодействие терроризму",
        "Протидія тероризму",
    ),
    ("cyber-ict-security", "Cyber/ICT Security", "Кибер/ИКТ-безопасность", "Кібер/ІКТ-безпека"),
    ("democratization", "Democratization", "Демократизация", "Демократизація"),
    (
        "economic-activities",
        "Economic activities",
        "Экономическая деятельность",
        "Економічна діяльність",
    ),
    ("education", "Education", "Образование", "Освіта"),
    ("elections", "Elections", "Выборы", "Вибори"),
    (
        "environmental-activities",
        "Environmental activities",
        "Экологическая деятельность",
        "Екологічна діяльність",
    ),
    ("gender-equality", "Gender equality", "Гендерное равенство", "Гендерна рівність"),
    ("good-governance", "Good governance", "Надлежащее управление", "Належне врядування"),
    ("human-rights", "Human rights", "Права человека", "Права людини"),
    (
        "media-freedom",
        "Media freedom and development",
        "Свобода и развитие СМИ",
        "Свобода та розвиток медіа",
    ),
    ("migration", "Migration", "Миграция", "Міграція"),
    (
        "national-minorities",
        "National minority issues",
        "Вопросы национальных меньшинств",
        "Питання національних меншин",
    ),
    ("policing", "Policing", "Полицейская деятельность", "Поліцейська діяльність"),
    (
        "security-sector-reform",
        "Reform and co-operation in the security sector",
        "Реформа и сотрудничество в секторе безопасности",
        "Реформа та співпраця в секторі безпеки",
    ),
    ("roma-and-sinti", "Roma and Sinti", "Рома и синти", "Роми та сінті"),
    ("rule-of-law", "Rule of law", "Верховенство права", "Верховенство права"),
    (
        "tolerance",
        "Tolerance and non-discrimination",
        "Толерантность и недискриминация",
        "Толерантність і недискримінація",
    ),
    ("youth", "Youth", "Молодёжь", "Молодь"),
]

# --- the Astana conference (shared/seeds/004: concept note) ------------------------------

ASTANA_EN = {
    "title": "Regional Conference on Promoting Women's Participation in Law Enforcement in "
    "Central Asia",
    "subtitle": "Women, Peace and Security: networks of women in law enforcement",
    "venue_name": "Conference centre, Hotel Astana",
    "venue_address": "Kabanbay Batyr Avenue",
    "city": "Astana",
    "background": (
        "<p>Despite strong commitments at national and international levels and many benefits "
        "of having more women in policing, the representation of women in security sector "
        "positions is still at a low level. In fact, female police officers continue to be "
        "under-represented across the OSCE region.</p>"
        "<p>OSCE as the world's largest regional security cooperation organization is in a "
        "unique position to implement and benefit from the Women Peace and Security (WPS) "
        "agenda. OSCE's commitment to implementing WPS has been outlined in the OSCE 2004 "
        "Action Plan for the Promotion of Gender Equality, in which women's participation in "
        "conflict prevention, crisis management, and post-conflict rehabilitation is enlisted "
        "as a priority area of work.</p>"
        "<p>Gender plays an important role in societal inequality, as it puts women, men, boys "
        "and girls in different positions of power, risk, security and insecurity. Therefore, "
        "security sector institutions need to integrate a gender perspective throughout their "
        "work to effectively respond to different needs and avoid perpetuating "
        "discrimination.</p>"
        "<p>Women Police Associations could potentially be a valuable mechanism for promoting "
        "and supporting gender equality within the police service and for enhancing women's "
        "roles and participation within the police. The Gender Issues Programme, through its "
        "multi-year WIN Project, implemented a Needs assessment of Women Police Associations "
        "in Central Asia, which highlighted several good practices and opportunities for "
        "establishing or supporting existing networks, unions and associations of women in "
        "law enforcement.</p>"
    ),
    "objectives": (
        "<ul><li>Provide a regional platform for exchange on good practices to strengthen "
        "women's representation in law enforcement in Central Asia</li>"
        "<li>Enable networking and knowledge-sharing between women police associations, "
        "networks and unions in Central Asia and other parts of the OSCE region</li>"
        "<li>Develop recommendations for participating States and the OSCE on how to best "
        "support emerging and existing networks for women in law enforcement in Central "
        "Asia</li>"
        "<li>Identify key success criteria for women police associations to have considerable "
        "and lasting impact on the role of women in Law Enforcement</li></ul>"
    ),
    "target_audience": (
        "<p>The event will gather representatives of relevant national authorities (Ministry "
        "of Interior, Police Academies, other relevant law enforcement agencies), OSCE "
        "structures and field operations, civil society organizations, academic institutions "
        "and international organizations engaged with security sector institutions from "
        "across the OSCE region.</p>"
    ),
    "meeting_format": (
        "<p>In-person meeting. Simultaneous interpretation will be provided in English and "
        "Russian.</p>"
    ),
    "contact_name": "Ms. Akmaral Azhimamatova, WIN Project Assistant",
}

ASTANA_RU = {
    "title": "Региональная конференция по содействию участию женщин в правоохранительной "
    "деятельности в Центральной Азии",
    "subtitle": "Женщины, мир и безопасность: сети женщин в правоохранительных органах",
    "venue_name": "Конференц-центр, гостиница «Астана»",
    "venue_address": "проспект Кабанбай батыра",
    "city": "Астана",
    "background": (
        "<p>Несмотря на твёрдые обязательства на национальном и международном уровнях и "
        "многочисленные преимущества увеличения числа женщин в полиции, представленность "
        "женщин на должностях в секторе безопасности по-прежнему остаётся низкой. Женщины-"
        "полицейские по-прежнему недостаточно представлены во всём регионе ОБСЕ.</p>"
        "<p>ОБСЕ как крупнейшая в мире региональная организация по сотрудничеству в области "
        "безопасности находится в уникальном положении для реализации повестки дня «Женщины, "
        "мир и безопасность» (ЖМБ). Приверженность ОБСЕ этой повестке закреплена в Плане "
        "действий ОБСЕ по содействию обеспечению равенства мужчин и женщин 2004 года, где "
        "участие женщин в предотвращении конфликтов, кризисном регулировании и "
        "постконфликтном восстановлении названо приоритетным направлением работы.</p>"
        "<p>Гендер играет важную роль в социальном неравенстве, ставя женщин, мужчин, "
        "мальчиков и девочек в разное положение с точки зрения власти, риска и безопасности. "
        "Поэтому учреждениям сектора безопасности необходимо учитывать гендерную перспективу "
        "во всей своей работе, чтобы эффективно отвечать на различные потребности и не "
        "воспроизводить дискриминацию.</p>"
        "<p>Ассоциации женщин-полицейских могут стать ценным механизмом продвижения "
        "гендерного равенства в полиции и укрепления роли женщин в её рядах. Программа по "
        "гендерным вопросам в рамках многолетнего проекта WIN провела оценку потребностей "
        "ассоциаций женщин-полицейских в Центральной Азии, которая выявила ряд успешных "
        "практик и возможностей для создания и поддержки сетей, союзов и ассоциаций женщин в "
        "правоохранительных органах.</p>"
    ),
    "objectives": (
        "<ul><li>Создать региональную площадку для обмена успешными практиками по расширению "
        "представленности женщин в правоохранительных органах Центральной Азии</li>"
        "<li>Содействовать налаживанию контактов и обмену знаниями между ассоциациями, сетями "
        "и союзами женщин-полицейских Центральной Азии и других частей региона ОБСЕ</li>"
        "<li>Выработать рекомендации для государств-участников и ОБСЕ о том, как лучше "
        "поддерживать новые и существующие сети женщин в правоохранительных органах "
        "Центральной Азии</li>"
        "<li>Определить ключевые критерии успеха, позволяющие ассоциациям женщин-полицейских "
        "оказывать значительное и долгосрочное влияние на роль женщин в правоохранительной "
        "деятельности</li></ul>"
    ),
    "target_audience": (
        "<p>В мероприятии примут участие представители профильных национальных органов "
        "(министерств внутренних дел, полицейских академий, других правоохранительных "
        "органов), структур и полевых операций ОБСЕ, организаций гражданского общества, "
        "академических учреждений и международных организаций, работающих с учреждениями "
        "сектора безопасности со всего региона ОБСЕ.</p>"
    ),
    "meeting_format": (
        "<p>Очная встреча. Будет обеспечен синхронный перевод на английский и русский языки.</p>"
    ),
    "contact_name": "г-жа Акмарал Ажимаматова, ассистент проекта WIN",
}

ROOMS = {
    "plenary": ("Plenary hall", "Пленарный зал", "Hotel Astana", 150),
    "a": ("Meeting room A", "Зал заседаний A", "Hotel Astana", 40),
    "b": ("Meeting room B", "Зал заседаний B", "Hotel Astana", 40),
    "foyer": ("Foyer", "Фойе", "Hotel Astana", 200),
    "kyiv": ("Training room 1", "Учебный класс 1", "Police training centre, Kyiv", 30),
}

#: key: (name en, name ru, title en, title ru, organisation en, organisation ru)
SPEAKERS = {
    "gip": (
        "Dr. Elena Marchetti",
        "д-р Елена Маркетти",
        "Senior Adviser",
        "старший советник",
        "OSCE Gender Issues Programme",
        "Программа ОБСЕ по гендерным вопросам",
    ),
    "spmu": (
        "Jonas Lindqvist",
        "Йонас Линдквист",
        "Police Affairs Officer",
        "сотрудник по полицейским вопросам",
        "OSCE Strategic Police Matters Unit",
        "Отдел ОБСЕ по стратегическим вопросам полицейской деятельности",
    ),
    "odihr": (
        "Dr. Maja Novak",
        "д-р Майя Новак",
        "Adviser on Human Rights, Gender and Security",
        "советник по правам человека, гендеру и безопасности",
        "OSCE/ODIHR",
        "БДИПЧ ОБСЕ",
    ),
    "kz": (
        "Col. Aigerim Seitkali",
        "полковник Айгерим Сейткали",
        "Head of Department",
        "начальник управления",
        "Ministry of Internal Affairs of Kazakhstan",
        "Министерство внутренних дел Республики Казахстан",
    ),
    "kg": (
        "Maj. Nurzhan Abdyldaeva",
        "майор Нуржан Абдылдаева",
        "Chair",
        "председатель",
        "Association of Women in Law Enforcement of Kyrgyzstan",
        "Ассоциация женщин правоохранительных органов Кыргызстана",
    ),
    "uz": (
        "Dilnoza Karimova",
        "Дильноза Каримова",
        "Lecturer",
        "преподаватель",
        "Academy of the Ministry of Internal Affairs of Uzbekistan",
        "Академия МВД Республики Узбекистан",
    ),
    "cpc": (
        "Thomas Berger",
        "Томас Бергер",
        "Project Manager, Security Sector Governance and Reform",
        "руководитель проекта по управлению и реформе сектора безопасности",
        "OSCE Conflict Prevention Centre",
        "Центр ОБСЕ по предотвращению конфликтов",
    ),
    "filin": (
        "Vadym Filin",
        "Вадим Филин",
        "Deputy Head of the Department, Head of the Human Rights Compliance Unit",
        "заместитель начальника департамента, начальник управления по соблюдению прав человека",
        "National Police of Ukraine",
        "Национальная полиция Украины",
    ),
    "chumalo": (
        "Marta Chumalo",
        "Марта Чумало",
        "Project expert",
        "эксперт проекта",
        "OSCE WIN Project",
        "Проект ОБСЕ WIN",
    ),
    "vasylkevych": (
        "Marta Vasylkevych",
        "Марта Василькевич",
        "Project expert",
        "эксперт проекта",
        "OSCE WIN Project",
        "Проект ОБСЕ WIN",
    ),
}

ORGANISERS = {
    "osce": ("OSCE", "ОБСЕ", "https://www.osce.org/", "#0b4f8a"),
    "win": ("WIN Project – Women & Men Innovating & Networking", "Проект WIN", "", "#8a3b00"),
    "npu": ("National Police of Ukraine", "Национальная полиция Украины", "", "#0f5e2f"),
}

# (day index, start, end, kind, room, title en, title ru, floor, interpretation, speakers)
ASTANA_AGENDA = [
    (
        0,
        "08:30",
        "09:30",
        "networking",
        "foyer",
        "Registration and welcome coffee",
        "Регистрация участников, приветственный кофе",
        "",
        [],
        [],
    ),
    (
        0,
        "09:30",
        "10:15",
        "opening",
        "plenary",
        "Opening of the conference",
        "Открытие конференции",
        "en",
        ["en", "ru"],
        [("gip", "speaker"), ("kz", "speaker")],
    ),
    (
        0,
        "10:15",
        "11:30",
        "plenary",
        "plenary",
        "Women in law enforcement in the OSCE region: commitments and reality",
        "Женщины в правоохранительных органах региона ОБСЕ: обязательства и реальность",
        "en",
        ["en", "ru"],
        [("spmu", "keynote"), ("odihr", "speaker"), ("gip", "moderator")],
    ),
    (0, "11:30", "12:00", "break", "foyer", "Coffee break", "Кофе-брейк", "", [], []),
    (
        0,
        "12:00",
        "13:30",
        "panel",
        "plenary",
        "Needs assessment of women police associations in Central Asia",
        "Оценка потребностей ассоциаций женщин-полицейских в Центральной Азии",
        "ru",
        ["en", "ru"],
        [("gip", "speaker"), ("kg", "panellist"), ("uz", "panellist"), ("cpc", "moderator")],
    ),
    (0, "13:30", "14:30", "break", "foyer", "Lunch", "Обед", "", [], []),
    (
        0,
        "14:30",
        "16:00",
        "working_group",
        "a",
        "Working group 1: Recruitment and retention of women in the police",
        "Рабочая группа 1: набор и удержание женщин в полиции",
        "ru",
        ["en", "ru"],
        [("kz", "moderator"), ("odihr", "rapporteur")],
    ),
    (
        0,
        "14:30",
        "16:00",
        "working_group",
        "b",
        "Working group 2: Associations and networks: what makes them last",
        "Рабочая группа 2: ассоциации и сети — что делает их устойчивыми",
        "ru",
        ["en", "ru"],
        [("kg", "moderator"), ("spmu", "rapporteur")],
    ),
    (
        0,
        "16:00",
        "17:00",
        "plenary",
        "plenary",
        "Report back from the working groups",
        "Доклады рабочих групп",
        "en",
        ["en", "ru"],
        [("cpc", "chair")],
    ),
    (
        1,
        "09:00",
        "10:30",
        "panel",
        "plenary",
        "Security sector governance and reform as a people-centred approach",
        "Управление и реформа сектора безопасности как подход, ориентированный на людей",
        "en",
        ["en", "ru"],
        [("cpc", "speaker"), ("uz", "panellist"), ("gip", "moderator")],
    ),
    (1, "10:30", "11:00", "break", "foyer", "Coffee break", "Кофе-брейк", "", [], []),
    (
        1,
        "11:00",
        "12:30",
        "working_group",
        "plenary",
        "Drafting recommendations for participating States and the OSCE",
        "Подготовка рекомендаций для государств-участников и ОБСЕ",
        "en",
        ["en", "ru"],
        [("odihr", "moderator"), ("kz", "rapporteur")],
    ),
    (
        1,
        "12:30",
        "13:00",
        "closing",
        "plenary",
        "Conclusions and closing",
        "Выводы и закрытие конференции",
        "en",
        ["en", "ru"],
        [("gip", "speaker")],
    ),
]

MENTORS_EN = {
    "title": "Training of mentors: Mentoring programme for women police officers",
    "subtitle": "First stage of a nine-month pilot mentoring programme in four regions of Ukraine",
    "venue_name": "Police training centre",
    "city": "Kyiv",
    "background": (
        "<p>The OSCE Secretariat's Gender Issues Programme organizes a two-day training "
        "session for 21 mentors of the first Mentoring programme for women police officers "
        "within the National Police of Ukraine.</p>"
        "<p>The development of this Mentoring programme and the preparation of mentors form "
        "part of a joint initiative between the Department of Main Inspectorate and Human "
        "Rights Compliance of the National Police of Ukraine and the OSCE Gender Issues "
        "Programme, implemented through the WIN Project. This initiative aims to strengthen "
        "women's leadership in law enforcement.</p>"
        "<p>The training marks the first stage of a nine-month pilot mentoring programme "
        "across four regions of Ukraine. Twenty-one mentors will be paired with 21 mentees to "
        "promote women's leadership, professional growth, and institutional resilience. "
        "Additional online sessions will provide ongoing support to mentors and mentees "
        "throughout the programme.</p>"
    ),
    "objectives": (
        "<ul><li>Prepare mentors in mentoring techniques</li>"
        "<li>Self-regulation and psychological resilience</li>"
        "<li>Prevention of discrimination in the workplace</li>"
        "<li>Reflection on gender norms in a traditionally male-dominated environment</li></ul>"
    ),
    "target_audience": "<p>21 mentors from the National Police of Ukraine (by invitation).</p>",
    "meeting_format": "<p>In-person training, two days.</p>",
}

MENTORS_AGENDA = [
    (0, "09:30", "10:00", "opening", "Opening of the training", [("filin", "speaker")]),
    (
        0,
        "10:00",
        "13:00",
        "training",
        "Module 1: Mentoring techniques",
        [("chumalo", "trainer"), ("vasylkevych", "trainer")],
    ),
    (
        0,
        "14:00",
        "17:00",
        "training",
        "Module 2: Self-regulation and psychological resilience",
        [("vasylkevych", "trainer")],
    ),
    (
        1,
        "09:30",
        "12:30",
        "training",
        "Module 3: Preventing discrimination in the workplace",
        [("chumalo", "trainer")],
    ),
    (
        1,
        "13:30",
        "16:30",
        "training",
        "Module 4: Gender norms in a traditionally male-dominated environment",
        [("chumalo", "trainer"), ("vasylkevych", "trainer")],
    ),
]

PATROL_EN = {
    "title": "100-hour re-training course for patrol police officers",
    "subtitle": "Rule of law and human rights in everyday police work",
    "venue_name": "Regional training centres of the National Police",
    "city": "Kyiv",
    "background": (
        "<p>An OSCE-supported series of re-training programmes for anti-trafficking and "
        "patrol police officers in Ukraine, implemented throughout the country. Over 3500 "
        "patrol police officers will participate in the 100-hour courses.</p>"
        "<p>The intense two-week re-training programme is based on adherence to the rule of "
        "law and protection of human rights and includes specific subjects relevant to the "
        "functions of each police department. The curriculum for patrol police is built on a "
        "practical approach with the use of case-studies and simulation exercises covering "
        "most common situations which police officers confront with during their daily "
        "work.</p>"
        "<p>The programme includes aspects of community policing and focuses on the importance "
        "of co-operation with both local communities and civil society organizations for the "
        "effective prevention and investigation of crimes. It is part of a country-wide police "
        "reform in Ukraine.</p>"
    ),
    "objectives": (
        "<ul><li>Build a strategic vision aimed at ensuring protection of human rights</li>"
        "<li>Practise the most common situations of daily patrol work in simulations</li>"
        "<li>Strengthen co-operation with local communities and civil society</li></ul>"
    ),
    "target_audience": "<p>Patrol police officers of the National Police of Ukraine.</p>",
    "meeting_format": "<p>Two weeks of classroom modules and simulation exercises, 100 hours.</p>",
}

PATROL_MODULES = [
    "Human rights standards in policing",
    "Rule of law and lawful use of force",
    "Communication and de-escalation",
    "Case study: traffic stops",
    "Case study: domestic violence calls",
    "Community policing",
    "Working with victims in distress",
    "Co-operation with civil society",
    "Simulation exercises",
    "Assessment and certification",
]


# --- helpers ------------------------------------------------------------------------------


def _pdf(title: str, paragraphs: list[str]) -> bytes:
    """A small real PDF document with an embedded DejaVu font (Cyrillic works)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT)))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(FONT_BOLD)))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, author="Regional Events (demo)")
    heading = ParagraphStyle("h", fontName="DejaVuSans-Bold", fontSize=16, leading=20)
    body = ParagraphStyle("b", fontName="DejaVuSans", fontSize=11, leading=15)
    story = [Paragraph(title, heading), Spacer(1, 12)]
    for text in paragraphs:
        story += [Paragraph(text, body), Spacer(1, 8)]
    doc.build(story)
    return buffer.getvalue()


def root_collection() -> Collection:
    """The root collection (a flushed database, as in transactional tests, has none)."""
    return Collection.get_first_root_node() or Collection.add_root(name="Root")


def _document(title: str, filename: str, paragraphs: list[str]):
    from wagtail.documents import get_document_model

    model = get_document_model()
    existing = model.objects.filter(title=title).first()
    if existing is not None:
        return existing
    content = _pdf(title, paragraphs)
    document = model(title=title, collection=root_collection())
    document.file.save(filename, ContentFile(content), save=False)
    document.file_size = len(content)
    document._set_file_hash()
    document.save()
    return document


def _logo(title: str, text: str, colour: str):
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFont
    from wagtail.images import get_image_model

    model = get_image_model()
    existing = model.objects.filter(title=title).first()
    if existing is not None:
        return existing
    picture = PILImage.new("RGB", (240, 96), colour)
    draw = ImageDraw.Draw(picture)
    font = ImageFont.truetype(str(FONT_BOLD), 40)
    draw.text((120, 48), text, fill="white", font=font, anchor="mm")
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    image = model(title=title, collection=root_collection())
    image.file.save(f"logo-{text.lower()}.png", ImageFile(buffer, name="logo.png"), save=False)
    image.save()
    return image


def _translated(obj, locale: Locale, **fields):
    """The translation of a snippet into ``locale``, made with ``fields`` if missing."""
    existing = type(obj).objects.filter(translation_key=obj.translation_key, locale=locale).first()
    if existing is not None:
        return existing
    copy = obj.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save()
    return copy


def _snippets(locales: dict[str, Locale]) -> dict:
    en, ru, uk = locales["en"], locales["ru"], locales["uk"]
    fields = {}
    for slug, name_en, name_ru, name_uk in FIELDS_OF_WORK:
        field = FieldOfWork.objects.filter(slug=slug, locale=en).first()
        if field is None:
            field = FieldOfWork.objects.create(slug=slug, name=name_en, locale=en)
        _translated(field, ru, name=name_ru)
        _translated(field, uk, name=name_uk)
        fields[slug] = field
    rooms = {}
    for key, (name_en, name_ru, venue, capacity) in ROOMS.items():
        room = Room.objects.filter(name=name_en, venue=venue, locale=en).first()
        if room is None:
            room = Room.objects.create(name=name_en, venue=venue, capacity=capacity, locale=en)
        _translated(room, ru, name=name_ru)
        rooms[key] = room
    speakers = {}
    for key, (name_en, name_ru, title_en, title_ru, org_en, org_ru) in SPEAKERS.items():
        speaker = Speaker.objects.filter(name=name_en, locale=en).first()
        if speaker is None:
            speaker = Speaker.objects.create(
                name=name_en, title=title_en, organisation=org_en, locale=en
            )
        _translated(speaker, ru, name=name_ru, title=title_ru, organisation=org_ru)
        speakers[key] = speaker
    organisers = {}
    for key, (name_en, name_ru, url, colour) in ORGANISERS.items():
        organiser = Organiser.objects.filter(name=name_en, locale=en).first()
        if organiser is None:
            logo = _logo(f"Logo: {name_en}", key.upper(), colour)
            organiser = Organiser.objects.create(name=name_en, url=url, logo=logo, locale=en)
        _translated(organiser, ru, name=name_ru)
        organisers[key] = organiser
    return {"fields": fields, "rooms": rooms, "speakers": speakers, "organisers": organisers}


def _index(home: HomePage, locales: dict[str, Locale]) -> EventIndexPage:
    index = EventIndexPage.objects.filter(locale=locales["en"]).first()
    if index is None:
        index = EventIndexPage(slug="events", locale=locales["en"], **INDEX["en"])
        home.add_child(instance=index)
        index.save_revision().publish()
    for code in ("ru", "uk"):
        if not EventIndexPage.objects.filter(
            translation_key=index.translation_key, locale=locales[code]
        ).exists():
            copy = index.copy_for_translation(locales[code])
            copy.title = INDEX[code]["title"]
            copy.intro = INDEX[code]["intro"]
            copy.save_revision().publish()
    return index


def _time(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


def _add_sessions(event: EventPage, rows: list[dict]) -> None:
    """Add sessions (with speakers) to an unsaved-or-saved page's cluster before publishing."""
    sessions = []
    for order, row in enumerate(rows):
        speakers = row.pop("speakers", [])
        session = Session(sort_order=order, **row)
        session.speakers = [
            SessionSpeaker(speaker=speaker, role=role, sort_order=i)
            for i, (speaker, role) in enumerate(speakers)
        ]
        sessions.append(session)
    event.sessions = sessions


# --- the events ---------------------------------------------------------------------------


def _astana(index: EventIndexPage, snippets: dict, locales: dict[str, Locale]) -> EventPage:
    today = timezone.localdate()
    start = today + dt.timedelta(days=21)
    tz = "Asia/Almaty"
    event = EventPage.objects.filter(slug="astana-conference", locale=locales["en"]).first()
    if event is None:
        event = EventPage(
            slug="astana-conference",
            locale=locales["en"],
            start_date=start,
            end_date=start + dt.timedelta(days=1),
            time_zone=tz,
            format="in_person",
            country="KZ",
            map_url="https://www.openstreetmap.org/search?query=Astana",
            languages=["en", "ru"],
            interpretation_languages=["en", "ru"],
            contact_email="akmaral.azhimamatova@example.org",
            registration_opens=timezone.now() - dt.timedelta(days=1),
            registration_closes=_end_of(today + dt.timedelta(days=14), tz),
            capacity=120,
            needs_approval=True,
            waiting_list=True,
            **ASTANA_EN,
        )
        sp = snippets["speakers"]
        rooms = snippets["rooms"]
        _add_sessions(
            event,
            [
                {
                    "day": start + dt.timedelta(days=day),
                    "start_time": _time(begins),
                    "end_time": _time(ends),
                    "kind": kind,
                    "room": rooms[room],
                    "title": title,
                    "floor_language": floor,
                    "interpretation_languages": interp,
                    "speakers": [(sp[key], role) for key, role in speakers],
                }
                for (day, begins, ends, kind, room, title, _ru, floor, interp, speakers) in (
                    ASTANA_AGENDA
                )
            ],
        )
        org = snippets["organisers"]
        event.organisers = [
            EventOrganiser(organiser=org["osce"], role="organiser", sort_order=0),
            EventOrganiser(organiser=org["win"], role="partner", sort_order=1),
        ]
        event.papers = _astana_papers()
        index.add_child(instance=event)
        event.fields_of_work.set(
            [snippets["fields"]["gender-equality"], snippets["fields"]["policing"]]
        )
        event.save_revision().publish()
        event = EventPage.objects.get(pk=event.pk)
        _link_papers(event)
    else:
        _refresh_dates(event, start=start, closes=_end_of(today + dt.timedelta(days=14), tz))
    _astana_ru(event, locales["ru"])
    return event


def _end_of(day: dt.date, tz: str) -> dt.datetime:
    import zoneinfo

    return dt.datetime.combine(day, dt.time(23, 59), tzinfo=zoneinfo.ZoneInfo(tz))


def _astana_papers() -> list[BackgroundPaper]:
    concept_en = _document(
        "Concept note: Regional Conference on Women in Law Enforcement (EN)",
        "concept-note-en.pdf",
        [ASTANA_EN["title"], *_plain(ASTANA_EN["background"]), *_plain(ASTANA_EN["objectives"])],
    )
    concept_ru = _document(
        "Концептуальная записка: региональная конференция (RU)",
        "concept-note-ru.pdf",
        [ASTANA_RU["title"], *_plain(ASTANA_RU["background"]), *_plain(ASTANA_RU["objectives"])],
    )
    needs_en = _document(
        "Needs assessment of Women Police Associations in Central Asia: summary (EN)",
        "needs-assessment-en.pdf",
        [
            "The Gender Issues Programme, through its multi-year WIN Project, implemented a "
            "Needs assessment of Women Police Associations in Central Asia.",
            "It highlighted several good practices and opportunities for establishing or "
            "supporting existing networks, unions and associations of women in law "
            "enforcement.",
        ],
    )
    needs_ru = _document(
        "Оценка потребностей ассоциаций женщин-полицейских в Центральной Азии: резюме (RU)",
        "needs-assessment-ru.pdf",
        [
            "Программа по гендерным вопросам в рамках многолетнего проекта WIN провела оценку "
            "потребностей ассоциаций женщин-полицейских в Центральной Азии.",
            "Оценка выявила ряд успешных практик и возможностей для создания и поддержки "
            "сетей, союзов и ассоциаций женщин в правоохранительных органах.",
        ],
    )
    return [
        BackgroundPaper(
            title="Concept note",
            description="Background, objectives, target audience and format of the conference.",
            access="public",
            document_en=concept_en,
            document_ru=concept_ru,
            sort_order=0,
        ),
        BackgroundPaper(
            title="Needs assessment of Women Police Associations in Central Asia",
            description="Summary of the WIN Project's needs assessment, for discussion in "
            "the panel on day 1.",
            access="participants",
            document_en=needs_en,
            document_ru=needs_ru,
            sort_order=1,
        ),
    ]


def _plain(html: str) -> list[str]:
    import re

    return [p.strip() for p in re.split(r"<[^>]+>", html) if p.strip()]


def _link_papers(event: EventPage) -> None:
    """The needs-assessment panel discusses the needs-assessment paper."""
    papers = list(event.papers.order_by("sort_order"))
    for session in event.sessions.all():
        if "Needs assessment" in session.title and len(papers) > 1:
            session.papers.set([papers[1]])
            session.save()
        elif session.kind == "opening" and papers:
            session.papers.set([papers[0]])
            session.save()
    event.save_revision().publish()


def _astana_ru(event: EventPage, ru: Locale) -> EventPage:
    existing = EventPage.objects.filter(translation_key=event.translation_key, locale=ru).first()
    if existing is not None:
        return existing
    from wagtail.actions.copy_for_translation import CopyPageForTranslationAction

    copy = CopyPageForTranslationAction(page=event, locale=ru).execute(skip_permission_checks=True)
    copy = EventPage.objects.get(pk=copy.pk)
    for name, value in ASTANA_RU.items():
        setattr(copy, name, value)
    ru_titles = {row[5]: row[6] for row in ASTANA_AGENDA}
    sessions = list(copy.sessions.all())
    for session in sessions:
        session.title = ru_titles.get(session.title, session.title)
    copy.sessions = sessions
    titles = {
        "Concept note": (
            "Концептуальная записка",
            "Справочная информация, цели, целевая аудитория и формат конференции.",
        ),
        "Needs assessment of Women Police Associations in Central Asia": (
            "Оценка потребностей ассоциаций женщин-полицейских в Центральной Азии",
            "Резюме оценки потребностей проекта WIN для обсуждения на панели первого дня.",
        ),
    }
    papers = list(copy.papers.all())
    for paper in papers:
        paper.title, paper.description = titles.get(paper.title, (paper.title, paper.description))
    copy.papers = papers
    copy.save_revision().publish()
    return copy


def _refresh_dates(event: EventPage, *, start: dt.date, closes: dt.datetime) -> None:
    """Move a demo event forward when its registration would be closed today."""
    if event.registration_state == "open":
        return
    delta = start - event.start_date
    event = event.get_latest_revision_as_object()
    event.start_date += delta
    event.end_date += delta
    event.registration_opens = timezone.now() - dt.timedelta(days=1)
    event.registration_closes = closes
    sessions = list(event.sessions.all())
    for session in sessions:
        session.day += delta
    event.sessions = sessions
    event.save_revision().publish()


def _mentors(index: EventIndexPage, snippets: dict, locales: dict[str, Locale]) -> EventPage:
    event = EventPage.objects.filter(slug="mentors-training", locale=locales["en"]).first()
    if event is not None:
        return event
    today = timezone.localdate()
    end = today - dt.timedelta(days=3)
    start = end - dt.timedelta(days=1)
    event = EventPage(
        slug="mentors-training",
        locale=locales["en"],
        start_date=start,
        end_date=end,
        time_zone="Europe/Kyiv",
        format="in_person",
        country="UA",
        languages=["uk", "en"],
        interpretation_languages=["uk", "en"],
        registration_opens=_end_of(start - dt.timedelta(days=30), "Europe/Kyiv"),
        registration_closes=_end_of(start - dt.timedelta(days=7), "Europe/Kyiv"),
        capacity=25,
        invitation_only=True,
        invitation_code="MENTORS-2025",
        contact_email="gender@example.org",
        contact_name="OSCE Gender Issues Programme",
        **MENTORS_EN,
    )
    sp = snippets["speakers"]
    room = snippets["rooms"]["kyiv"]
    _add_sessions(
        event,
        [
            {
                "day": start + dt.timedelta(days=day),
                "start_time": _time(begins),
                "end_time": _time(ends),
                "kind": kind,
                "room": room,
                "title": title,
                "floor_language": "uk",
                "interpretation_languages": ["en"],
                "speakers": [(sp[key], role) for key, role in speakers],
            }
            for day, begins, ends, kind, title, speakers in MENTORS_AGENDA
        ],
    )
    org = snippets["organisers"]
    event.organisers = [
        EventOrganiser(organiser=org["osce"], role="organiser", sort_order=0),
        EventOrganiser(organiser=org["npu"], role="co_organiser", sort_order=1),
    ]
    index.add_child(instance=event)
    event.fields_of_work.set(
        [snippets["fields"]["gender-equality"], snippets["fields"]["policing"]]
    )
    event.save_revision().publish()
    return EventPage.objects.get(pk=event.pk)


def _patrol(index: EventIndexPage, snippets: dict, locales: dict[str, Locale]) -> EventPage:
    today = timezone.localdate()
    start = today + dt.timedelta(days=35)
    while start.weekday() != 0:  # the course starts on a Monday
        start += dt.timedelta(days=1)
    event = EventPage.objects.filter(slug="patrol-police-retraining", locale=locales["en"]).first()
    if event is not None:
        return event
    days = [
        start + dt.timedelta(days=i)
        for i in range(14)
        if (start + dt.timedelta(days=i)).weekday() < 5
    ]
    event = EventPage(
        slug="patrol-police-retraining",
        locale=locales["en"],
        start_date=start,
        end_date=days[-1],
        time_zone="Europe/Kyiv",
        format="hybrid",
        country="UA",
        languages=["uk"],
        interpretation_languages=[],
        registration_opens=timezone.now() - dt.timedelta(days=1),
        registration_closes=_end_of(start - dt.timedelta(days=7), "Europe/Kyiv"),
        capacity=3500,
        waiting_list=True,
        contact_name="OSCE Project Co-ordinator in Ukraine",
        contact_email="training@example.org",
        **PATROL_EN,
    )
    rows = []
    for i, day in enumerate(days):
        module = PATROL_MODULES[i % len(PATROL_MODULES)]
        rows.append(
            {
                "day": day,
                "start_time": dt.time(9, 0),
                "end_time": dt.time(13, 0),
                "kind": "training",
                "title": f"Module {i + 1}: {module} (theory)",
                "floor_language": "uk",
                "interpretation_languages": [],
            }
        )
        rows.append(
            {
                "day": day,
                "start_time": dt.time(14, 0),
                "end_time": dt.time(19, 0),
                "kind": "training",
                "title": f"Module {i + 1}: {module} (practice)",
                "floor_language": "uk",
                "interpretation_languages": [],
            }
        )
    _add_sessions(event, rows)
    event.organisers = [
        EventOrganiser(organiser=snippets["organisers"]["osce"], role="organiser", sort_order=0),
        EventOrganiser(organiser=snippets["organisers"]["npu"], role="co_organiser", sort_order=1),
    ]
    index.add_child(instance=event)
    event.fields_of_work.set([snippets["fields"]["policing"], snippets["fields"]["human-rights"]])
    event.save_revision().publish()
    return EventPage.objects.get(pk=event.pk)


SLUGS = ("astana-conference", "mentors-training", "patrol-police-retraining")


def _existing(locales: dict[str, Locale]) -> dict[str, EventPage] | None:
    """The demo events when everything is there already, else None."""
    events = {
        event.slug: event
        for event in EventPage.objects.filter(slug__in=SLUGS, locale=locales["en"])
    }
    if len(events) < len(SLUGS):
        return None
    if not EventPage.objects.filter(
        translation_key=events["astana-conference"].translation_key, locale=locales["ru"]
    ).exists():
        return None
    if EventIndexPage.objects.filter(locale__in=locales.values()).count() < len(locales):
        return None
    return events


@transaction.atomic
def load(*, home: HomePage) -> dict[str, EventPage]:
    """Create what is missing: index, snippets, the three events and the Russian copy.

    A second run on the same day changes nothing. Wagtail's reference index (the admin's
    "usage" counts) is updated once per event page at the end rather than on each of the
    hundreds of saves, which would take half a minute.
    """
    from wagtail.models import ReferenceIndex
    from wagtail.signal_handlers import disable_reference_index_auto_update

    from cms.demo import ensure_locales

    locales = ensure_locales()
    events = _existing(locales)
    if events is not None:
        astana = events["astana-conference"]
        today = timezone.localdate()
        _refresh_dates(
            astana,
            start=today + dt.timedelta(days=21),
            closes=_end_of(today + dt.timedelta(days=14), astana.time_zone),
        )
        return events
    with disable_reference_index_auto_update():
        index = _index(home, locales)
        snippets = _snippets(locales)
        events = {
            "astana-conference": _astana(index, snippets, locales),
            "mentors-training": _mentors(index, snippets, locales),
            "patrol-police-retraining": _patrol(index, snippets, locales),
        }
    keys = [event.translation_key for event in events.values()]
    for event in EventPage.objects.filter(translation_key__in=keys):
        ReferenceIndex.create_or_update_for_object(event)
    return events


def demo_events() -> dict[str, EventPage]:
    """The demo events by slug (source locale), created first if they are missing."""
    from cms.demo import load_home

    return load(home=load_home())
