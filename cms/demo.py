"""Demo content for ``manage.py load_demo``: idempotent, a second run changes nothing.

Each app adds its own ``load()`` to the list in the command; this module owns the site's
pages. Text is written here in every content language because demo content is content, not
interface, and so is not in the ``.po`` files.
"""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Locale, Page, Site

from cms.models import HomePage, PrivacyPage

HOME = {
    "en": {
        "title": "Regional Events",
        "intro": "Conferences, trainings and courses on policing, security and gender equality "
        "across the OSCE region.",
    },
    "ru": {
        "title": "Региональные мероприятия",
        "intro": "Конференции, тренинги и курсы по вопросам полиции, безопасности и "
        "гендерного равенства в регионе ОБСЕ.",
    },
    "uk": {
        "title": "Регіональні заходи",
        "intro": "Конференції, тренінги та курси з питань поліції, безпеки та гендерної "
        "рівності в регіоні ОБСЄ.",
    },
}


def ensure_locales() -> dict[str, Locale]:
    """Create the three content locales if they are missing."""
    return {
        code: Locale.objects.get_or_create(language_code=code)[0] for code in ("en", "ru", "uk")
    }


def load() -> HomePage:
    """The home page, the event index and the demo events (see ``cms.demo_events``)."""
    home = load_home()
    load_privacy(home=home)
    from cms import demo_events

    demo_events.load(home=home)
    return home


@transaction.atomic
def load_home() -> HomePage:
    """Make the English home page the site root and give it a Russian and Ukrainian copy."""
    locales = ensure_locales()
    root = Page.get_first_root_node()
    if root is None:  # a flushed database (transactional tests) has no tree at all
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locales["en"]))
    home = HomePage.objects.filter(locale=locales["en"]).first()
    if home is None:
        # Wagtail's migrations leave a "Welcome to your new Wagtail site!" placeholder at
        # slug "home"; replace it rather than fight it for the slug.
        Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
        home = HomePage(slug="home", locale=locales["en"], **HOME["en"])
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    for code in ("ru", "uk"):
        if not HomePage.objects.filter(
            translation_key=home.translation_key, locale=locales[code]
        ).exists():
            copy = home.copy_for_translation(locales[code])
            copy.title = HOME[code]["title"]
            copy.intro = HOME[code]["intro"]
            copy.save_revision().publish()
    return home


PRIVACY = {
    "en": {
        "title": "Privacy notice",
        "slug": "privacy",
        "summary": "How we use the personal data you give us when you register for an event, "
        "how long we keep it and how you can see, download or delete it.",
        "body": (
            "<h2>Who we are</h2>"
            "<p>The event's organisers (named on each event page) decide how your data is used. "
            "Write to the contact address on the event page with any question.</p>"
            "<h2>What we collect and why</h2>"
            "<p>When you register we keep your name, e-mail address, phone, organisation, "
            "position, country, role, language choices and the needs you tell us about. We "
            "use them only to organise the event: to confirm your place, prepare badges, "
            "interpretation, access and catering, send you the agenda and calendar "
            "invitations, and check you in.</p>"
            "<p>We ask for your sex only to report the share of women and men at our events. "
            "You may choose “Prefer not to say”.</p>"
            "<h2>Who sees it</h2>"
            "<p>Only the staff who organise this event see your details. Reports contain "
            "numbers, not names.</p>"
            "<h2>How long we keep it</h2>"
            "<p>Twelve months after the event ends (or the period the event page states) we "
            "anonymise your registration: your name, contact details, needs and the e-mails "
            "we sent you are deleted. We keep only anonymous figures (sex, country, type of "
            "organisation, role, attendance and survey answers) for the event's report.</p>"
            "<h2>Your rights</h2>"
            "<p>Through the personal link in our e-mails you can see and change your details, "
            "download everything we keep about you, cancel your registration and ask us to "
            "delete your data. We record the version of this notice you accepted and when.</p>"
        ),
    },
    "ru": {
        "title": "Уведомление о конфиденциальности",
        "slug": "privacy",
        "summary": "Как мы используем персональные данные, которые вы указываете при "
        "регистрации, сколько их храним и как их можно посмотреть, скачать или удалить.",
        "body": (
            "<h2>Кто мы</h2>"
            "<p>Решения о том, как используются ваши данные, принимают организаторы "
            "мероприятия (они указаны на странице каждого мероприятия). С вопросами пишите на "
            "контактный адрес со страницы мероприятия.</p>"
            "<h2>Какие данные мы собираем и зачем</h2>"
            "<p>При регистрации мы сохраняем ваше имя, адрес электронной почты, телефон, "
            "организацию, должность, страну, роль, выбранные языки и сообщённые вами "
            "потребности. Мы используем их только для организации мероприятия: чтобы "
            "подтвердить ваше место, подготовить бейдж, перевод, доступность и питание, "
            "отправить вам программу и приглашения в календарь и отметить ваш приход.</p>"
            "<p>Пол мы спрашиваем только для того, чтобы сообщать долю женщин и мужчин на "
            "наших мероприятиях. Можно выбрать «Предпочитаю не указывать».</p>"
            "<h2>Кто их видит</h2>"
            "<p>Ваши данные видят только сотрудники, которые организуют это мероприятие. В "
            "отчётах — только цифры, без имён.</p>"
            "<h2>Как долго мы их храним</h2>"
            "<p>Через двенадцать месяцев после окончания мероприятия (или через срок, "
            "указанный на его странице) мы обезличиваем вашу регистрацию: имя, контакты, "
            "потребности и отправленные вам письма удаляются. Для отчёта о мероприятии "
            "остаются только обезличенные данные: пол, страна, тип организации, роль, "
            "посещаемость и ответы на анкету.</p>"
            "<h2>Ваши права</h2>"
            "<p>По личной ссылке из наших писем вы можете посмотреть и изменить свои данные, "
            "скачать всё, что мы о вас храним, отменить регистрацию и попросить удалить ваши "
            "данные. Мы сохраняем, какую версию этого уведомления вы приняли и когда.</p>"
        ),
    },
    "uk": {
        "title": "Повідомлення про конфіденційність",
        "slug": "privacy",
        "summary": "Як ми використовуємо персональні дані, які ви вказуєте під час реєстрації, "
        "скільки їх зберігаємо і як їх можна переглянути, завантажити чи видалити.",
        "body": (
            "<h2>Хто ми</h2>"
            "<p>Рішення про те, як використовуються ваші дані, ухвалюють організатори заходу "
            "(їх зазначено на сторінці кожного заходу). З питаннями пишіть на контактну адресу "
            "зі сторінки заходу.</p>"
            "<h2>Які дані ми збираємо і навіщо</h2>"
            "<p>Під час реєстрації ми зберігаємо ваше ім’я, адресу електронної пошти, телефон, "
            "організацію, посаду, країну, роль, обрані мови та потреби, про які ви нам "
            "повідомили. Ми використовуємо їх лише для організації заходу: щоб підтвердити "
            "ваше місце, підготувати бейдж, переклад, доступність і харчування, надіслати вам "
            "програму та запрошення до календаря і відзначити ваш прихід.</p>"
            "<p>Стать ми запитуємо лише для того, щоб повідомляти частку жінок і чоловіків на "
            "наших заходах. Можна обрати «Не бажаю вказувати».</p>"
            "<h2>Хто їх бачить</h2>"
            "<p>Ваші дані бачать лише працівники, які організовують цей захід. У звітах — "
            "лише цифри, без імен.</p>"
            "<h2>Як довго ми їх зберігаємо</h2>"
            "<p>Через дванадцять місяців після завершення заходу (або через строк, зазначений "
            "на його сторінці) ми знеособлюємо вашу реєстрацію: ім’я, контакти, потреби та "
            "надіслані вам листи видаляються. Для звіту про захід залишаються лише знеособлені "
            "дані: стать, країна, тип організації, роль, відвідуваність і відповіді на "
            "анкету.</p>"
            "<h2>Ваші права</h2>"
            "<p>За особистим посиланням із наших листів ви можете переглянути та змінити свої "
            "дані, завантажити все, що ми про вас зберігаємо, скасувати реєстрацію і попросити "
            "видалити ваші дані. Ми зберігаємо, яку версію цього повідомлення ви прийняли і "
            "коли.</p>"
        ),
    },
}
#: The demo's privacy notice version (the settings' default, so demo registrations match it).
PRIVACY_VERSION = "2026-01"


@transaction.atomic
def load_privacy(*, home: HomePage) -> PrivacyPage:
    """The privacy notice under the home page, in English, Russian and Ukrainian."""
    locales = ensure_locales()
    page = PrivacyPage.objects.filter(locale=locales["en"]).first()
    if page is None:
        page = PrivacyPage(locale=locales["en"], version=PRIVACY_VERSION, **PRIVACY["en"])
        home.add_child(instance=page)
        page.save_revision().publish()
    for code in ("ru", "uk"):
        if PrivacyPage.objects.filter(
            translation_key=page.translation_key, locale=locales[code]
        ).exists():
            continue
        copy = page.copy_for_translation(locales[code], copy_parents=True)
        for field, value in PRIVACY[code].items():
            setattr(copy, field, value)
        copy.save_revision().publish()
    return page


def demo_events() -> dict:
    """The demo events by slug (source-language pages): ``astana-conference``, ... ."""
    from cms import demo_events as events

    return events.demo_events()
