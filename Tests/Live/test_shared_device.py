"""A person on a shared or watched phone: nothing they typed is there for the next person.

Chromium keeps even `no-store` pages in its back/forward cache, so with JavaScript off Back after
the receipt used to show the form with the whole message and contact details in it (this test
found it); the receipt page now loads /forget, whose `Clear-Site-Data: "cache"` drops the form
page from that cache, and every typed field has autocomplete="off", so nothing is restored.

(Issue 15 has the rest: Exit this page, the staying-safe page, and the reload of a receipt,
which single-use form tokens already turn into "this message was already sent".)"""
import http.server
import re
import threading
import urllib.request

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from test_journeys import fill, submit_and_wait_for_receipt

TYPED = ["BACK-CANARY what happened at the bus stop", "Cathays", "Siân", "07700 900555", "Do not mention the police"]


@pytest.mark.parametrize("javascript", [False, True], ids=["javascript-off", "javascript-on"])
def test_back_after_the_receipt_shows_nothing_that_was_typed(relay, browser, javascript):
    driver = browser(javascript=javascript)
    driver.get(relay.address + "/?lang=cy")
    driver.get(relay.address + "/")
    if javascript:
        WebDriverWait(driver, 10).until(
            lambda d: d.find_element(By.ID, "contact-form").get_attribute("data-sealing") == "ready")
    fill(driver, TYPED[0], contact=TYPED[3])
    submit_and_wait_for_receipt(driver)
    driver.back()
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")
    shown = driver.execute_script(
        "return Array.from(document.querySelectorAll('input[type=text], textarea')).map(e => e.value)"
        " .concat([document.body.innerText])")
    for text in TYPED:
        assert not any(text in value for value in shown), f"{text!r} is still on the page after Back: {shown}"
    assert driver.execute_script("return document.querySelectorAll('#contact-form input:checked').length") == 0


def test_no_typed_field_is_kept_in_the_browsers_form_history(relay):
    page = urllib.request.urlopen(relay.address + "/", timeout=10).read().decode()
    assert re.search(r'<form [^>]*autocomplete="off"', page)
    controls = re.findall(r"<(?:input type=\"(?:text|email|tel)\"|textarea)[^>]*>", page)
    assert len(controls) >= 10, controls
    assert sum('type="email"' in control or 'type="tel"' in control for control in controls) == 3
    for control in controls:
        assert 'autocomplete="off"' in control, control


@pytest.fixture
def neutral_site():
    """Stands in for the neutral site Exit this page leaves for (BBC Weather by default)."""
    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"<!DOCTYPE html><title>Weather</title><p>Sunny intervals"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *arguments):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("javascript", [False, True], ids=["javascript-off", "javascript-on"])
def test_exit_this_page_leaves_for_the_neutral_site(relay_factory, browser, neutral_site, javascript):
    relay = relay_factory(exit_url=neutral_site + "/weather")
    driver = browser(javascript=javascript)
    driver.get(neutral_site + "/before")
    driver.get(relay.address + "/?lang=cy")
    button = driver.find_element(By.ID, "exit-this-page")
    assert button.text.startswith("Gadael y dudalen hon")
    driver.find_element(By.ID, "message").send_keys("EXIT-CANARY")
    button.click()
    WebDriverWait(driver, 10).until(lambda d: d.current_url == neutral_site + "/weather")
    if javascript:
        # The form was replaced in the tab's history: Back goes to what came before it.
        driver.back()
        WebDriverWait(driver, 10).until(lambda d: d.current_url == neutral_site + "/before")


def test_shift_three_times_leaves_too(relay_factory, browser, neutral_site):
    relay = relay_factory(exit_url=neutral_site + "/weather")
    driver = browser(javascript=True)
    driver.get(relay.address + "/")
    WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.ID, "contact-form").get_attribute("data-sealing") == "ready")
    # Capital letters are typed with Shift held: they must not count.
    driver.find_element(By.ID, "message").send_keys("EXIT CANARY IN CAPITALS")
    assert driver.current_url.startswith(relay.address)
    actions = ActionChains(driver)
    actions.key_down(Keys.SHIFT).key_up(Keys.SHIFT).key_down(Keys.SHIFT).key_up(Keys.SHIFT).perform()
    assert driver.current_url.startswith(relay.address), "two presses are not three"
    actions = ActionChains(driver)
    actions.key_down(Keys.SHIFT).key_up(Keys.SHIFT).perform()
    WebDriverWait(driver, 10).until(lambda d: d.current_url == neutral_site + "/weather")

