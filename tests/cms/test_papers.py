"""Background papers: reader's language first, file type and size, missing files, access."""

from __future__ import annotations

import os

import pytest

from cms.models import BackgroundPaper
from cms.selectors import papers_for
from tests.cms.conftest import make_document, make_event
from tests.factories import paper_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(index):
    event = make_event(index)
    paper_create(
        event,
        {
            "en": make_document("Concept EN", b"x" * 2048, "concept-en.pdf"),
            "ru": make_document("Concept RU", b"y" * 4096, "concept-ru.pdf"),
            "uk": make_document("Concept UK", b"z" * 1024, "concept-uk.docx"),
        },
        sort_order=0,
        title="Concept note",
    )
    paper_create(
        event,
        {"en": make_document("Needs EN", b"n" * 100, "needs-en.pdf")},
        sort_order=1,
        title="Needs assessment",
        access="participants",
    )
    return event


def test_reader_language_comes_first_then_the_others(event):
    papers = papers_for(event, participant=False, language="ru")

    concept = papers[0]
    assert [f.language for f in concept.files] == ["ru", "en", "uk"]
    assert (concept.first.extension, concept.first.size) == ("PDF", 4096)
    assert concept.files[2].extension == "DOCX"


def test_participants_only_paper_is_listed_without_links_for_the_public(event, client):
    public = papers_for(event, participant=False, language="en")
    participant = papers_for(event, participant=True, language="en")

    assert [(p.title, p.restricted, len(p.files)) for p in public] == [
        ("Concept note", False, 3),
        ("Needs assessment", True, 0),
    ]
    assert participant[1].restricted is False
    assert participant[1].first.url.endswith("needs-en.pdf")
    html = client.get(event.url).content.decode()
    assert "Needs assessment" in html
    assert "needs-en.pdf" not in html
    assert "For registered participants" in html


def test_page_offers_file_type_and_size(event, client):
    html = client.get(event.url).content.decode()

    assert "(PDF, 2.0\xa0KB)" in html
    assert 'hreflang="en"' in html


def test_paper_whose_file_is_missing_is_not_listed(event, client):
    paper = BackgroundPaper.objects.get(title="Needs assessment")
    os.remove(paper.documents()["en"].file.path)

    papers = papers_for(event, participant=True, language="en")

    assert [p.title for p in papers] == ["Concept note"]
    assert "Needs assessment" not in client.get(event.url).content.decode()


def test_a_missing_language_file_is_left_out_of_the_paper(event):
    paper = BackgroundPaper.objects.get(title="Concept note")
    os.remove(paper.documents()["ru"].file.path)

    files = papers_for(event, participant=False, language="ru")[0].files

    assert [f.language for f in files] == ["en", "uk"]
