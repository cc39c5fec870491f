"""Django's own strings that its Kazakh catalogue lacks or gets wrong, kept in ours.

Django 5.2 ships Kazakh for about half of its core strings (form and model validation,
dates) and for 38 of contrib.auth's 79, and some of those it has are wrong: "Жума" for
Friday, Saturday's abbreviation for Tuesday, capitalised month names after a day ("22
Желтоқсан"), misspelt validation messages, "жөні" for the family name. Our catalogue
(``locale/kk``) translates them instead, so no form error, date or sign-in message stays
English or wrong in Kazakh. Our catalogue takes precedence over Django's (LOCALE_PATHS).

``makemessages`` keeps only the msgids it finds in our source (the others become obsolete
and are dropped), so every such string is named here. The markers do nothing at run time
(gettext_noop returns its argument; the lazy ones are never evaluated) and nothing imports
this module. ``makemessages`` adds these msgids to ru and uk too: there they carry Django's
own ru/uk translations, so Russian and Ukrainian read exactly as before.

To refresh after a Django upgrade: compare Django's ``conf/locale/en`` and
``contrib/auth/locale/en`` catalogues with its ``kk`` ones and add what is new here.
"""

from django.utils.translation import gettext_noop, ngettext_lazy, pgettext_lazy

DJANGO_STRINGS = (
    # django/conf/global_settings.py
    gettext_noop("Afrikaans"),
    gettext_noop("Algerian Arabic"),
    gettext_noop("Asturian"),
    gettext_noop("Belarusian"),
    gettext_noop("Breton"),
    gettext_noop("Central Kurdish (Sorani)"),
    gettext_noop("Lower Sorbian"),
    gettext_noop("Australian English"),
    gettext_noop("Esperanto"),
    gettext_noop("Colombian Spanish"),
    gettext_noop("Venezuelan Spanish"),
    gettext_noop("Scottish Gaelic"),
    gettext_noop("Upper Sorbian"),
    gettext_noop("Armenian"),
    gettext_noop("Interlingua"),
    gettext_noop("Igbo"),
    gettext_noop("Ido"),
    gettext_noop("Kabyle"),
    gettext_noop("Kyrgyz"),
    gettext_noop("Luxembourgish"),
    gettext_noop("Marathi"),
    gettext_noop("Malay"),
    gettext_noop("Burmese"),
    gettext_noop("Norwegian Bokmål"),
    gettext_noop("Nepali"),
    gettext_noop("Ossetic"),
    gettext_noop("Swahili"),
    gettext_noop("Tajik"),
    gettext_noop("Turkmen"),
    gettext_noop("Tatar"),
    gettext_noop("Udmurt"),
    gettext_noop("Uyghur"),
    gettext_noop("Uzbek"),
    # django/contrib/sitemaps/apps.py
    gettext_noop("Site Maps"),
    # django/contrib/staticfiles/apps.py
    gettext_noop("Static Files"),
    # django/contrib/syndication/apps.py
    gettext_noop("Syndication"),
    # django/core/paginator.py
    gettext_noop("…"),
    gettext_noop("That page number is not an integer"),
    gettext_noop("That page number is less than 1"),
    gettext_noop("That page contains no results"),
    # django/core/validators.py
    gettext_noop("Enter a valid domain name."),
    gettext_noop("Enter a valid integer."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."),
    gettext_noop(
        "Enter a valid “slug” consisting of Unicode letters, numbers, underscores, or hyphens."
    ),
    gettext_noop("Enter a valid %(protocol)s address."),
    gettext_noop("IPv4"),
    gettext_noop("IPv6"),
    gettext_noop("IPv4 or IPv6"),
    gettext_noop("Ensure this value is a multiple of step size %(limit_value)s."),
    gettext_noop(
        "Ensure this value is a multiple of step size %(limit_value)s, starting from "
        "%(offset)s, e.g. %(offset)s, %(valid_value1)s, %(valid_value2)s, and so on."
    ),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "n",
    ),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "n",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
        "n",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
        "n",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit before the decimal point.",
        "Ensure that there are no more than %(max)s digits before the decimal point.",
        "n",
    ),
    gettext_noop(
        "File extension “%(extension)s” is not allowed. Allowed extensions are: "
        "%(allowed_extensions)s."
    ),
    gettext_noop("Null characters are not allowed."),
    gettext_noop("Enter a valid value."),
    gettext_noop("Enter a valid URL."),
    gettext_noop("Enter only digits separated by commas."),
    gettext_noop("Ensure this value is %(limit_value)s (it is %(show_value)s)."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    # django/db/models/base.py
    gettext_noop("%(model_name)s with this %(field_labels)s already exists."),
    # django/db/models/constraints.py
    gettext_noop("Constraint “%(name)s” is violated."),
    # django/db/models/fields/__init__.py
    gettext_noop("Value %(value)r is not a valid choice."),
    gettext_noop("%(field_label)s must be unique for %(date_field_label)s %(lookup_type)s."),
    gettext_noop("“%(value)s” value must be either True or False."),
    gettext_noop("“%(value)s” value must be either True, False, or None."),
    gettext_noop("String (unlimited)"),
    gettext_noop("“%(value)s” value has an invalid date format. It must be in YYYY-MM-DD format."),
    gettext_noop(
        "“%(value)s” value has the correct format (YYYY-MM-DD) but it is an invalid date."
    ),
    gettext_noop(
        "“%(value)s” value has an invalid format. It must be in YYYY-MM-DD "
        "HH:MM[:ss[.uuuuuu]][TZ] format."
    ),
    gettext_noop(
        "“%(value)s” value has the correct format (YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ]) "
        "but it is an invalid date/time."
    ),
    gettext_noop("“%(value)s” value must be a decimal number."),
    gettext_noop(
        "“%(value)s” value has an invalid format. It must be in [DD] [[HH:]MM:]ss[.uuuuuu] format."
    ),
    gettext_noop("Duration"),
    gettext_noop("“%(value)s” value must be a float."),
    gettext_noop("“%(value)s” value must be an integer."),
    gettext_noop("Small integer"),
    gettext_noop("IPv4 address"),
    gettext_noop("“%(value)s” value must be either None, True or False."),
    gettext_noop("Positive big integer"),
    gettext_noop("Positive integer"),
    gettext_noop("Positive small integer"),
    gettext_noop("Slug (up to %(max_length)s)"),
    gettext_noop(
        "“%(value)s” value has an invalid format. It must be in HH:MM[:ss[.uuuuuu]] format."
    ),
    gettext_noop(
        "“%(value)s” value has the correct format (HH:MM[:ss[.uuuuuu]]) but it is an invalid time."
    ),
    gettext_noop("Raw binary data"),
    gettext_noop("“%(value)s” is not a valid UUID."),
    gettext_noop("Universally unique identifier"),
    gettext_noop("This field cannot be null."),
    gettext_noop("This field cannot be blank."),
    gettext_noop("%(model_name)s with this %(field_label)s already exists."),
    gettext_noop("Field of type: %(field_type)s"),
    # django/db/models/fields/files.py
    gettext_noop("Image"),
    # django/db/models/fields/json.py
    gettext_noop("A JSON object"),
    gettext_noop("Value must be valid JSON."),
    # django/db/models/fields/related.py
    gettext_noop("%(model)s instance with %(field)s %(value)r is not a valid choice."),
    gettext_noop("%(from)s-%(to)s relationship"),
    gettext_noop("%(from)s-%(to)s relationships"),
    # django/forms/boundfield.py
    gettext_noop(":?.!"),
    # django/forms/fields.py
    gettext_noop("Enter a valid duration."),
    gettext_noop("The number of days must be between {min_days} and {max_days}."),
    ngettext_lazy(
        "Ensure this filename has at most %(max)d character (it has %(length)d).",
        "Ensure this filename has at most %(max)d characters (it has %(length)d).",
        "n",
    ),
    gettext_noop("Enter a complete value."),
    gettext_noop("Enter a valid UUID."),
    gettext_noop("Enter a valid JSON."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid time."),
    gettext_noop("Enter a valid date/time."),
    gettext_noop("Please either submit a file or check the clear checkbox, not both."),
    gettext_noop(
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    ),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    # django/forms/forms.py
    gettext_noop(":"),
    gettext_noop("(Hidden field %(name)s) %(error)s"),
    # django/forms/formsets.py
    gettext_noop(
        "ManagementForm data is missing or has been tampered with. Missing fields: "
        "%(field_names)s. You may need to file a bug report if the issue persists."
    ),
    ngettext_lazy(
        "Please submit at most %(num)d form.", "Please submit at most %(num)d forms.", "n"
    ),
    ngettext_lazy(
        "Please submit at least %(num)d form.", "Please submit at least %(num)d forms.", "n"
    ),
    # django/forms/models.py
    gettext_noop("The inline value did not match the parent instance."),
    gettext_noop("“%(pk)s” is not a valid value."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("Please correct the duplicate data for %(field)s."),
    gettext_noop("Please correct the duplicate data for %(field)s, which must be unique."),
    # django/forms/utils.py
    gettext_noop(
        "%(datetime)s couldn’t be interpreted in time zone %(current_timezone)s; it may "
        "be ambiguous or it may not exist."
    ),
    # django/utils/ipv6.py
    gettext_noop("This is not a valid IPv6 address."),
    # django/utils/text.py
    pgettext_lazy("String to return when truncating text", "%(truncated_text)s…"),
    # django/utils/timesince.py
    ngettext_lazy("%(num)d year", "%(num)d years", "n"),
    ngettext_lazy("%(num)d month", "%(num)d months", "n"),
    ngettext_lazy("%(num)d week", "%(num)d weeks", "n"),
    ngettext_lazy("%(num)d day", "%(num)d days", "n"),
    ngettext_lazy("%(num)d hour", "%(num)d hours", "n"),
    ngettext_lazy("%(num)d minute", "%(num)d minutes", "n"),
    # django/views/csrf.py
    gettext_noop("Forbidden"),
    gettext_noop("CSRF verification failed. Request aborted."),
    gettext_noop(
        "You are seeing this message because this HTTPS site requires a “Referer header” "
        "to be sent by your web browser, but none was sent. This header is required for "
        "security reasons, to ensure that your browser is not being hijacked by third "
        "parties."
    ),
    gettext_noop(
        "If you have configured your browser to disable “Referer” headers, please "
        "re-enable them, at least for this site, or for HTTPS connections, or for "
        "“same-origin” requests."
    ),
    gettext_noop(
        'If you are using the <meta name="referrer" content="no-referrer"> tag or '
        "including the “Referrer-Policy: no-referrer” header, please remove them. The "
        "CSRF protection requires the “Referer” header to do strict referer checking. If "
        'you’re concerned about privacy, use alternatives like <a rel="noreferrer" …> for'
        " links to third-party sites."
    ),
    gettext_noop(
        "You are seeing this message because this site requires a CSRF cookie when "
        "submitting forms. This cookie is required for security reasons, to ensure that "
        "your browser is not being hijacked by third parties."
    ),
    gettext_noop(
        "If you have configured your browser to disable cookies, please re-enable them, "
        "at least for this site, or for “same-origin” requests."
    ),
    gettext_noop("More information is available with DEBUG=True."),
    # django/views/generic/dates.py
    gettext_noop("Date out of range"),
    gettext_noop("Invalid date string “%(datestr)s” given format “%(format)s”"),
    # django/views/generic/list.py
    gettext_noop("Page is not “last”, nor can it be converted to an int."),
    gettext_noop("Invalid page (%(page_number)s): %(message)s"),
    gettext_noop("Empty list and “%(class_name)s.allow_empty” is False."),
    # django/views/static.py
    gettext_noop("Directory indexes are not allowed here."),
    gettext_noop("“%(path)s” does not exist"),
    gettext_noop("Index of %(directory)s"),
    # django/views/templates/default_urlconf.html
    gettext_noop("The install worked successfully! Congratulations!"),
    gettext_noop(
        'View <a href="https://docs.djangoproject.com/en/%(version)s/releases/" '
        'target="_blank" rel="noopener">release notes</a> for Django %(version)s'
    ),
    gettext_noop(
        "You are seeing this page because <a "
        'href="https://docs.djangoproject.com/en/%(version)s/ref/settings/#debug" '
        'target="_blank" rel="noopener">DEBUG=True</a> is in your settings file and you '
        "have not configured any URLs."
    ),
    gettext_noop("Django Documentation"),
    gettext_noop("Topics, references, &amp; how-to’s"),
    gettext_noop("Tutorial: A Polling App"),
    gettext_noop("Get started with Django"),
    gettext_noop("Django Community"),
    gettext_noop("Connect, get help, or contribute"),
    # django/contrib/auth/admin.py
    gettext_noop("%(name)s object with primary key %(key)r does not exist."),
    gettext_noop("Conflicting form data submitted. Please try again."),
    gettext_noop("Password-based authentication was disabled."),
    gettext_noop("Set password: %s"),
    gettext_noop("Personal info"),
    gettext_noop("Important dates"),
    gettext_noop("Password changed successfully."),
    gettext_noop("Change password: %s"),
    # django/contrib/auth/apps.py
    gettext_noop("Authentication and Authorization"),
    # django/contrib/auth/forms.py
    gettext_noop("Invalid password format or unknown hashing algorithm."),
    gettext_noop("No password set."),
    gettext_noop("Reset password"),
    gettext_noop("Set password"),
    gettext_noop("The two password fields didn’t match."),
    gettext_noop("Enter the same password as before, for verification."),
    gettext_noop(
        "Whether the user will be able to authenticate using a password or not. If "
        "disabled, they may still be able to authenticate using other backends, such as "
        "Single Sign-On or LDAP."
    ),
    gettext_noop("Password-based authentication"),
    gettext_noop("Enabled"),
    gettext_noop("Disabled"),
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),
    gettext_noop("Enable password-based authentication for this user by setting a password."),
    gettext_noop(
        "Please enter a correct %(username)s and password. Note that both fields may be "
        "case-sensitive."
    ),
    gettext_noop("Email"),
    gettext_noop("Password"),
    gettext_noop("Password confirmation"),
    gettext_noop("New password"),
    gettext_noop("New password confirmation"),
    gettext_noop("Old password"),
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    # django/contrib/auth/hashers.py
    gettext_noop("algorithm"),
    gettext_noop("iterations"),
    gettext_noop("salt"),
    gettext_noop("hash"),
    gettext_noop("variety"),
    gettext_noop("memory cost"),
    gettext_noop("time cost"),
    gettext_noop("parallelism"),
    gettext_noop("work factor"),
    gettext_noop("checksum"),
    gettext_noop("block size"),
    # django/contrib/auth/models.py
    gettext_noop("content type"),
    gettext_noop(
        "The groups this user belongs to. A user will get all permissions granted to each"
        " of their groups."
    ),
    gettext_noop("Specific permissions for this user."),
    gettext_noop("Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only."),
    gettext_noop("email address"),
    gettext_noop(
        "Designates that this user has all permissions without explicitly assigning them."
    ),
    gettext_noop("user permissions"),
    gettext_noop("username"),
    gettext_noop("A user with that username already exists."),
    gettext_noop("last name"),
    gettext_noop("Designates whether the user can log into this admin site."),
    gettext_noop(
        "Designates whether this user should be treated as active. Unselect this instead "
        "of deleting accounts."
    ),
    gettext_noop("date joined"),
    gettext_noop("users"),
    # django/contrib/auth/password_validation.py
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "n",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "n",
    ),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("Your password can’t be entirely numeric."),
    # django/contrib/auth/validators.py
    gettext_noop(
        "Enter a valid username. This value may contain only unaccented lowercase a-z and"
        " uppercase A-Z letters, numbers, and @/./+/-/_ characters."
    ),
    gettext_noop(
        "Enter a valid username. This value may contain only letters, numbers, and "
        "@/./+/-/_ characters."
    ),
    # django/contrib/auth/views.py
    gettext_noop("Password reset"),
    gettext_noop("Password reset sent"),
    gettext_noop("Enter new password"),
    gettext_noop("Password reset unsuccessful"),
    gettext_noop("Password reset complete"),
    gettext_noop("Password change"),
    gettext_noop("Password change successful"),
    # django/forms/widgets.py
    gettext_noop("Currently"),
    # django/utils/dateformat.py
    gettext_noop("midnight"),
    gettext_noop("noon"),
    # django/utils/dates.py
    gettext_noop("Friday"),
    gettext_noop("Mon"),
    gettext_noop("Tue"),
    gettext_noop("Wed"),
    gettext_noop("Thu"),
    gettext_noop("Fri"),
    gettext_noop("Sat"),
    gettext_noop("Sun"),
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
    # django/contrib/auth/base_user.py
    gettext_noop("password"),
    # django/contrib/auth/templates/registration/password_reset_subject.txt
    gettext_noop("Password reset on %(site_name)s"),
)
