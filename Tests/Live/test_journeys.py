"""The whole journey in a real browser, with JavaScript off and on, each read by `chair`."""
import json
import urllib.parse
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from conftest import posted_bodies

MESSAGE = "Someone shouted at us outside the mosque 😟\nשלום — مرحبا — Diolch.\n"


def fill(driver, message, contact=None):
    driver.find_element(By.ID, "message").send_keys(message)
    driver.find_element(By.ID, "category-religion-or-belief").click()
    driver.find_element(By.ID, "category-age").click()
    driver.find_element(By.ID, "where").send_keys("Cathays")
    if contact:
        driver.find_element(By.ID, "wants_contact").click()
        driver.find_element(By.ID, "contact_name").send_keys("Siân")
        driver.find_element(By.ID, "contact_method-phone").click()
        driver.find_element(By.ID, "contact_details_phone").send_keys(contact)
        driver.find_element(By.ID, "contact_voicemail-no").click()
        driver.find_element(By.ID, "contact_avoid").send_keys("Do not mention the police")


def submit_and_wait_for_receipt(driver):
    driver.find_element(By.CSS_SELECTOR, "#contact-form button[type=submit]").click()
    WebDriverWait(driver, 30).until(expected_conditions.presence_of_element_located((By.CLASS_NAME, "receipt")))
    return driver.find_element(By.CLASS_NAME, "receipt").text


@pytest.mark.parametrize("javascript", [False, True], ids=["javascript-off", "javascript-on"])
def test_message_and_contact_request_reach_the_chair(relay, browser, javascript):
    driver = browser(javascript=javascript)
    canary = "CANARY-" + uuid.uuid4().hex
    # A message.
    driver.get(relay.address + "/")
    if javascript:
        WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "contact-form").get_attribute("data-sealing") == "ready")
    fill(driver, MESSAGE + canary)
    code = submit_and_wait_for_receipt(driver)
    sealed_by = driver.find_element(By.ID, "sealed-by").text
    assert ("on your own phone or computer" in sealed_by) == javascript
    # A contact request.
    driver.get(relay.address + "/?lang=cy")
    if javascript:
        WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "contact-form").get_attribute("data-sealing") == "ready")
    # A phone number is checked: digits only, three of them from the canary.
    fill(driver, "Ffoniwch fi os gwelwch yn dda " + canary, contact="07700 900" + str(int(canary[-3:], 16) % 1000).zfill(3))
    submit_and_wait_for_receipt(driver)

    first = relay.pull_and_read(1)
    assert MESSAGE + canary in first
    assert "Category:         religion or belief, age" in first
    assert "Cathays" in first
    assert code in first
    second = relay.chair("read", "2").stdout.decode()
    assert "Ffoniwch fi os gwelwch yn dda" in second
    assert "Siân" in second and "phone call" in second and "no, do not leave a message" in second
    assert "Form language:    cy" in second
    # Both messages gave two categories: each counts once under each (two messages, four counts).
    stats = json.loads(relay.chair("stats", "--json", "--threshold", "1").stdout)
    counts = {row["category"]: row["count"] for row in stats["byCategory"]}
    assert counts["religion or belief"] == 2 and counts["age"] == 2 and counts["race"] == 0, counts

    bodies = posted_bodies(driver)
    assert len(bodies) == 2
    for url, body in bodies:
        decoded = urllib.parse.unquote_plus(body)
        if javascript:
            assert "envelope=" in body
            assert canary not in decoded and "Cathays" not in decoded and "07700" not in decoded
        else:
            assert canary in decoded


def test_javascript_shows_errors_without_sending_anything(relay, browser):
    driver = browser(javascript=True)
    driver.get(relay.address + "/")
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "contact-form").get_attribute("data-sealing") == "ready")
    driver.find_element(By.ID, "wants_contact").click()
    driver.find_element(By.CSS_SELECTOR, "#contact-form button[type=submit]").click()
    summary = WebDriverWait(driver, 10).until(expected_conditions.presence_of_element_located((By.ID, "error-summary")))
    assert "Enter your message" in summary.text
    assert "Choose how the group should contact you" in summary.text
    assert posted_bodies(driver) == []


def test_a_server_error_page_keeps_the_text_with_javascript_off(relay, browser):
    driver = browser(javascript=False)
    driver.get(relay.address + "/")
    driver.find_element(By.ID, "contact_details_email").send_keys("me@example.org")
    driver.find_element(By.ID, "message").send_keys("keep me")
    driver.find_element(By.CSS_SELECTOR, "#contact-form button[type=submit]").click()
    summary = WebDriverWait(driver, 10).until(expected_conditions.presence_of_element_located((By.CLASS_NAME, "error-summary")))
    assert "You did not choose ‘Yes’, but you gave contact details" in summary.text
    assert driver.find_element(By.ID, "message").get_attribute("value") == "keep me"
    assert driver.find_element(By.ID, "contact_details_email").get_attribute("value") == "me@example.org"
