"""One table of fields, one counting rule: the page's script and the relay count a value the
same way (Unicode code points) and agree on what is blank, on the same awkward inputs."""
import re
import urllib.parse

from test_delivery import port_of
from test_bad_input import fetch_token

import http.client

SAMPLES = {
    "thumbs up, skin tone": "👍🏽",
    "family, joined": "👨\u200d👩\u200d👧",
    "flag": "🏴\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f",
    "combining acute": "e\u0301",
    "Hangul jamo": "\u1100\u1161\u11a8",
    "CJK": "漢字",
    "Welsh": "Siân",
    "right to left": "مرحبا",
    "replacement character": "\ufffd",
}


def server_count(relay, text):
    """The count the relay reports for a contact name one over its 200-character limit."""
    connection = http.client.HTTPConnection("127.0.0.1", port_of(relay.address), timeout=10)
    connection.request("POST", "/submit", body=urllib.parse.urlencode({
        "form_token": fetch_token(relay), "message": "hello", "wants_contact": "yes", "contact_method": "email",
        "contact_details": "a@example.org", "contact_name": text}),
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    page = connection.getresponse().read().decode()
    connection.close()
    match = re.search(r"must be 200 characters or fewer. It is ([\d,]+) now", page)
    return int(match.group(1).replace(",", "")) if match else None


def test_the_script_and_the_relay_count_and_blank_alike(relay, browser):
    driver = browser()
    driver.get(relay.address + "/")
    assert driver.find_element("id", "contact-form").get_attribute("data-sealing") == "ready"
    for name, sample in SAMPLES.items():
        repeats = 200 // len(sample) + 1
        text = sample * repeats
        expected = len(text)  # Python counts code points
        assert expected > 200, name
        script = driver.execute_script("return BlindRelay.characterCount(arguments[0])", text)
        assert script == expected, (name, script, expected)
        assert server_count(relay, text) == expected, name
    # A lone surrogate (which a browser sends as U+FFFD) counts one, as U+FFFD does at the relay.
    assert driver.execute_script("return BlindRelay.characterCount('\\ud800x')") == 2
    # Blank: only White_Space code points, on both sides; U+FEFF and U+200B are not blank.
    for text, is_blank in [(" \t\n\u00a0\u3000\u2028", True), ("\ufeff", False), ("\u200b", False), ("", True)]:
        assert driver.execute_script("return BlindRelay.isBlank(arguments[0])", text) == is_blank, repr(text)
    # The page publishes the table the script works from.
    table = driver.execute_script("return JSON.parse(document.getElementById('submission-fields').textContent)")
    # The fields FORMAT.md began with are all there (a field added later joins them by its tag).
    assert {field["form"] for field in table} >= {
        "message", "category", "where", "when", "form_language", "contact_name", "contact_method",
        "contact_details", "contact_times", "contact_voicemail", "contact_language", "contact_avoid"}
    assert [field["tag"] for field in table] == sorted(field["tag"] for field in table)
