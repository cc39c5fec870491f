"""The participant's follow-up survey, reached by their signed survey link: thin view."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from registration.links import LinkError, link_invalid_response, registration_from_key
from registration.links import private_page as _private
from registration.ratelimits import RATE_LIMIT_MESSAGE, rate_limited
from registration.reports.models import QuestionKind, Survey, SurveyResponse
from registration.reports.models.surveys import LIKERT_MAX, LIKERT_MIN
from registration.reports.services.surveys import SurveyError, survey_may_answer, survey_submit
from registration.selectors.registrations import event_in_language

REQUIRED = gettext_lazy("This question needs an answer.")


class SurveyForm(forms.Form):
    """One field per question (``q_<id>``), labelled in the page's language."""

    def __init__(self, *args, survey: Survey, language: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(survey.questions.all())
        for question in self.questions:
            label = question.text(language)
            errors = {"required": REQUIRED}
            if question.kind == QuestionKind.LIKERT:
                errors["invalid_choice"] = _("Choose a value from %(low)s to %(high)s.") % {
                    "low": LIKERT_MIN,
                    "high": LIKERT_MAX,
                }
                field = forms.TypedChoiceField(
                    choices=[(str(v), str(v)) for v in range(LIKERT_MIN, LIKERT_MAX + 1)],
                    coerce=int,
                    widget=forms.RadioSelect(attrs={"class": "likert"}),
                    help_text=_("1 = very low, 5 = very high"),
                )
            elif question.kind == QuestionKind.SINGLE:
                errors["invalid_choice"] = _("Choose one of the answers offered.")
                field = forms.TypedChoiceField(
                    choices=[(str(i), c) for i, c in enumerate(question.choices(language))],
                    coerce=int,
                    widget=forms.RadioSelect,
                )
            elif question.kind == QuestionKind.MULTIPLE:
                errors["invalid_choice"] = _("Choose only among the answers offered.")
                field = forms.TypedMultipleChoiceField(
                    choices=[(str(i), c) for i, c in enumerate(question.choices(language))],
                    coerce=int,
                    widget=forms.CheckboxSelectMultiple,
                    help_text=_("Choose all that apply."),
                )
            else:
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 4}),
                    max_length=5000,
                    error_messages={
                        "max_length": _("Please keep your answer under 5,000 characters.")
                    },
                )
            field.label = label
            field.required = question.required
            field.error_messages.update(errors)
            self.fields[f"q_{question.pk}"] = field

    def answers(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(f"q_{q.pk}") for q in self.questions}


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, key: str) -> HttpResponse:
    """Show the event's survey in the page's language; take one response per participant."""
    language = (get_language() or "en")[:2]
    try:
        registration = registration_from_key(key, purpose="survey")
    except LinkError as exc:
        return link_invalid_response(request, exc)
    # The event's title and texts in the page's language (its copy), the source where none.
    event = event_in_language(registration.event, language)
    survey_obj = Survey.objects.filter(event_id=registration.event_id).first()
    context = {"event": event, "survey": survey_obj, "registration": registration}
    if survey_obj is None:
        return _private(render(request, "registration/survey/none.html", context, status=404))
    response = SurveyResponse.objects.filter(survey=survey_obj, registration=registration).first()
    if response is not None:
        if request.method == "POST":
            messages.warning(
                request, _("You have already answered this survey; your first answers are kept.")
            )
        return _private(
            render(request, "registration/survey/done.html", {**context, "response": response})
        )
    if not survey_obj.accepting or not survey_may_answer(registration=registration):
        return _private(render(request, "registration/survey/closed.html", context))
    form = SurveyForm(request.POST or None, survey=survey_obj, language=language)
    limited = request.method == "POST" and rate_limited(
        request, scope="survey", email=registration.email
    )
    if limited:
        form.is_valid()
        form.add_error(None, RATE_LIMIT_MESSAGE)
    elif request.method == "POST" and form.is_valid():
        try:
            survey_submit(
                registration=registration,
                survey=survey_obj,
                answers=form.answers(),
                language=language,
            )
        except SurveyError as exc:
            if exc.code == "already_answered":
                messages.warning(
                    request,
                    _("You have already answered this survey; your first answers are kept."),
                )
                return HttpResponseRedirect(request.path)
            form.add_error(f"q_{exc.field}" if exc.field else None, str(exc))
        else:
            messages.success(request, _("Thank you: your answers have been recorded."))
            return HttpResponseRedirect(request.path)
    status = 429 if limited else 400 if form.errors else 200
    return _private(
        render(request, "registration/survey/form.html", {**context, "form": form}, status=status)
    )
