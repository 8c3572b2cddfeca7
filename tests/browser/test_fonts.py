"""No page waits on a host it cannot reach: with the NHS font's host not answering (trust
networks often block it), the page's text is drawn at once in the fallback font."""

import pytest

pytestmark = [pytest.mark.browser]


def test_the_page_is_drawn_at_once_when_the_font_host_never_answers(live_server, page):
    page.route("https://assets.nhs.uk/**", lambda route: None)  # never answered
    page.goto(f"{live_server.url}/get-help/", wait_until="commit")
    page.get_by_role("heading", level=1).wait_for()
    # From the page's HTML arriving to its first text drawn: a page waiting for its font
    # would take the browser's block period (3 s by default).
    first_paint = page.evaluate("""() => new Promise(resolve => {
        const arrived = performance.getEntriesByType('navigation')[0].responseEnd;
        const seen = () => performance.getEntriesByName('first-contentful-paint')[0];
        if (seen()) return resolve(seen().startTime - arrived);
        new PerformanceObserver(() => resolve(seen().startTime - arrived))
            .observe({type: 'paint', buffered: true});
    })""")
    assert first_paint < 1000, f"first text drawn {first_paint:.0f} ms after the page arrived"
    faces = page.evaluate("""() => [...document.fonts].filter(f => f.family.includes('Frutiger'))
        .map(f => [f.weight, f.display])""")
    # The last face declared for each weight is the one used: it must not wait for the font.
    assert dict(faces) == {"400": "swap", "600": "swap"}
