"""axe-core on every page in both languages, screenshots at 320 and 1280 px, no sideways scroll."""
import json

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from selenium_axe_python import Axe

from conftest import save_full_page, set_viewport

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def open_form(relay, driver, language, javascript):
    driver.get(f"{relay.address}/?lang={language}")
    if javascript:
        WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "contact-form").get_attribute("data-sealing") == "ready")


def pages(relay, driver, language, javascript):
    """Visits each page a person can reach, yielding a name for each.

    With JavaScript on, `form.submit()` (which skips the sealing script) reaches the pages a
    browser without JavaScript gets, so one browser can visit both kinds.
    """
    open_form(relay, driver, language, javascript)
    yield "form"
    if javascript:
        driver.find_element(By.ID, "wants_contact").click()
        yield "form-contact-questions-revealed"
    driver.find_element(By.ID, "wants_contact").click()
    driver.find_element(By.CSS_SELECTOR, "#contact-form button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "error-summary"))
    yield "form-with-errors"
    if javascript:
        open_form(relay, driver, language, javascript)
        driver.find_element(By.ID, "wants_contact").click()
        driver.execute_script("document.getElementById('contact-form').submit();")
        WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "error-summary"))
        yield "form-with-server-errors"
    open_form(relay, driver, language, javascript)
    driver.find_element(By.ID, "message").send_keys("A message for the accessibility audit.")
    driver.find_element(By.CSS_SELECTOR, "#contact-form button[type=submit]").click()
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CLASS_NAME, "receipt"))
    yield "receipt"
    if javascript:
        open_form(relay, driver, language, javascript)
        driver.find_element(By.ID, "message").send_keys("Sealed by the server this time.")
        driver.execute_script("document.getElementById('contact-form').submit();")
        WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CLASS_NAME, "receipt"))
        yield "receipt-server-sealed"
    driver.get(f"{relay.address}/no-such-page?lang={language}")
    yield "not-found"
    for page in ["staying-safe", "privacy", "accessibility"]:
        driver.get(f"{relay.address}/{page}?lang={language}")
        yield page


def is_govuk_conditional_reveal(violation):
    """GOV.UK's one known axe finding, kept on purpose (alphagov/govuk-frontend#979): aria-expanded
    on a radio button that reveals questions under it (Yes to contact, and each contact method).
    Exactly that, and nothing else."""
    return violation["id"] == "aria-allowed-attr" and all(
        node["html"].startswith('<input type="radio"') and 'aria-controls="' in node["html"]
        and "aria-expanded" in node["failureSummary"] and "aria-controls" not in node["failureSummary"]
        for node in violation["nodes"])


@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_page_passes_axe(relay, browser, language):
    # axe-core runs as a script, so the browser has JavaScript on; pages() also reaches the pages
    # a browser without it gets.
    driver = browser(javascript=True)
    audited = []
    for name in pages(relay, driver, language, javascript=True):
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == language
        axe = Axe(driver)
        axe.inject()
        results = axe.run(options=json.dumps({"runOnly": {"type": "tag", "values": TAGS}}))
        violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in results["violations"]
                      if not is_govuk_conditional_reveal(v)]
        assert violations == [], f"{name} ({language}): {violations}"
        assert len(results["passes"]) >= 5, f"{name}: axe checked almost nothing"
        save_full_page(driver, f"{name}-{language}-1280-javascript")
        audited.append(name)
    assert audited == ["form", "form-contact-questions-revealed", "form-with-errors", "form-with-server-errors",
                       "receipt", "receipt-server-sealed", "not-found", "staying-safe", "privacy", "accessibility"]


@pytest.mark.parametrize("language", ["en", "cy"])
def test_screenshots_and_no_sideways_scroll_at_320px(relay, browser, language):
    driver = browser(javascript=False)
    for width in (320, 1280):
        set_viewport(driver, width, 900)
        for name in pages(relay, driver, language, javascript=False):
            save_full_page(driver, f"{name}-{language}-{width}")
            if width == 320:
                overflow = driver.execute_script(
                    "var w = document.documentElement.clientWidth; return Array.from(document.querySelectorAll('body *'))"
                    ".filter(function (e) { var r = e.getBoundingClientRect(); return r.right > w + 1 && r.width > 1"
                    " && getComputedStyle(e).position !== 'absolute'; }).map(function (e) { return e.tagName + '#' + e.id; });")
                assert overflow == [], f"{name} ({language}) overflows at 320 px: {overflow}"
                assert driver.execute_script("return document.documentElement.scrollWidth") <= 320


def test_language_link_switches_language(relay, browser):
    driver = browser(javascript=False)
    driver.get(relay.address + "/")
    link = driver.find_element(By.CSS_SELECTOR, ".language-switch a")
    assert link.text == "Cymraeg" and link.get_attribute("lang") == "cy"
    link.click()
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "cy"
    assert "Anfon eich neges" in driver.find_element(By.CSS_SELECTOR, "#contact-form button[type=submit]").text
    assert driver.get_cookies() == []
