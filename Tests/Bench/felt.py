"""The form as a person on a cheap phone on a poor connection feels it (issue 15), for bench.py.

Headless Chromium, its CPU slowed six times (CDP Emulation.setCPUThrottlingRate) and its network
shaped as Lighthouse's "slow 4G" (150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up, CDP
Network.emulateNetworkConditions). Measures what the form page costs to fetch with all it loads,
and the time from pressing Send to the receipt showing, with JavaScript on (proof of work and
sealing in the slowed page) and off.
"""
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "Live"))
from conftest import make_browser  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CPU_SLOWDOWN = 6
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
# A person takes longer than this to write; pressing Send sooner would add the rest of the
# relay's min_seconds_on_page (and a second) to the wait, which is the page's rule, not its speed.
WRITING_SECONDS = 4.5


def slowed_browser(javascript):
    driver = make_browser(javascript=javascript, width=360, height=800)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", SLOW_4G)
    driver.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return driver


def first_visit(driver, address):
    """Bytes over the wire for the form page and everything it loads, with nothing cached."""
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    driver.get(address + "/")
    WebDriverWait(driver, 60).until(
        lambda d: d.find_element(By.ID, "contact-form").get_attribute("data-sealing") == "ready")
    entries = driver.execute_script(
        "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
        ".map(function (e) { return [e.name, e.transferSize, e.encodedBodySize]; })")
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": False})
    return entries


def send_once(driver, address, message, javascript):
    """Seconds from pressing Send to the receipt being on the screen."""
    driver.get(address + "/")
    opened = time.monotonic()
    if javascript:
        WebDriverWait(driver, 60).until(
            lambda d: d.find_element(By.ID, "contact-form").get_attribute("data-sealing") == "ready")
    driver.execute_script("document.getElementById('message').value = arguments[0];", message)
    time.sleep(max(0.0, WRITING_SECONDS - (time.monotonic() - opened)))
    button = driver.find_element(By.CSS_SELECTOR, "#contact-form button[type=submit]")
    pressed = time.monotonic()
    button.click()
    WebDriverWait(driver, 60, poll_frequency=0.02).until(lambda d: d.find_elements(By.CLASS_NAME, "receipt"))
    return time.monotonic() - pressed


def measure(address, message, sends):
    """The rows for bench.py's table: (measure, result, ratio or target)."""
    rows = []
    driver = slowed_browser(javascript=True)
    try:
        entries = first_visit(driver, address)
        total = sum(size for _, size, _ in entries)
        rows.append((f"form page with all it loads, first visit ({len(entries)} requests)",
                     f"{total / 1024:.1f} KB transferred ({sum(body for _, _, body in entries) / 1024:.1f} KB of bodies)",
                     "target ≤ 100 KB"))
        times = {True: [send_once(driver, address, message, True) for _ in range(sends)]}
    finally:
        driver.quit()
    driver = slowed_browser(javascript=False)
    try:
        times[False] = [send_once(driver, address, message, False) for _ in range(sends)]
    finally:
        driver.quit()
    for javascript in (True, False):
        taken = sorted(times[javascript])
        p95 = taken[min(len(taken) - 1, round(0.95 * (len(taken) - 1)))]
        rows.append((f"Send → receipt, JavaScript {'on (proof of work, sealing)' if javascript else 'off'}, "
                     f"CPU ×{CPU_SLOWDOWN}, slow 4G, {sends} sends",
                     f"median {statistics.median(taken):.2f} s  p95 {p95:.2f} s  slowest {taken[-1]:.2f} s",
                     "target p95 ≤ 2 s" if javascript else ""))
    return rows
