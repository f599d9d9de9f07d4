"""The page in a real browser (Debian's chromium, headless, driven by selenium through
/usr/bin/chromedriver): type a line, see the preview and the question, add, snooze, mark done,
and watch a fire arrive without a reload. Saves a screenshot to $TASKD_ARTIFACTS (default
tests/artifacts/)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from taskd.clock import FakeClock
from tests.test_web import TOKEN, Served, serve

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = Path(os.environ.get("TASKD_ARTIFACTS") or Path(__file__).parent / "artifacts")

HAVE_BROWSER = Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()
# .ci/run installs the browser and sets TASKD_REQUIRE_BROWSER: there a missing one fails, not skips.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not HAVE_BROWSER and not os.environ.get("TASKD_REQUIRE_BROWSER"),
                       reason="no chromium: `apt-get install -y chromium chromium-driver` "
                              "(Debian) to run the browser test of the web page"),
]


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    pytest.importorskip("selenium", reason="selenium is in the [dev] extra")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # A closed network hangs chromium on its background fetches; each flag turns one off.
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'chromium'}",
                 "--window-size=1280,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # to see CSP refusals
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "chromium", ignore_errors=True)


def _wait(driver: Any, what: Callable[[Any], Any], timeout: float = 10) -> Any:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # A click on a form button navigates: an element read mid-way may belong to the old page.
    return WebDriverWait(driver, timeout, poll_frequency=0.1,
                         ignored_exceptions=(StaleElementReferenceException,)).until(what)


def _text_of(driver: Any, css: str) -> str:
    from selenium.webdriver.common.by import By

    found = driver.find_elements(By.CSS_SELECTOR, css)
    return found[0].text if found else ""


def _type(driver: Any, words: str) -> None:
    from selenium.webdriver.common.by import By

    box = driver.find_element(By.ID, "text")
    box.clear()
    box.send_keys(words)


def test_add_snooze_done_and_a_fire_arrives(browser: Any, clock: FakeClock) -> None:
    with serve(clock) as web:
        _add_snooze_done_fire(browser, web)


def _add_snooze_done_fire(driver: Any, web: Served) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    driver.get(f"{web.url}/?token={TOKEN}")
    assert driver.current_url == f"{web.url}/"  # the token went into the cookie, not the history
    assert driver.find_element(By.ID, "tasks").text.startswith("Tasks 0")

    # A line that cannot be scheduled: the question shows while typing
    _type(driver, "call mum")
    _wait(driver, lambda d: "❓" in _text_of(d, "#question"))

    # A clear one: the preview says what it will be before anything is stored
    _type(driver, "remind me to water the plants in 2 hours")
    _wait(driver, lambda d: "Water the plants" in _text_of(d, "#preview-result"))
    assert "Sat 21 Nov, 12:00" in _text_of(driver, "#preview-result")
    assert web.core.list_tasks() == []  # type: ignore[attr-defined]
    driver.find_element(By.CSS_SELECTOR, "#add-form button[type=submit]").click()
    _wait(driver, lambda d: "Added #1" in _text_of(d, "#flash"))
    assert "Water the plants" in _text_of(driver, "#task-1 .title")
    assert "Sat 21 Nov, 12:00" in _text_of(driver, "#task-1 .next")

    _type(driver, "every day at 9pm take the pills")
    driver.find_element(By.ID, "text").send_keys(Keys.ENTER)
    _wait(driver, lambda d: "Added #2" in _text_of(d, "#flash"))
    assert "every day at 21:00" in _text_of(driver, "#task-2 .schedule")

    # Snooze the first by an hour: it has not fired, so an hour after its planned 12:00
    snooze = driver.find_element(By.CSS_SELECTOR, "#task-1 form.snooze select")
    Select(snooze).select_by_visible_text("1 hour")
    driver.find_element(By.CSS_SELECTOR, "#task-1 form.snooze button").click()
    _wait(driver, lambda d: "Snoozed #1" in _text_of(d, "#flash"))
    assert "Sat 21 Nov, 13:00" in _text_of(driver, "#task-1 .next")

    # Done: a one-time task leaves the list (the daily one stays)
    driver.find_element(By.CSS_SELECTOR, "#task-1 button.done").click()
    _wait(driver, lambda d: "Done: #1" in _text_of(d, "#flash"))
    assert driver.find_elements(By.ID, "task-1") == []
    assert driver.find_element(By.ID, "tasks").text.startswith("Tasks 1")

    # A fire (here: run now, from outside the page) reaches the open page by itself
    driver.execute_script("window.__noReload = true;")
    assert "No runs yet" in _text_of(driver, "#history")
    web.core.run(2)  # type: ignore[attr-defined]
    _wait(driver, lambda d: "Take the pills" in _text_of(d, "#history tr.run"), timeout=10)
    assert driver.execute_script("return window.__noReload === true;")
    assert "delivered" in _text_of(driver, "#history tr.run")

    # For the screenshot: one more task, and a line in the box with its preview
    _type(driver, "every weekday at 8am check the mail")
    driver.find_element(By.ID, "text").send_keys(Keys.ENTER)
    _wait(driver, lambda d: "Added #3" in _text_of(d, "#flash"))
    _type(driver, "on the last friday of every month at 5pm send the invoices")
    _wait(driver, lambda d: "Send the invoices" in _text_of(d, "#preview-result"))
    # Nothing the page does trips its own Content-Security-Policy or fails to load
    assert [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight;")
    driver.set_window_size(1280, max(900, int(height) + 40))
    shot = ARTIFACTS / "web-page.png"
    driver.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
