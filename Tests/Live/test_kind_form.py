"""The form as a frightened person meets it, with JavaScript on and off, in English and Welsh.

Both paths must treat a mistake the same way (issue 15): a summary of links that takes focus,
each field's message above it, "Error:" in the title. Every refusal keeps what was typed. The
contact questions appear under Yes. The page says, before Send, how the message will be
protected, and the receipt says the same. Headings and buttons do not touch the bars around them.
"""

import json

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ROOT, posted_bodies, set_viewport
from test_journeys import submit_and_wait_for_receipt

LANGUAGES = ["en", "cy"]

ERRORS_AS_SHOWN = """
    var summary = document.getElementById('error-summary');
    return {
      title: document.title,
      focused: document.activeElement && document.activeElement.id,
      items: Array.from(summary.querySelectorAll('li')).map(function (item) {
        var link = item.querySelector('a');
        return [item.textContent.trim(), link ? link.getAttribute('href') : null];
      }),
      kept: summary.querySelector('p').textContent,
      inline: Array.from(document.querySelectorAll('.error-message')).map(function (line) {
        return [line.id, line.textContent.trim()];
      }),
      marked: Array.from(document.querySelectorAll('.form-group-error')).map(function (group) {
        return group.querySelector('input, textarea, select').id;
      }),
      invalid: Array.from(document.querySelectorAll('[aria-invalid=true]')).map(function (e) { return e.id; }),
      ticked: Array.from(document.querySelectorAll('input[name=category]:checked')).map(function (e) {
        return e.value;
      }),
      described: Array.from(document.querySelectorAll('[aria-describedby*="-error"]')).map(function (e) {
        return e.getAttribute('aria-describedby');
      })
    };
"""


def open_form(driver, relay, language, javascript):
    driver.get(f"{relay.address}/?lang={language}")
    if javascript:
        WebDriverWait(driver, 10).until(
            lambda d: d.find_element(By.ID, "contact-form").get_attribute("data-sealing") == "ready")


def make_mistakes(driver, method, details):
    """Yes to contact with `details` under `method` (or no method), no message, and a place far
    too long (with two categories ticked, which must stay ticked)."""
    driver.find_element(By.ID, "category").click()  # the first box, race, carries the field's id
    driver.find_element(By.ID, "category-age").click()
    driver.find_element(By.ID, "wants_contact").click()
    if method:
        driver.find_element(By.ID, "contact_method" if method == "email" else f"contact_method-{method}").click()
        if details:
            driver.find_element(By.ID, f"contact_details_{method}").send_keys(details)
    driver.execute_script("document.getElementById('where').value = 'x'.repeat(1001);")
    driver.find_element(By.CSS_SELECTOR, "#contact-form button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "error-summary"))


# (language, method, details typed, the error about them in English, or None for Welsh)
MISTAKES = [
    ("en", None, None, "Choose how the group should contact you"),
    ("cy", None, None, None),
    ("en", "email", "name.example.com", "Enter an email address in the right form, like name@example.com"),
    ("cy", "email", "enw@enghraifft", None),
    ("en", "phone", "12345", "Enter a phone number, like 07700 900 982 or +44 7700 900 982"),
    ("en", "text", "029 2000 0000", "Enter a mobile phone number for text messages, like 07700 900 982"),
    ("en", "letter", None, "Enter your postal address"),
]


@pytest.mark.parametrize("language,method,details,said", MISTAKES,
                         ids=[f"{m[0]}-{m[1] or 'no-method'}" for m in MISTAKES])
def test_both_paths_show_the_same_errors_the_same_way(relay, browser, language, method, details, said):
    shown = {}
    for javascript in (False, True):
        driver = browser(javascript=javascript)
        open_form(driver, relay, language, javascript)
        make_mistakes(driver, method, details)
        if javascript:
            assert posted_bodies(driver) == [], "the script finds the mistakes itself; nothing is sent"
        shown[javascript] = driver.execute_script(ERRORS_AS_SHOWN)
    without, with_script = shown[False], shown[True]
    assert without == with_script
    prefix = {"en": "Error: ", "cy": "Gwall: "}[language]
    assert without["title"].startswith(prefix) and without["focused"] == "error-summary"
    about = "contact_method" if method is None else f"contact_details_{method}"
    assert [href for _, href in without["items"]] == ["#message", "#where", f"#{about}"]
    assert [line_id for line_id, _ in without["inline"]] == ["message-error", "where-error", f"{about}-error"]
    assert without["invalid"] == ["message", "where"] + ([about] if method else [])
    assert without["ticked"] == ["race", "age"]
    if said:
        assert without["items"][-1][0] == said


def test_the_page_checks_details_with_the_relays_own_patterns(relay, browser):
    """The cases the relay's patterns are tested with (ContactDetailsInputTests), through the
    script's own check, with the patterns the page publishes."""
    cases = json.loads((ROOT / "Tests" / "Support" / "contact-details-cases.json").read_text())["cases"]
    driver = browser(javascript=True)
    open_form(driver, relay, "en", True)
    results = driver.execute_script(
        "return arguments[0].map(function (item) { return BlindRelay.acceptsDetails(item[0], item[1]); });", cases)
    assert [(method, details, accepted) for (method, details, _), accepted in zip(cases, results)] == \
        [tuple(item) for item in cases]


@pytest.mark.parametrize("method,details,shown", [
    ("email", " sam@example.org ", "sam@example.org"), ("phone", "+44 (0)29 2000 0000", "+44 (0)29 2000 0000"),
    ("text", "07700 900-982", "07700 900-982"), ("letter", "1 High Street\nCardiff\nCF10 1AA", "CF10 1AA")])
def test_each_methods_details_reach_the_chair_as_typed(relay, browser, method, details, shown):
    driver = browser(javascript=True)
    open_form(driver, relay, "en", True)
    driver.find_element(By.ID, "message").send_keys("Please get in touch")
    driver.find_element(By.ID, "wants_contact").click()
    driver.find_element(By.ID, "contact_method" if method == "email" else f"contact_method-{method}").click()
    driver.find_element(By.ID, f"contact_details_{method}").send_keys(details)
    submit_and_wait_for_receipt(driver)
    read = relay.pull_and_read(1)
    assert shown in read, read


@pytest.mark.parametrize("javascript", [False, True], ids=["javascript-off", "javascript-on"])
def test_a_full_service_keeps_the_text_and_gives_another_way(relay_factory, browser, javascript):
    relay = relay_factory(max_stored_envelopes=1, other_ways="Ring the group's secretary on 029 2000 0000.")
    driver = browser(javascript=javascript)
    open_form(driver, relay, "en", javascript)
    driver.find_element(By.ID, "message").send_keys("The first fills the store")
    submit_and_wait_for_receipt(driver)
    open_form(driver, relay, "en", javascript)
    driver.find_element(By.ID, "message").send_keys("FULL-CANARY kept on the page")
    driver.find_element(By.ID, "wants_contact").click()
    driver.find_element(By.ID, "contact_method-phone").click()
    driver.find_element(By.ID, "contact_details_phone").send_keys("07700 900123")
    driver.find_element(By.CSS_SELECTOR, "#contact-form button[type=submit]").click()
    summary = WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, "error-summary"))
    assert "full just now" in summary.text and "029 2000 0000" in summary.text, summary.text
    assert "still in the form" in summary.text
    assert driver.find_element(By.ID, "message").get_attribute("value") == "FULL-CANARY kept on the page"
    assert driver.find_element(By.ID, "contact_details_phone").get_attribute("value") == "07700 900123"
    assert driver.execute_script("return document.activeElement.id") == "error-summary"


def test_a_form_opened_before_a_restart_still_sends(relay, browser):
    driver = browser(javascript=True)
    open_form(driver, relay, "en", True)
    driver.find_element(By.ID, "message").send_keys("Typed while the relay restarted")
    relay.stop()
    relay.start()
    submit_and_wait_for_receipt(driver)
    assert "Typed while the relay restarted" in relay.pull_and_read(1)


def test_the_contact_questions_appear_under_yes_by_keyboard(relay, browser):
    driver = browser(javascript=True)
    open_form(driver, relay, "en", True)
    questions = driver.find_element(By.ID, "contact-questions")
    yes = driver.find_element(By.ID, "wants_contact")
    assert not questions.is_displayed()
    assert yes.get_attribute("aria-controls") == "contact-questions"
    assert yes.get_attribute("aria-expanded") == "false"
    # Keyboard only: Tab from the last field before the question reaches the radio group, Space
    # chooses Yes, the arrow keys move to No.
    driver.find_element(By.ID, "when").click()
    driver.switch_to.active_element.send_keys(Keys.TAB)
    assert driver.switch_to.active_element.get_attribute("id") == "wants_contact"
    driver.switch_to.active_element.send_keys(Keys.SPACE)
    assert questions.is_displayed() and yes.get_attribute("aria-expanded") == "true"
    driver.switch_to.active_element.send_keys(Keys.TAB)
    assert driver.switch_to.active_element.get_attribute("id") == "contact_name"
    driver.switch_to.active_element.send_keys(Keys.SHIFT, Keys.TAB)
    driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    assert driver.switch_to.active_element.get_attribute("id") == "wants_contact-no"
    assert not questions.is_displayed() and yes.get_attribute("aria-expanded") == "false"
    # Details typed, then No: hidden, so neither sent nor an error.
    driver.find_element(By.ID, "wants_contact").click()
    driver.find_element(By.ID, "contact_method-phone").click()
    driver.find_element(By.ID, "contact_details_phone").send_keys("HIDDEN-CANARY 07700 900999")
    driver.find_element(By.ID, "wants_contact-no").click()
    driver.find_element(By.ID, "message").send_keys("No contact, please")
    submit_and_wait_for_receipt(driver)
    read = relay.pull_and_read(1)
    assert "No contact, please" in read and "HIDDEN-CANARY" not in read


def test_without_javascript_the_contact_questions_show_and_say_they_are_for_yes(relay, browser):
    driver = browser(javascript=False)
    open_form(driver, relay, "cy", False)
    questions = driver.find_element(By.ID, "contact-questions")
    assert questions.is_displayed()
    assert "dim ond os dewisoch ‘Hoffwn’" in questions.text
    hint = driver.find_element(By.ID, "wants_contact-hint")
    fieldset = driver.find_element(By.CSS_SELECTOR, "fieldset[aria-describedby~='wants_contact-hint']")
    assert "Dim ond y grŵp" in hint.text and fieldset.is_displayed()


@pytest.mark.parametrize("javascript", [False, True], ids=["javascript-off", "javascript-on"])
def test_the_page_says_how_the_message_will_be_protected_before_send_and_the_receipt_agrees(
        relay, browser, javascript):
    driver = browser(javascript=javascript)
    open_form(driver, relay, "en", javascript)
    promise = driver.find_element(By.ID, "protection").text
    if javascript:
        assert "locked (encrypted) on this phone or computer before it is sent" in promise
        assert "memory" not in promise
    else:
        assert "as soon as it reaches the website" in promise
        assert "in the memory of a computer the police run" in promise
    driver.find_element(By.ID, "message").send_keys("What was promised")
    submit_and_wait_for_receipt(driver)
    sealed_by = driver.find_element(By.ID, "sealed-by").text
    assert ("on your own phone or computer before it was sent" in sealed_by) == javascript
    assert ("in the memory of a computer the police run" in sealed_by) == (not javascript)
    assert "What happens next" in driver.find_element(By.TAG_NAME, "main").text


@pytest.mark.parametrize("width", [320, 1280])
def test_nothing_touches_the_bars_and_the_receipt_code_stays_on_one_line(relay, browser, width):
    driver = browser(javascript=False)
    set_viewport(driver, width, 900)
    open_form(driver, relay, "cy", False)
    gaps = driver.execute_script("""
        var box = function (selector) { return document.querySelector(selector).getBoundingClientRect(); };
        return [box('h1').top - box('header').bottom, box('footer').top - box('#contact-form button[type=submit]').bottom];""")
    assert all(gap >= 20 for gap in gaps), gaps
    driver.find_element(By.ID, "message").send_keys("A short message")
    submit_and_wait_for_receipt(driver)
    code = driver.find_element(By.CLASS_NAME, "receipt")
    height, line = driver.execute_script(
        "var s = getComputedStyle(arguments[0]); return [arguments[0].getBoundingClientRect().height,"
        " parseFloat(s.lineHeight) || parseFloat(s.fontSize) * 1.5];", code)
    assert height < line * 1.5, (height, line)
    assert driver.execute_script("return document.documentElement.scrollWidth") <= width


def test_a_browser_that_prefers_welsh_gets_welsh_and_the_footer_pages_follow(relay, browser):
    driver = browser(javascript=True)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setUserAgentOverride",
                           {"userAgent": driver.execute_script("return navigator.userAgent"),
                            "acceptLanguage": "cy-GB,cy;q=0.9,en;q=0.8"})
    driver.get(relay.address + "/")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "cy"
    assert driver.title == "Ysgrifennu at y Grŵp Cynghori Annibynnol ar Droseddau Casineb"
    links = driver.find_elements(By.CSS_SELECTOR, "footer nav a")
    assert [link.text for link in links] == ["Cadw'n ddiogel ar-lein", "Preifatrwydd", "Hygyrchedd"]
    links[1].click()
    WebDriverWait(driver, 10).until(
        lambda d: d.execute_script("var h = document.querySelector('h1'); return h && h.textContent") == "Preifatrwydd")
    assert "Swyddfa'r Comisiynydd Gwybodaeth" in driver.find_element(By.TAG_NAME, "main").text
    # A page of refusal keeps the language switch, to the form in the other language.
    driver.get(relay.address + "/no-such-page")
    switch = driver.find_element(By.CSS_SELECTOR, ".language-switch a")
    assert switch.text == "English"
    switch.click()
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.documentElement.lang") == "en")
    assert driver.find_element(By.ID, "contact-form").is_displayed()


def test_a_page_holding_the_text_switches_language_without_losing_it(relay, browser):
    driver = browser(javascript=False)
    open_form(driver, relay, "en", False)
    driver.find_element(By.ID, "message").send_keys("SWITCH-CANARY kept across languages")
    driver.find_element(By.ID, "wants_contact").click()
    driver.find_element(By.CSS_SELECTOR, "#contact-form button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "error-summary"))
    # The header's switch is a button that posts the form back, reached and pressed by keyboard.
    switch = driver.find_element(By.CSS_SELECTOR, ".language-switch button")
    assert switch.text == "Cymraeg"
    switch.send_keys(Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.documentElement.lang") == "cy")
    assert driver.find_element(By.ID, "message").get_attribute("value") == "SWITCH-CANARY kept across languages"
    assert driver.find_element(By.ID, "wants_contact").is_selected()
    assert not driver.find_elements(By.ID, "error-summary"), "switching language is not sending"
    assert driver.find_element(By.NAME, "form_language").get_attribute("value") == "cy"
    driver.find_element(By.ID, "contact_method-phone").click()
    driver.find_element(By.ID, "contact_details_phone").send_keys("07700 900982")
    submit_and_wait_for_receipt(driver)
    read = relay.pull_and_read(1)
    assert "SWITCH-CANARY" in read and "Form language:    cy" in read


def test_with_the_script_a_page_holding_the_text_offers_no_button_that_would_post_it_unlocked(relay, browser):
    driver = browser(javascript=True)
    open_form(driver, relay, "en", True)
    driver.find_element(By.ID, "message").send_keys("Sent without the script's help")
    driver.find_element(By.ID, "wants_contact").click()
    driver.execute_script("document.getElementById('contact-form').submit();")
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "error-summary"))
    WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.ID, "contact-form").get_attribute("data-sealing") == "ready")
    assert driver.find_elements(By.CSS_SELECTOR, "button[name=switch_language], .language-switch") == []
