"""The page in a real browser: headless Chromium (the system's), driven by Playwright.

Skipped, with the reason shown, where Playwright or a Chromium cannot start.
Set AXONE_SCREENSHOTS=folder to keep the screenshots (the README's picture
comes from there).
"""

import os
import shutil

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (the test extra) is not installed")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser_page(live_server):
    if CHROMIUM is None:
        pytest.skip("no system Chromium (Debian: apt-get install chromium) to run the page in")
    with sync_api.sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        except Exception as failure:  # a browser that cannot start here is a skip, said aloud
            pytest.skip(f"Chromium at {CHROMIUM} does not start: {str(failure).splitlines()[0]}")
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(live_server[0] + "/")
        page.wait_for_function("document.getElementById('code').textContent.includes('keras.Sequential')")
        yield page, live_server[1]
        assert errors == [], f"the page raised JavaScript errors: {errors}"
        browser.close()


def keep(page, tmp_path, name):
    path = tmp_path / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    folder = os.environ.get("AXONE_SCREENSHOTS")
    if folder:
        shutil.copy(path, os.path.join(folder, name))


def loss(page, name):
    return float(page.text_content(f"#{name}-loss"))


def test_xor_network_learns_in_the_browser(browser_page, tmp_path):
    page, store = browser_page
    page.click("#dataset-xor")
    page.click("#remove-layer")  # the default [4, 2] becomes one hidden layer of 4
    page.select_option("#activation", "tanh")
    page.wait_for_function("document.getElementById('hidden-count').textContent === '1'")
    page.wait_for_function("document.getElementById('code').textContent.includes(\"Dense(4, activation='tanh')\")"
                           " && !document.getElementById('code').textContent.includes('Dense(2,')")
    page.click("#play")
    page.wait_for_function("parseFloat(document.getElementById('test-loss').textContent) < 0.1", timeout=60_000)
    page.click("#play")  # pause
    page.wait_for_function("document.getElementById('play').textContent.includes('Play')")
    (session,) = [store.get(f"s{i}") for i in range(1, 100) if _open(store, f"s{i}")]
    assert session.config.hidden_layers == [4] and session.config.activation == "tanh"
    assert min(session.history["val_loss"]) < 0.1
    with session._model_lock:  # an epoch in flight when pause came has ended; no other starts
        epoch, last = session.epoch, session.history["val_loss"][-1]
    # the page shows the server's numbers once paused (to its 3 decimals)
    page.wait_for_function(f"document.getElementById('epoch').textContent == '{epoch:03d}'")
    assert abs(loss(page, "test") - last) <= 0.0005 + 1e-9
    keep(page, tmp_path, "playground.png")


def test_perceptron_mode_fails_on_xor_and_says_why(browser_page, tmp_path):
    page, _ = browser_page
    page.click("#dataset-xor")
    page.check("#perceptron")
    page.wait_for_function("document.getElementById('code').textContent.includes('Perceptron')")
    page.click("#play")
    page.wait_for_selector("#message:not([hidden])", timeout=60_000)
    page.click("#play")  # pause
    assert "not linearly separable" in page.text_content("#message")
    assert loss(page, "test") > 0.2 and loss(page, "train") > 0.2
    keep(page, tmp_path, "playground-perceptron.png")


def _open(store, session_id):
    try:
        store.get(session_id)
    except KeyError:
        return False
    return True


def test_a_bad_csv_is_refused_on_the_page(browser_page, tmp_path):
    page, store = browser_page
    bad = tmp_path / "three_features.csv"
    bad.write_text("a,b,c,label\n1,2,3,0\n4,5,6,1\n")
    page.set_input_files("#csv", str(bad))
    page.wait_for_selector("#error:not([hidden])")
    assert "exactly 3" in page.text_content("#error") and "Received 3 feature column" in page.text_content("#error")
    # the network the page had keeps running on its data
    assert len(store) == 1 and next(iter(store._sessions.values())).config.dataset == "xor"
    assert page.eval_on_selector("#dataset-xor", "button => button.classList.contains('selected')")
