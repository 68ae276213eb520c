"""How hard the public pages are to read: each English page at Flesch–Kincaid grade 5 or below
(a reading age of 9 to 10, which GOV.UK aims at), scored with textstat on the words a person
reads, as the relay serves them with the host's defaults. textstat cannot score Welsh: the Welsh
pages are held to the same length of sentence instead, and listed for a native speaker's review.
"""
import html.parser
import urllib.parse
import urllib.request

import pytest
import textstat

from test_bad_input import fetch_token

BLOCKS = {"p", "h1", "h2", "label", "legend", "li", "option", "button", "title", "a"}
HIGHEST_GRADE = 5.0
LONGEST_AVERAGE_SENTENCE = 14


class ReadText(html.parser.HTMLParser):
    """The text of <main>, one sentence-ended line per block (a label is a sentence too)."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.in_script = False
        self.lines = [""]

    def handle_starttag(self, tag, attributes):
        if tag == "main":
            self.depth += 1
        self.in_script = tag == "script"
        if tag in BLOCKS:
            self.lines.append("")

    def handle_endtag(self, tag):
        self.in_script = False
        if tag == "main":
            self.depth -= 1
        if tag in BLOCKS:
            self.lines.append("")

    def handle_data(self, data):
        if self.depth > 0 and not self.in_script:
            self.lines[-1] += data

    def text(self):
        lines = [" ".join(line.split()) for line in self.lines]
        return "\n".join(line if line[-1] in ".?!:…" else line + "." for line in lines if line)


def page_text(body):
    reader = ReadText()
    reader.feed(body)
    return reader.text()


def pages(relay, language):
    get = lambda path: urllib.request.urlopen(f"{relay.address}{path}", timeout=10).read().decode()

    def post(fields):
        body = urllib.parse.urlencode({"form_token": fetch_token(relay), "form_language": language, **fields})
        request = urllib.request.Request(f"{relay.address}/submit?lang={language}", data=body.encode())
        try:
            return urllib.request.urlopen(request, timeout=10).read().decode()
        except urllib.error.HTTPError as refusal:
            return refusal.read().decode()

    yield "form", get(f"/?lang={language}")
    yield "form-with-errors", post({"wants_contact": "yes", "where": "x" * 1001})
    yield "receipt", post({"message": "A message to score the receipt"})
    for name in ["staying-safe", "privacy", "accessibility"]:
        yield name, get(f"/{name}?lang={language}")


def sentences(text):
    return max(1, textstat.sentence_count(text))


@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_public_page_is_easy_to_read(relay, language, capsys):
    scores = []
    for name, body in pages(relay, language):
        text = page_text(body)
        words = textstat.lexicon_count(text)
        assert words > 20, f"{name}: almost nothing to read: {text!r}"
        average = words / sentences(text)
        grade = textstat.flesch_kincaid_grade(text) if language == "en" else None
        scores.append((name, grade, round(average, 1), words))
    with capsys.disabled():
        for name, grade, average, words in scores:
            print(f"\n  reading {language} {name}: grade {grade}, {average} words a sentence, {words} words", end="")
    for name, grade, average, _ in scores:
        if grade is not None:
            assert grade <= HIGHEST_GRADE, f"{name} ({language}) reads at grade {grade}"
        assert average <= LONGEST_AVERAGE_SENTENCE, f"{name} ({language}): {average} words a sentence"


def test_the_score_can_fail():
    hard = ("Notwithstanding the aforementioned considerations, the organisation's comprehensive "
            "administrative infrastructure necessitates substantial documentation.")
    assert textstat.flesch_kincaid_grade(hard) > HIGHEST_GRADE
    assert page_text("<main><label>Your name</label><p>Hello there.</p></main>") == "Your name.\nHello there."
