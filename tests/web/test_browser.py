"""The dashboard in Debian's Chromium (headless, driven by Playwright for Python): log in,
click a county on the real county map, drill down to a village, open a household file,
take a warning through one workflow step on a phone-sized screen, switch language.
Screenshots go to test-artifacts/web/ (look at them)."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import pytest

from web.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(web_apps):
    import uvicorn

    app = web_apps("sqlite")  # the session's SQLite app, served over real HTTP
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", app
    srv.should_exit = True
    th.join(timeout=10)


def test_dashboard_in_chromium(server):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: run scripts/setup.sh (apt-get install chromium)"
    base, app = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    gj = json.loads((Path(__file__).resolve().parents[2] / "src/jingzhun/web/static/maps/guizhou_counties.json").read_text())
    cp = {f["properties"]["name"]: f["properties"]["cp"] for f in gj["features"]}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1366, "height": 900}, bypass_csp=True)  # wait_for_function needs eval
        page = context.new_page()
        external = []
        page.on("request", lambda r: external.append(r.url) if not r.url.startswith(base) and not r.url.startswith("data:") else None)
        page.goto(base + "/")
        page.wait_for_selector("#username")
        assert page.locator("h2").inner_text() == "登录"
        page.fill("#username", "county")
        page.fill("#password", PASSWORD)
        page.click("#login-go")
        page.wait_for_selector("#map canvas")
        page.wait_for_function("window.jzMap && window.jzMap.getOption().series[0].data.length > 0")
        time.sleep(0.8)  # let the map animation settle
        page.screenshot(path=str(SHOTS / "01_overview_zh.png"))
        assert "总览" in page.locator("nav").inner_text()
        county = page.evaluate("fetch('/api/auth/me').then(r => r.json()).then(u => u.area_code)")
        # click the user's county on the map, at its label point
        # (on a loaded machine the map may still be animating or laying out when first clicked:
        # a click that lands before the map has settled is repeated, up to 5 times; the
        # navigation itself must still happen)
        for attempt in range(5):
            xy = page.evaluate(f"window.jzMap.convertToPixel({{seriesIndex: 0}}, {json.dumps(cp[county])})")
            box = page.locator("#map").bounding_box()
            page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
            try:
                page.wait_for_function(f"location.hash === '#/area/{county}'", timeout=6000)
                break
            except PlaywrightTimeout:
                if attempt == 4:
                    raise
                time.sleep(1.0)
        page.wait_for_selector("#children a[data-area]")
        # county → township → village
        demo_village = page.evaluate("fetch('/api/warnings?limit=1').then(r => r.json()).then(w => w.items[0].village_code)")
        page.click(f"#children a[data-area='{demo_village[:9]}']")
        page.wait_for_function(f"location.hash === '#/area/{demo_village[:9]}'")
        page.click(f"#children a[data-area='{demo_village}']")
        page.wait_for_selector("#households a[data-household]")
        page.screenshot(path=str(SHOTS / "02_village_households.png"), full_page=True)
        hid = page.locator("#households a[data-household]").first.get_attribute("data-household")
        page.click(f"#households a[data-household='{hid}']")
        page.wait_for_selector("#hh-title")
        assert "一户一档" in page.locator("#hh-title").inner_text()
        assert "********" in page.content()  # masked ID numbers
        page.screenshot(path=str(SHOTS / "03_household_file.png"), full_page=True)
        relations = [row.split("\t")[3] for row in page.locator("#main table").first.inner_text().splitlines()[1:]]
        assert relations.count("户主") == 1 and "head" not in relations  # labels, not codes
        pdf = page.evaluate("fetch(document.querySelector('#hh-pdf').href).then(r => [r.status, r.headers.get('content-type')])")
        assert pdf == [200, "application/pdf"]
        # allocation plans: county → a township
        page.goto(base + "/#/plans")
        page.wait_for_selector("#plans-title")
        town = page.locator("a[data-plan-area]").first.get_attribute("data-plan-area")
        page.click(f"a[data-plan-area='{town}']")
        page.wait_for_function(f"location.hash === '#/plans/{town}' && !!document.querySelector('#plans-title')")
        page.wait_for_selector("text=已安排措施")
        page.screenshot(path=str(SHOTS / "07_plans_township.png"), full_page=True)
        page.goto(base + "/#/scorecards")
        page.wait_for_selector("#scorecards-title")
        assert page.locator("#scorecards-none").count() == 1  # the test workspace has no `jingzhun evaluate`
        page.goto(base + "/#/open")
        page.wait_for_selector("#open-title")
        page.wait_for_selector("text=数据资源目录")
        page.screenshot(path=str(SHOTS / "08_open_data.png"), full_page=True)
        # the warning queue on a phone-sized screen: one workflow step
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(base + "/#/warnings")
        card = page.locator(".warn-card", has=page.locator("button[data-action='home_visit']")).first
        card.wait_for()
        warned = card.get_attribute("data-warning")
        card.locator("textarea").fill("入户核实：家中两人务工，收入属实")
        card.locator("button[data-action='home_visit']").click()
        page.wait_for_function(f"document.querySelector('[data-warning=\"{warned}\"] .state').textContent.includes('已入户核实')")
        page.screenshot(path=str(SHOTS / "04_warning_step_phone.png"))
        # switch language
        page.click("#lang")
        page.wait_for_function("document.querySelector('nav').innerText.includes('Overview')")
        assert "Warning queue" in page.locator("main h2").first.inner_text()
        page.screenshot(path=str(SHOTS / "05_warnings_english_phone.png"))
        # data quality: a province officer's page (Chinese again, desktop)
        page.click("#lang")
        page.set_viewport_size({"width": 1366, "height": 900})
        page.click("#logout")
        page.wait_for_selector("#username")
        page.fill("#username", "province")
        page.fill("#password", PASSWORD)
        page.click("#login-go")
        page.wait_for_selector("#map canvas")
        page.click("#nav-quality")
        page.wait_for_selector("#quality-title")
        assert page.locator("#main table tr").count() > 5  # one row per department
        page.screenshot(path=str(SHOTS / "09_quality.png"), full_page=True)
        browser.close()
    assert external == []  # nothing loaded from outside the server
    from sqlalchemy.orm import Session

    from jingzhun.monitoring.workflow import Case
    with Session(app.state.workflow.engine) as s:
        case = s.query(Case).filter(Case.household_id == warned).order_by(Case.id.desc()).first()
        assert case.state == "home_visit"
