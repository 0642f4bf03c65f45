from .test_xss_browser import browser, PLANTED  # noqa
def test_dom(browser):
    from playwright.sync_api import expect
    url, page, _ = browser
    page.goto(f"{url}/chi-tiet?code={PLANTED}")
    expect(page.locator("h1").first).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=30_000)
    page.wait_for_timeout(1000)
    for sel in ["[data-testid=stHeading]", "[data-testid=stCaptionContainer]"]:
        loc = page.locator(sel)
        for i in range(min(loc.count(), 3)):
            print(sel, loc.nth(i).evaluate("e => e.outerHTML")[:1500])
    print(page.evaluate("""() => Array.from(document.querySelectorAll('a')).map(a => a.outerHTML).join('\\n')""")[:3000])
