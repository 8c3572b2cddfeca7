"""HTML to PDF with WeasyPrint, reading the stylesheets and pictures from the static files
on disk. Nothing is fetched over the network: a letter prints the same with no web
server running (a Celery worker, a test), and a letter's HTML cannot make the server
fetch an address of its choosing."""

import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# The address a letter's relative links are read against: never requested, only parsed.
BASE_URL = "https://letters.invalid/"


class StaticFilesFetcher(URLFetcher):
    """Serves STATIC_URL paths from the static files (the app's folders, or STATIC_ROOT
    once collected) and refuses anything else: the NHS web font on assets.nhs.uk falls
    back to the stylesheet's next font."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        path = unquote(parts.path)
        if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not path.startswith(settings.STATIC_URL):
            raise ValueError(f"A letter reads only static files, not {url}")
        name = path.removeprefix(settings.STATIC_URL)
        if ".." in name.split("/"):
            raise ValueError(f"A letter reads only static files, not {url}")
        found = finders.find(name) or (staticfiles_storage.exists(name) and staticfiles_storage.path(name))
        if not found:
            raise ValueError(f"No static file {name}")
        with open(found, "rb") as file:
            body = file.read()
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher()).write_pdf()
