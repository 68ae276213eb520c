"""The real relay under load, watched for a blocked event loop.

Every connection and every task of the relay runs on two or so event loops; anything slow run on
one (a walk over 100,000 nonces, malloc_trim, a file written and renamed) delays every person on
it. The relay watches its loops itself and logs "ran N ms late" when one was held up; this test
loads it with form posts, the chair's signed pulls and acknowledgements (which fill the nonce
cache and delete rows) and health checks at once, and asserts the loops never fell behind and a
health check never waited. Blocking a loop on purpose (a 300 ms sleep in the health handler, tried
while writing this) makes both assertions fail.
"""
import http.client
import re
import threading
import time
import urllib.parse

OPEN_SETTINGS = dict(client_burst=1_000_000, client_submissions_per_hour=1_000_000, intake_burst=1_000_000,
                     intake_submissions_per_minute=1_000_000)
SECONDS = 8


def port_of(address):
    return int(address.rsplit(":", 1)[1])


def test_no_event_loop_falls_behind_under_load(relay_factory):
    relay = relay_factory(**OPEN_SETTINGS)
    stop = threading.Event()
    posted, pulls, health = [], [], []
    failures = []

    def post_forms(index):
        connection = http.client.HTTPConnection("127.0.0.1", port_of(relay.address), timeout=10)
        try:
            while not stop.is_set():
                connection.request("GET", "/")
                page = connection.getresponse().read().decode()
                token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
                body = urllib.parse.urlencode({"form_token": token, "message": f"load test {index} " * 40})
                connection.request("POST", "/submit", body=body,
                                   headers={"Content-Type": "application/x-www-form-urlencoded"})
                response = connection.getresponse()
                response.read()
                (posted if response.status == 200 else failures).append(response.status)
        except Exception as error:  # reported below, with the relay's log
            failures.append(repr(error))
        finally:
            connection.close()

    def pull_repeatedly():
        while not stop.is_set():
            pulls.append(relay.chair("pull", "--relay", relay.address, check=False).returncode)

    def check_health():
        connection = http.client.HTTPConnection("127.0.0.1", port_of(relay.address), timeout=10)
        while not stop.is_set():
            start = time.monotonic()
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            health.append(time.monotonic() - start)
            time.sleep(0.02)
        connection.close()

    threads = [threading.Thread(target=post_forms, args=(index,)) for index in range(3)]
    threads += [threading.Thread(target=pull_repeatedly), threading.Thread(target=check_health)]
    for thread in threads:
        thread.start()
    time.sleep(SECONDS)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    log = relay.log_path.read_text(errors="replace")
    assert not failures, f"{failures[:5]}\n{log}"
    late = [line for line in log.splitlines() if "ms late" in line]
    assert not late, "\n".join(late[:5])
    assert max(health) < 0.25, f"slowest health check {max(health) * 1000:.0f} ms of {len(health)}"
    # The load really happened: otherwise this test could not fail.
    assert len(posted) >= 50 and len(pulls) >= 2 and len(health) >= 50, (len(posted), len(pulls), len(health))
    assert set(pulls) == {0}, pulls
